/**
 * The page's event handlers. A handler that throws is reported on the console
 * and cannot stop the others or break the SDK.
 */
type Handler = (payload: Record<string, unknown>) => void;

export class Emitter {
  private readonly handlers = new Map<string, Set<Handler>>();

  on(name: string, handler: Handler): void {
    if (typeof handler !== 'function') throw new TypeError(`tccc.on('${name}', handler): handler must be a function`);
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler);
  }

  /** Without a handler, removes every handler of the event. */
  off(name: string, handler?: Handler): void {
    if (handler) this.handlers.get(name)?.delete(handler);
    else this.handlers.delete(name);
  }

  emit(name: string, payload: Record<string, unknown> = {}): void {
    // TCCC's newer docs read `response.data.x`, older ones `response.x`: give both.
    const event = { ...payload, data: { ...payload } };
    for (const handler of [...(this.handlers.get(name) ?? [])]) {
      try {
        handler(event);
      } catch (error) {
        console.error(`[tccc] a "${name}" handler threw:`, error);
      }
    }
  }
}
