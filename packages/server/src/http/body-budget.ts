import { Transform } from 'node:stream';

/** The default cap: six maximum-size (10 MB) bodies at once, with room to spare. */
export const DEFAULT_BODY_BUDGET_BYTES = 64 * 1024 * 1024;

/** One request's share of the budget: a pass-through stream for its body, and what gives the bytes back. */
export interface BodyMeter {
  /** Passes each chunk on once the budget took it; stalls for good at the first chunk that does not fit. */
  stream: Transform;
  /** Gives back every byte this request took. Idempotent. */
  release: () => void;
}

/**
 * The bytes of request bodies held at once, across every request in flight,
 * capped. A request takes its bytes chunk by chunk as they arrive and gives them
 * back when its answer is done, so a client that declares a large body but sends
 * it slowly holds only what it has sent. What the cap bounds is the bytes
 * received; parsing may briefly hold a small multiple of them.
 */
export class BodyBudget {
  private used = 0;

  constructor(readonly limit: number = DEFAULT_BODY_BUDGET_BYTES) {}

  /** Bytes held now. */
  get inUse(): number {
    return this.used;
  }

  /** Whether `bytes` more would fit now. */
  fits(bytes: number): boolean {
    return this.used + bytes <= this.limit;
  }

  /** Takes `bytes`, or nothing and false when they do not fit. */
  take(bytes: number): boolean {
    if (!this.fits(bytes)) return false;
    this.used += bytes;
    return true;
  }

  /** Gives back bytes taken earlier. */
  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  /** A meter for one request's body; `onExhausted` runs once, at the first chunk that does not fit. */
  meter(onExhausted: () => void): BodyMeter {
    let held = 0;
    let released = false;
    let stalled = false;
    const stream = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        if (stalled) return;
        if (released || !this.take(chunk.length)) {
          // Never calling `done` stalls the body: nothing more is read into memory for it.
          stalled = true;
          if (!released) onExhausted();
          return;
        }
        held += chunk.length;
        done(null, chunk);
      },
    });
    return {
      stream,
      release: () => {
        if (released) return;
        released = true;
        this.release(held);
        held = 0;
      },
    };
  }
}
