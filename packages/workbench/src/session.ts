import {
  CALL_METHODS,
  LOCAL_CALL_METHODS,
  isRealtimeMethod,
  toSdkStatus,
  type BridgeInitOptions,
  type CallMethod,
  type LocalCallMethod,
  type LoginFailure,
  type LoginSuccess,
  type SdkErrorCode,
  type SdkStatus,
  type ServerMessage,
  type ServerStatus,
  type SignedOutReason,
  type StaffProfile,
  type TcccEventName,
} from '@openccc/protocol';
import { CallDesk, type CallView } from './call-desk.js';
import { MicrophoneError, browserMediaDeps, type MediaDeps } from './call-media.js';
import { detectLanguage, type Language } from './i18n.js';
import { RealtimeClient, RequestError, type ConnectionState } from './realtime-client.js';
import type { RecentCall } from './recent-calls.js';
import { SessionError } from './session-error.js';

export { SessionError } from './session-error.js';

export type Phase = 'waitingForHost' | 'login' | 'loggingIn' | 'ready' | 'signedOut' | 'failed';

export interface Device {
  deviceId: string;
  label: string;
}

export interface SessionState {
  phase: Phase;
  embedded: boolean;
  staff: StaffProfile | null;
  status: SdkStatus;
  reason: string;
  connection: ConnectionState | 'idle';
  error: { code: SdkErrorCode; message: string } | null;
  signedOutReason: SignedOutReason | null;
  language: Language;
  /** The agent's calls in progress, in the order they came. */
  calls: CallView[];
  /** The agent's last calls in this browser, newest first. */
  recentCalls: RecentCall[];
  /** After-call work (`arrange`): when it ends and the agent is free again (this browser's clock), if the server said. */
  statusUntil: number | null;
  /** When the current status was received (this browser's clock). */
  statusSince: number;
  microphones: Device[];
  speakers: Device[];
  selectedMicrophone: string;
  selectedSpeaker: string;
  microphonePermission: 'unknown' | 'granted' | 'denied' | 'unavailable';
}

type Listener = (state: SessionState) => void;
type EventListener = (name: TcccEventName, payload: Record<string, unknown>) => void;

const TICKET_KEY = 'openccc.ticket';
const LANGUAGE_KEY = 'openccc.language';
const MIC_KEY = 'openccc.microphone';
const SPEAKER_KEY = 'openccc.speaker';

export interface SessionOptions {
  media: MediaDeps;
  now: () => number;
}

function storage(kind: 'local' | 'session'): Storage | null {
  try {
    return kind === 'local' ? window.localStorage : window.sessionStorage;
  } catch {
    return null;
  }
}

/**
 * The workbench's single source of truth: login, the realtime connection, agent
 * status, calls and devices. The UI renders it; the host bridge forwards its events.
 */
export class Session {
  private state: SessionState;
  private readonly listeners = new Set<Listener>();
  private readonly eventListeners = new Set<EventListener>();
  private client: RealtimeClient | null = null;
  private serverStatus: { status: ServerStatus; reason: string } | undefined;
  /** Server clock minus this browser's, from the last welcome. */
  private clockOffset = 0;
  private readonly desk: CallDesk;
  private readonly now: () => number;

  constructor(embedded: boolean, options: Partial<SessionOptions> = {}) {
    this.now = options.now ?? Date.now;
    const language = (storage('local')?.getItem(LANGUAGE_KEY) as Language | null) ?? detectLanguage();
    this.state = {
      phase: embedded ? 'waitingForHost' : 'login',
      embedded,
      staff: null,
      status: 'offline',
      reason: '',
      connection: 'idle',
      error: null,
      signedOutReason: null,
      language: language === 'en-US' ? 'en-US' : 'zh-CN',
      calls: [],
      recentCalls: [],
      statusUntil: null,
      statusSince: this.now(),
      microphones: [],
      speakers: [],
      selectedMicrophone: storage('local')?.getItem(MIC_KEY) ?? '',
      selectedSpeaker: storage('local')?.getItem(SPEAKER_KEY) ?? '',
      microphonePermission: 'unknown',
    };
    this.desk = new CallDesk({
      media: options.media ?? browserMediaDeps(),
      storage: storage('local'),
      now: this.now,
      onChange: () => this.update({ calls: this.desk.calls, recentCalls: this.desk.recent }),
    });
    this.desk.setSpeaker(this.state.selectedSpeaker);
  }

  get(): SessionState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** tccc events for the host page. */
  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Embedded: exchange the SDK token for a ticket. An expired token yields only `tokenExpired`. */
  async loginWithToken(options: BridgeInitOptions, parentOrigin: string): Promise<void> {
    await this.login('/sdk/v1/login', { sdkAppId: options.sdkAppId, userId: options.userId, token: options.token, parentOrigin }, false);
  }

  /** Standalone: mail and password. */
  async loginWithPassword(mail: string, password: string, sdkAppId?: number): Promise<void> {
    await this.login('/workbench/api/login', { mail, password, sdkAppId }, true);
  }

  /** Standalone: continue a login kept in this tab's sessionStorage. */
  resumeStandalone(): boolean {
    const ticket = storage('session')?.getItem(TICKET_KEY);
    if (!ticket) return false;
    this.update({ phase: 'loggingIn' });
    this.connect(ticket);
    return true;
  }

  async call(method: string, params: Record<string, unknown>): Promise<unknown> {
    if (method === 'Devices.getMicrophones') return (await this.refreshDevices()).microphones;
    if (method === 'Devices.getSpeakers') return (await this.refreshDevices()).speakers;
    if ((LOCAL_CALL_METHODS as readonly string[]).includes(method)) return this.desk.local(method as LocalCallMethod, params);
    if (!isRealtimeMethod(method)) throw new SessionError('invalidArgument', `Unknown method ${method}.`);
    if (!this.client || this.state.phase !== 'ready') throw new SessionError('notReady', 'The workbench is not signed in.');
    if (!(CALL_METHODS as readonly string[]).includes(method)) return this.send(method, params);
    try {
      const data = await this.desk.request(method as CallMethod, params, (withAudio) => this.send(method, withAudio), this.state.selectedMicrophone);
      // A call's microphone may have been the first permission: the device list can name devices now.
      if (this.state.microphonePermission !== 'granted') void this.refreshDevices().catch(() => undefined);
      return data;
    } catch (error) {
      if (error instanceof MicrophoneError && error.denied) this.update({ microphonePermission: 'denied' });
      throw error;
    }
  }

  /** A user gesture in the workbench: call audio the browser held back may play now. */
  resumeAudio(): void {
    this.desk.resumePlayback();
  }

  /** Forgets the agent's recent calls in this browser. */
  clearRecentCalls(): void {
    this.desk.clearRecent();
  }

  /** Signs out here and on the server; works offline too (the server then ends the login on its own time). */
  logout(): void {
    this.desk.stop();
    if (!this.client?.logout()) {
      this.client?.stop();
      storage('session')?.removeItem(TICKET_KEY);
      this.update({ phase: 'signedOut', signedOutReason: 'logout', status: 'offline', error: null });
    }
  }

  setLanguage(language: Language): void {
    storage('local')?.setItem(LANGUAGE_KEY, language);
    this.update({ language });
  }

  selectMicrophone(deviceId: string): void {
    storage('local')?.setItem(MIC_KEY, deviceId);
    this.update({ selectedMicrophone: deviceId });
  }

  selectSpeaker(deviceId: string): void {
    storage('local')?.setItem(SPEAKER_KEY, deviceId);
    this.desk.setSpeaker(deviceId);
    this.update({ selectedSpeaker: deviceId });
  }

  /** Asks for the microphone (the browser shows its prompt), then lists devices with labels. */
  async requestMicrophone(): Promise<void> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      for (const track of stream.getTracks()) track.stop();
      this.update({ microphonePermission: 'granted' });
    } catch (error) {
      // Only a refusal is about permission; a missing or busy device is not.
      const name = (error as { name?: string } | null)?.name;
      this.update({ microphonePermission: name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable' });
    }
    await this.refreshDevices();
  }

  async refreshDevices(): Promise<{ microphones: Device[]; speakers: Device[] }> {
    if (!navigator.mediaDevices?.enumerateDevices) throw new SessionError('browserNotSupported', 'This browser cannot list audio devices.');
    const devices = await navigator.mediaDevices.enumerateDevices();
    const pick = (kind: MediaDeviceKind) => devices.filter((d) => d.kind === kind).map((d) => ({ deviceId: d.deviceId, label: d.label }));
    const microphones = pick('audioinput');
    const speakers = pick('audiooutput');
    const labelled = microphones.some((d) => d.label);
    this.update({ microphones, speakers, microphonePermission: labelled ? 'granted' : this.state.microphonePermission });
    return { microphones, speakers };
  }

  private async send(method: Parameters<RealtimeClient['request']>[0], params: Record<string, unknown>): Promise<unknown> {
    if (!this.client) throw new SessionError('notReady', 'The workbench is not signed in.');
    try {
      return await this.client.request(method, params);
    } catch (error) {
      if (error instanceof RequestError) throw new SessionError(error.code, error.message);
      throw error;
    }
  }

  private async login(path: string, body: Record<string, unknown>, standalone: boolean): Promise<void> {
    this.client?.stop();
    this.desk.stop();
    this.update({ phase: 'loggingIn', error: null, signedOutReason: null });
    let answer: LoginSuccess | LoginFailure;
    try {
      const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' });
      answer = (await response.json()) as LoginSuccess | LoginFailure;
    } catch {
      return this.fail('network', 'OpenCCC cannot be reached.', standalone);
    }
    if ('error' in answer) return this.fail(answer.error.code, answer.error.message, standalone);
    if (standalone) storage('session')?.setItem(TICKET_KEY, answer.ticket);
    this.update({ staff: answer.staff });
    this.connect(answer.ticket);
  }

  private fail(code: SdkErrorCode, message: string, standalone: boolean): void {
    this.update({ phase: standalone ? 'login' : 'failed', error: { code, message } });
    if (code === 'tokenExpired') this.emit('tokenExpired', {});
    else this.emit('error', { errorCode: code, errorMsg: message });
  }

  private connect(ticket: string): void {
    this.client = new RealtimeClient(ticket, this.state.embedded, () => this.serverStatus, {
      onState: (connection) => this.update({ connection }),
      onMessage: (message) => this.onServer(message),
      onEnded: (code, message) => {
        storage('session')?.removeItem(TICKET_KEY);
        this.desk.stop();
        const wasReady = this.state.phase === 'ready';
        this.update({ phase: this.state.embedded ? 'failed' : 'login', error: { code, message }, status: 'offline' });
        if (!wasReady || code !== 'ticketInvalid') this.emit('error', { errorCode: code, errorMsg: message });
        else this.emit('signedOut', { reason: 'expired', errorMsg: message });
      },
    });
    this.client.start();
  }

  private onServer(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome': {
        const first = this.state.phase !== 'ready';
        const status = toSdkStatus(message.status);
        const changed = status !== this.state.status || message.reason !== this.state.reason;
        this.serverStatus = { status: message.status, reason: message.reason };
        this.clockOffset = message.serverTime - this.now();
        this.desk.signIn({ sdkAppId: message.staff.sdkAppId, mail: message.staff.mail });
        this.desk.welcome(message.sessions, this.clockOffset);
        const timing = changed ? { statusUntil: null, statusSince: this.now() } : {};
        this.update({ phase: 'ready', staff: message.staff, status, reason: message.reason, error: null, ...timing });
        if (first) this.emit('ready', {});
        // A change made while the connection was down (e.g. SetStaffStatus) still reaches the page.
        else if (changed) this.emit('statusChanged', { status, reason: message.reason });
        return;
      }
      case 'event': {
        if (message.name === 'statusChanged') {
          const { status, reason = '', until } = message.payload;
          this.serverStatus = { status: status === 'arrange' ? 'afterCallWork' : status, reason };
          const statusUntil = status === 'arrange' && typeof until === 'number' && Number.isFinite(until) ? until - this.clockOffset : null;
          this.update({ status, reason, statusUntil, statusSince: this.now() });
        } else {
          // The host page hears every event even if the workbench's own view of it fails.
          try {
            this.desk.event(message);
          } catch (error) {
            console.error('[openccc] the workbench could not follow this event:', message.name, error);
          }
        }
        this.emit(message.name, message.payload as unknown as Record<string, unknown>);
        return;
      }
      case 'signedOut': {
        storage('session')?.removeItem(TICKET_KEY);
        this.client?.stop();
        this.desk.stop();
        this.update({ phase: 'signedOut', signedOutReason: message.reason, status: 'offline', error: null });
        this.emit('signedOut', { reason: message.reason, errorMsg: message.message });
        return;
      }
      default:
        return;
    }
  }

  private emit(name: TcccEventName, payload: Record<string, unknown>): void {
    for (const listener of [...this.eventListeners]) listener(name, payload);
  }

  private update(patch: Partial<SessionState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of [...this.listeners]) listener(this.state);
  }
}
