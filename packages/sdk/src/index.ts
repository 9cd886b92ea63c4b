import { TcccEvents } from '@openccc/protocol';
import type { Tccc } from '../types/tccc.js';
import { createFacade } from './facade.js';
import { Runtime } from './runtime.js';
import { findScript, readOptions } from './script-options.js';

type Installed = Tccc & { readonly __openccc?: Runtime };

/**
 * Entry of tccc.js. Installs `window.tccc` once per page; loading the script
 * again re-initialises the same installation (another user, or a fresh token).
 */
function boot(): void {
  const script = findScript();
  const existing = (window as unknown as { tccc?: Installed }).tccc;
  let runtime = existing?.__openccc;
  if (!runtime) {
    runtime = new Runtime();
    const facade = createFacade(runtime);
    Object.defineProperty(facade, '__openccc', { value: runtime, enumerable: false });
    (window as unknown as { tccc: Tccc }).tccc = facade;
  }
  const options = script ? readOptions(script) : 'tccc.js could not find its own <script> element.';
  if (typeof options === 'string') {
    const installed = runtime;
    console.error(`[tccc] invalidArgument: ${options}`);
    // Let handlers registered on the script's load event hear about it too.
    setTimeout(() => installed.emitter.emit(TcccEvents.error, { errorCode: 'invalidArgument', errorMsg: options }), 0);
    return;
  }
  runtime.init(options);
}

boot();
