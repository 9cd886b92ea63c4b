import type { Logger } from 'pino';

type Listener<Args extends unknown[]> = (...args: Args) => void;

/**
 * A typed event emitter whose listeners cannot break the emitter: a listener that
 * throws is logged and the others still run, so the emitter's state stays whole.
 */
export class SafeEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(private readonly log: Logger) {}

  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): this {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as Listener<never>);
    return this;
  }

  off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): this {
    this.listeners.get(name)?.delete(listener as Listener<never>);
    return this;
  }

  protected emit<K extends keyof Events>(name: K, ...args: Events[K]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      try {
        (listener as Listener<Events[K]>)(...args);
      } catch (err) {
        this.log.error({ err, event: String(name) }, 'an event listener threw; the others still run');
      }
    }
  }
}
