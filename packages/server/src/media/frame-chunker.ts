/**
 * Re-cuts a stream of G.711 bytes into chunks of one fixed size. G.711 is one byte per sample and
 * keeps no state between bytes, so any cut is clean: received packets of any ptime become the
 * plane's 20 ms frames, and 20 ms frames become packets of the peer's ptime.
 */
export class FrameChunker {
  private readonly buffer: Uint8Array;
  private filled = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
    this.buffer = new Uint8Array(size);
  }

  /** Bytes held back until the next push completes a chunk. */
  get buffered(): number {
    return this.filled;
  }

  /**
   * Appends bytes and calls `emit` with every chunk they complete, in order. The chunk is only valid
   * during the call (it may be a view of `bytes` or of the internal buffer): copy it to keep it. With
   * nothing held back, whole chunks of `bytes` are handed on without copying.
   */
  push(bytes: Uint8Array, emit: (chunk: Uint8Array) => void): void {
    const { size, buffer } = this;
    let offset = 0;
    if (this.filled > 0) {
      const take = Math.min(size - this.filled, bytes.length);
      buffer.set(bytes.subarray(0, take), this.filled);
      this.filled += take;
      offset = take;
      if (this.filled < size) return;
      this.filled = 0;
      emit(buffer);
    }
    while (bytes.length - offset >= size) {
      emit(bytes.subarray(offset, offset + size));
      offset += size;
    }
    if (offset < bytes.length) {
      buffer.set(bytes.subarray(offset), 0);
      this.filled = bytes.length - offset;
    }
  }

  /** Drops what is held back (a gap in the stream: those bytes no longer join the next ones); returns how many. */
  reset(): number {
    const dropped = this.filled;
    this.filled = 0;
    return dropped;
  }
}
