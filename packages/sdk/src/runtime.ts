import { TcccEvents, type SdkErrorCode, type SdkStatus, type WorkbenchMessage } from '@openccc/protocol';
import { BridgeClient } from './bridge-client.js';
import { Emitter } from './emitter.js';
import type { ScriptOptions } from './script-options.js';
import { hostLanguage, refusalNotice, workbenchFrame, WorkbenchUi } from './ui.js';

export type Phase = 'starting' | 'ready' | 'failed' | 'signedOut';

export interface Failure {
  status: 'error';
  errorMsg: string;
  errorCode: SdkErrorCode;
}

export function failure(errorCode: SdkErrorCode, errorMsg: string): Failure {
  return { status: 'error', errorMsg, errorCode };
}

/**
 * One SDK installation in a page. Survives re-initialisation: loading the
 * script again with another user (or after tokenExpired) restarts the session
 * here, while the page's handlers stay registered.
 */
export class Runtime {
  readonly emitter = new Emitter();
  phase: Phase = 'starting';
  status: SdkStatus = 'offline';
  ui: WorkbenchUi | null = null;
  /** UI requests made before the panel exists are applied when it mounts. */
  readonly uiWish: { hidden?: boolean; floatButton?: boolean; panel?: boolean } = {};
  private bridge: BridgeClient | null = null;
  private options: ScriptOptions | null = null;
  private generation = 0;

  /** Starts (or restarts) with these options; ignored when the same user is already starting or ready. */
  init(options: ScriptOptions): void {
    const same = this.options && this.options.userId === options.userId && this.options.sdkAppId === options.sdkAppId && this.options.origin === options.origin;
    this.checkFrame();
    if (same && this.phase === 'starting') return;
    if (same && this.phase === 'ready') {
      // Nothing to redo; pages that wait for ready after each load still hear it.
      setTimeout(() => this.emitter.emit(TcccEvents.ready, {}), 0);
      return;
    }
    this.teardown();
    this.options = options;
    this.phase = 'starting';
    this.status = 'offline';
    void this.start(options, ++this.generation);
  }

  async call(method: string, params: unknown): Promise<{ status: 'success'; data?: unknown }> {
    if (this.ui?.frame && !this.ui.frame.isConnected) {
      this.checkFrame();
      throw failure('workbenchUnreachable', 'The OpenCCC workbench frame was removed from the page; load the SDK again.');
    }
    if (this.phase !== 'ready' || !this.bridge) {
      throw failure('notReady', `tccc.${method} was called before the "ready" event; wait for tccc.on(tccc.events.ready, …).`);
    }
    const result = await this.bridge.call(method, params ?? {});
    if (result.ok) return result.data === undefined ? { status: 'success' } : { status: 'success', data: result.data };
    throw failure(result.errorCode, result.errorMsg);
  }

  private async start(options: ScriptOptions, generation: number): Promise<void> {
    const stale = () => generation !== this.generation;
    try {
      const check = await fetch(`${options.origin}/sdk/v1/origin-check?sdkAppId=${options.sdkAppId}&origin=${encodeURIComponent(location.origin)}`, { credentials: 'omit' });
      const answer = (await check.json()) as { allowed?: boolean };
      if (stale()) return;
      if (!answer.allowed) {
        // The workbench refuses to be framed here (CSP frame-ancestors): the agent reads why in the panel instead.
        this.showRefusal();
        return this.fail(
          'originNotAllowed',
          `This page's origin ${location.origin} is not allowed to embed the OpenCCC workbench of SdkAppId ${options.sdkAppId}. Add it on the server: openccc origins add ${location.origin}`,
        );
      }
    } catch {
      if (!stale()) this.fail('workbenchUnreachable', `OpenCCC at ${options.origin} cannot be reached.`);
      return;
    }
    const src = `${options.origin}/workbench/?embed=1&sdkAppId=${options.sdkAppId}`;
    const frame = workbenchFrame(src);
    const ui = this.panelWith(frame, this.uiWish.panel ?? options.showWorkbenchAtFirstLogin);
    const bridge = new BridgeClient((message) => {
      if (!stale()) this.onWorkbench(message);
    });
    this.ui = ui;
    this.bridge = bridge;
    // A frame removed before it loads never fires load: give up after 15 s.
    const loaded = new Promise<boolean>((resolve) => {
      frame.addEventListener('load', () => resolve(true), { once: true });
      window.setTimeout(() => resolve(false), 15_000);
    });
    ui.mount();
    const didLoad = await loaded;
    if (stale()) return;
    if (!didLoad) {
      this.fail('workbenchUnreachable', `The OpenCCC workbench did not load from ${options.origin}.`);
      return;
    }
    // A second load means the frame was reloaded (e.g. moved in the DOM): its bridge is gone.
    frame.addEventListener('load', () => {
      if (!stale()) this.lost();
    });
    try {
      await bridge.connect(frame, options.origin);
    } catch {
      if (!stale()) {
        this.fail(
          'workbenchUnreachable',
          `The OpenCCC workbench did not answer. Check that ${location.origin} (and every page framing it) is an allowed origin, and that ${options.origin} is reachable.`,
        );
      }
      return;
    }
    if (stale()) return;
    bridge.send({ type: 'init', options: { token: options.token, sdkAppId: options.sdkAppId, userId: options.userId } });
  }

  private onWorkbench(message: WorkbenchMessage): void {
    if (message.type === 'state') {
      this.status = message.status;
      this.ui?.setLanguage(message.language);
      return;
    }
    if (message.type !== 'event') return;
    const { name, payload } = message;
    switch (name) {
      case TcccEvents.ready:
        this.phase = 'ready';
        break;
      case TcccEvents.tokenExpired:
        this.phase = 'failed';
        break;
      case TcccEvents.error:
        this.phase = 'failed';
        console.error(`[tccc] ${String(payload['errorCode'])}: ${String(payload['errorMsg'])}`);
        break;
      case TcccEvents.signedOut:
        this.phase = 'signedOut';
        this.status = 'offline';
        console.warn(`[tccc] signed out (${String(payload['reason'])}): ${String(payload['errorMsg'])}`);
        break;
      case TcccEvents.statusChanged:
        this.status = payload['status'] as SdkStatus;
        break;
    }
    this.emitter.emit(name, payload);
  }

  /** The panel with `content`, as the page last asked for it (UI calls made before it existed). */
  private panelWith(content: HTMLIFrameElement | HTMLDivElement, showPanel: boolean): WorkbenchUi {
    const ui = new WorkbenchUi(content, showPanel);
    if (this.uiWish.floatButton !== undefined) ui.setFloatButton(this.uiWish.floatButton);
    if (this.uiWish.hidden) ui.hide();
    return ui;
  }

  /** Shows the agent, in the panel, that this page may not embed the workbench; shown open unless the page closed it. */
  private showRefusal(): void {
    const language = hostLanguage();
    const ui = this.panelWith(refusalNotice(language, location.origin), this.uiWish.panel ?? true);
    ui.setLanguage(language);
    this.ui = ui;
    ui.mount();
  }

  private fail(errorCode: SdkErrorCode, errorMsg: string): void {
    this.phase = 'failed';
    console.error(`[tccc] ${errorCode}: ${errorMsg}`);
    this.emitter.emit(TcccEvents.error, { errorCode, errorMsg });
  }

  /** Notices that the page removed the SDK's frame: the session is over, and a re-init starts afresh. */
  private checkFrame(): void {
    if (this.ui?.frame && !this.ui.frame.isConnected && (this.phase === 'ready' || this.phase === 'starting')) this.lost();
  }

  private lost(): void {
    if (this.phase !== 'ready' && this.phase !== 'starting') return;
    // Whatever the old start was still waiting for (handshake, login) must not report again.
    this.generation++;
    this.status = 'offline';
    this.fail('workbenchUnreachable', 'The OpenCCC workbench frame was removed or reloaded by the page; load the SDK again to sign in.');
  }

  private teardown(): void {
    const bridge = this.bridge;
    const ui = this.ui;
    this.bridge = null;
    this.ui = null;
    if (!ui) return;
    // The old workbench signs out before its frame goes (or after 2 s without an answer).
    ui.hide();
    const remove = () => ui.remove();
    if (bridge) bridge.close(remove);
    else remove();
  }
}
