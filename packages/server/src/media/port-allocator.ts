/**
 * UDP ports for RTP legs from a configured range: even ports (RTP convention), picked at random so
 * a leg's port is hard to guess, each bound before it is handed out and returned when the leg closes.
 */
import dgram from 'node:dgram';
import { MediaError } from './media-error.js';

export interface PortRange {
  min: number;
  max: number;
}

/** Splits a range into `parts` disjoint slices, one per worker, so workers never race for a port. */
export function splitPortRange(range: PortRange, parts: number): PortRange[] {
  const evens = Math.floor((range.max - range.min) / 2) + 1;
  const perPart = Math.floor(evens / parts);
  if (perPart < 1) throw new RangeError(`port range ${range.min}-${range.max} is too small for ${parts} media workers`);
  const first = range.min + (range.min & 1);
  return Array.from({ length: parts }, (_, i) => ({ min: first + i * perPart * 2, max: first + ((i + 1) * perPart - 1) * 2 + 1 }));
}

export class PortAllocator {
  private readonly inUse = new Set<number>();

  constructor(
    private readonly range: PortRange,
    private readonly bindAddress: string,
    private readonly random: () => number = Math.random,
  ) {}

  get allocated(): number {
    return this.inUse.size;
  }

  /** A UDP socket bound to a free even port of the range. */
  async bind(): Promise<{ socket: dgram.Socket; port: number }> {
    const first = this.range.min + (this.range.min & 1);
    const count = Math.floor((this.range.max - first) / 2) + 1;
    const tried = new Set<number>();
    while (tried.size + this.inUse.size < count) {
      let index = Math.floor(this.random() * count);
      // Walk forward from a random start so a nearly full range is still searched in bounded time.
      let steps = 0;
      while ((tried.has(index) || this.inUse.has(first + index * 2)) && steps++ < count) index = (index + 1) % count;
      if (steps > count) break;
      tried.add(index);
      const port = first + index * 2;
      this.inUse.add(port);
      const socket = dgram.createSocket({ type: this.bindAddress.includes(':') ? 'udp6' : 'udp4' });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(port, this.bindAddress, () => {
            socket.off('error', reject);
            resolve();
          });
        });
        return { socket, port };
      } catch (error) {
        this.inUse.delete(port);
        socket.close();
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw MediaError.from(error, 'noPortAvailable');
      }
    }
    throw new MediaError('noPortAvailable', `no free UDP port in ${this.range.min}-${this.range.max}: widen the media port range or end idle legs`);
  }

  /** Returns a port to the pool; its socket must already be closed. */
  release(port: number): void {
    this.inUse.delete(port);
  }
}
