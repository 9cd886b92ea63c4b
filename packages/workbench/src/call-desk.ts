import { AGENT_SDP_FIELD, type AgentCallView, type CallMethod, type LocalCallMethod, type ServerEvent } from '@openccc/protocol';
import { CallMedia, type AudioState, type MediaDeps } from './call-media.js';
import { applyCallEvent, endReason, fromWelcome, markAnswered, markHeld, placed, removeCall, talkSeconds, type EndedCall, type TrackedCall } from './call-state.js';
import { RecentCallStore, toRecent, type RecentCall, type RecentOwner } from './recent-calls.js';
import { SessionError } from './session-error.js';

/** A call as the UI shows it: what the server says, plus this page's audio. */
export interface CallView extends TrackedCall {
  muted: boolean;
  audio: AudioState;
  /** The other side cannot be heard until the agent clicks in the page (the browser's autoplay rule). */
  silent: boolean;
}

export interface CallDeskOptions {
  media: MediaDeps;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  now: () => number;
  /** The calls or the recent list changed. */
  onChange: () => void;
}

/** The methods whose request carries this page's audio offer. */
const MEDIA_METHODS: ReadonlySet<CallMethod> = new Set(['Call.accept', 'Call.startOutboundCall', 'Call.startInternalCall']);
/** Session ids that ended lately: a reply arriving after its session's end must not bring it back. */
const ENDED_MEMORY = 50;

/**
 * The agent's calls in this page: tracked from `welcome.sessions` and the
 * events, their audio (CallMedia), the local microphone methods, and the
 * recent calls once they end.
 */
export class CallDesk {
  private tracked: TrackedCall[] = [];
  private views: CallView[] = [];
  private readonly ended: string[] = [];
  private readonly media: CallMedia;
  private readonly store: RecentCallStore;

  constructor(private readonly options: CallDeskOptions) {
    this.media = new CallMedia(options.media, () => this.changed());
    this.store = new RecentCallStore(options.storage);
  }

  get calls(): CallView[] {
    return this.views;
  }

  get recent(): RecentCall[] {
    return this.store.list;
  }

  /** The signed-in agent, whose recent calls are shown. */
  signIn(owner: RecentOwner): void {
    this.store.open(owner);
    this.changed();
  }

  /** The calls in progress at (re)connection; calls this page knew that are gone ended meanwhile. */
  welcome(sessions: readonly AgentCallView[], clockOffset: number): void {
    const now = this.options.now();
    const next = fromWelcome(Array.isArray(sessions) ? sessions : [], clockOffset);
    const ids = new Set(next.map((c) => c.sessionId));
    for (const gone of this.tracked.filter((c) => !ids.has(c.sessionId))) this.finish({ call: gone, reason: 'unknown', duration: talkSeconds(gone, now) });
    this.media.retain(ids);
    this.tracked = next;
    this.changed();
  }

  event(event: ServerEvent): void {
    const { calls, ended } = applyCallEvent(this.tracked, event, this.options.now());
    // A call transferred away can be offered to this agent again, under the same id.
    if (event.name === 'callIn') this.unforget(event.payload.sessionId);
    if (event.name === 'sessionEnded' || event.name === 'autoTransfer' || event.name === 'transfer') {
      const { sessionId } = event.payload;
      this.forget(sessionId);
      // A transfer's sessionEnded comes after the call left the list; it brings the server's duration.
      if (!ended && event.name === 'sessionEnded') this.store.settle(sessionId, event.payload.duration);
    }
    this.tracked = calls;
    if (ended) this.finish(ended);
    this.changed();
  }

  /** A `Call.*` request to the server; `send` delivers it. Adds and removes the audio offer and answer where needed. */
  async request(method: CallMethod, params: Record<string, unknown>, send: (params: Record<string, unknown>) => Promise<unknown>, microphone: string): Promise<unknown> {
    const sessionId = typeof params['sessionId'] === 'string' ? params['sessionId'] : '';
    let data: unknown;
    if (MEDIA_METHODS.has(method)) {
      // Do not open the microphone for an accept the server can only refuse.
      if (method === 'Call.accept' && !sessionId) throw new SessionError('invalidArgument', 'Call.accept needs a sessionId.');
      data = await this.media.negotiate(method === 'Call.accept' ? sessionId : null, microphone, (sdp) => send({ ...params, [AGENT_SDP_FIELD]: sdp }));
    } else {
      data = await send(params);
    }
    this.succeeded(method, params, sessionId, data);
    return data;
  }

  /** `Call.muteMic`, `Call.unmuteMic` and `Call.isMicMuted`, answered here: the microphone is in this page. */
  local(method: LocalCallMethod, params: Record<string, unknown>): boolean | undefined {
    const sessionId = params['sessionId'];
    if (typeof sessionId !== 'string' || !sessionId) throw new SessionError('invalidArgument', `${method} needs a sessionId.`);
    if (!this.media.has(sessionId)) {
      if (!this.tracked.some((c) => c.sessionId === sessionId)) throw new SessionError('sessionNotFound', `${method}: the agent is in no session ${sessionId}.`);
      // Ringing, or reloaded mid-call: the call has no microphone in this page.
      throw new SessionError('callNotAllowed', `${method}: session ${sessionId} has no audio in this workbench.`);
    }
    if (method === 'Call.isMicMuted') return this.media.isMuted(sessionId);
    this.media.setMuted(sessionId, method === 'Call.muteMic');
    return undefined;
  }

  setSpeaker(deviceId: string): void {
    this.media.setSpeaker(deviceId);
  }

  /** A user gesture: start audio the browser held back. */
  resumePlayback(): void {
    this.media.resumePlayback();
  }

  clearRecent(): void {
    this.store.clear();
    this.changed();
  }

  /** Signed out: audio closes and the calls are no longer this page's to show. */
  stop(): void {
    this.media.closeAll();
    if (this.tracked.length === 0) return;
    this.tracked = [];
    this.changed();
  }

  private succeeded(method: CallMethod, params: Record<string, unknown>, sessionId: string, data: unknown): void {
    const now = this.options.now();
    const reply = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    switch (method) {
      case 'Call.accept':
        if (this.wasEnded(sessionId)) this.media.end(sessionId);
        this.tracked = markAnswered(this.tracked, sessionId, now);
        break;
      case 'Call.startOutboundCall':
      case 'Call.startInternalCall': {
        const id = text(reply['sessionId']);
        if (!id) break;
        if (this.wasEnded(id)) {
          this.media.end(id);
          break;
        }
        const internal = method === 'Call.startInternalCall';
        const peer = internal ? text(params['calleeUserId']) : text(reply['calleePhoneNumber']) || text(params['phoneNumber']);
        this.tracked = placed(
          this.tracked,
          { sessionId: id, type: internal ? 'internal' : 'phone', peer, calleePhoneNumber: internal ? '' : peer, callerPhoneNumber: text(reply['callerPhoneNumber']), remark: text(reply['remark']) },
          now,
        );
        break;
      }
      case 'Call.hold':
      case 'Call.unHold':
        this.tracked = markHeld(this.tracked, sessionId, method === 'Call.hold');
        break;
      case 'Call.hungUp':
      case 'Call.deleteCall':
      case 'Call.transfer': {
        // A declined offer gets no event; a hang-up's sessionEnded may come before or after this reply.
        const { calls, ended } = removeCall(this.tracked, sessionId, (call) => (method === 'Call.transfer' ? 'transferred' : endReason(call, 'seat')), now);
        this.forget(sessionId);
        this.tracked = calls;
        if (ended) this.finish(ended);
        break;
      }
      default:
        return;
    }
    this.changed();
  }

  private finish(ended: EndedCall): void {
    this.media.end(ended.call.sessionId);
    this.store.record(toRecent(ended));
  }

  private forget(sessionId: string): void {
    this.media.end(sessionId);
    if (this.ended.includes(sessionId)) return;
    this.ended.push(sessionId);
    if (this.ended.length > ENDED_MEMORY) this.ended.shift();
  }

  private unforget(sessionId: string): void {
    const index = this.ended.indexOf(sessionId);
    if (index >= 0) this.ended.splice(index, 1);
  }

  private wasEnded(sessionId: string): boolean {
    return this.ended.includes(sessionId);
  }

  private changed(): void {
    this.views = this.tracked.map((call) => ({ ...call, muted: this.media.isMuted(call.sessionId), audio: this.media.audio(call.sessionId), silent: this.media.isSilent(call.sessionId) }));
    this.options.onChange();
  }
}
