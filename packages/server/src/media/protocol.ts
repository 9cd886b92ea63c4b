/**
 * The media plane's wire: every command the call engine sends and every event it receives.
 *
 * All shapes are plain, structured-clone-safe data (no class instances, no functions), so the same
 * messages can cross a worker boundary today and a process or network boundary later (a separate
 * media process, or an adapter in front of an external media server).
 */

/** A leg's id, chosen by the main thread. */
export type LegId = string;
/** A recording's id, chosen by the main thread. */
export type RecordingId = string;

export const G711_CODECS = ['PCMU', 'PCMA'] as const;
export type G711Codec = (typeof G711_CODECS)[number];

/**
 * Where an RTP leg sends, and whom it accepts packets from:
 * - `{ address, port }`: the negotiated peer, strictly: only packets from exactly that address and port;
 * - `{ address, port, latch: true }` (symmetric RTP, for peers behind NAT): send to the negotiated
 *   address and port until the first packet arrives from the negotiated *address* (any port), then
 *   send to that exact source and accept only it;
 * - `'latch'`: nothing is sent until the first packet arrives, from anywhere; then only that source.
 */
export type RtpRemote = { address: string; port: number; latch?: boolean } | 'latch';

/** The packet durations an RTP leg sends (`a=ptime`), in ms. */
export const RTP_PTIMES = [10, 20, 30, 40] as const;
export type RtpPtime = (typeof RTP_PTIMES)[number];

export interface RtpLegParams {
  kind: 'rtp';
  remote: RtpRemote;
  /** Default PCMU. */
  codec?: G711Codec;
  /** RFC 4733 payload type; default 101. */
  telephoneEventPayloadType?: number;
  /**
   * Milliseconds of audio per packet sent (the peer's `a=ptime`); default 20. Packets received may
   * carry any whole number of ms whatever this says: they are re-cut into the plane's 20 ms frames.
   */
  ptime?: RtpPtime;
}

export interface WebRtcLegParams {
  kind: 'webrtc';
  /** The browser's complete (non-trickle) SDP offer. */
  offerSdp: string;
}

export type LegParams = RtpLegParams | WebRtcLegParams;

export const TONE_NAMES = ['ringback', 'hold', 'beep'] as const;
export type ToneName = (typeof TONE_NAMES)[number];

/** A custom tone: frequencies mixed together, on for onMs then off for offMs (offMs 0 = steady). */
export interface ToneSpec {
  frequencies: number[];
  onMs: number;
  offMs: number;
  /** Peak level, 0..1 of full scale; default 0.25. */
  level?: number;
}

export type PlaySource =
  | { kind: 'file'; path: string }
  | { kind: 'tone'; tone: ToneName | ToneSpec; durationMs?: number };

export type CloseReason = 'destroyed' | 'remoteClosed' | 'failed' | 'workerFailed' | 'planeClosed';
export type PlayEndReason = 'finished' | 'stopped' | 'replaced' | 'legClosed';

export type MediaCommand =
  | { type: 'createLeg'; leg: LegId; session: string; params: LegParams; mediaTimeoutMs: number }
  | { type: 'bridge'; legA: LegId; legB: LegId }
  | { type: 'unbridge'; leg: LegId }
  | { type: 'play'; leg: LegId; source: PlaySource; loop: boolean }
  | { type: 'stopPlay'; leg: LegId }
  | {
      type: 'record';
      recording: RecordingId;
      session: string;
      /** Customer on the left channel, agent on the right. */
      legs: { customer: LegId; agent: LegId };
      path: string;
    }
  | { type: 'stopRecord'; recording: RecordingId }
  /** Adds a leg to a running recording's channel (0 customer, 1 agent): the agent who took a transferred call. */
  | { type: 'recordLeg'; recording: RecordingId; leg: LegId; channel: 0 | 1 }
  | { type: 'sendDtmf'; leg: LegId; digits: string }
  | { type: 'destroyLeg'; leg: LegId }
  | { type: 'stats' }
  | { type: 'shutdown' };

export type MediaCommandType = MediaCommand['type'];

/** What a leg tells its owner when it can carry media. */
export type LegReady =
  | { kind: 'rtp'; localAddress: string; localPort: number }
  | { kind: 'webrtc'; answerSdp: string };

export interface WorkerStats {
  legs: number;
  bridges: number;
  recordings: number;
  packetsIn: number;
  packetsOut: number;
  /** Packets from a source other than the leg's peer, or malformed. */
  packetsDropped: number;
  /** CPU time of the worker thread in ms, where the platform tells it (Linux); else null. */
  cpuMs: number | null;
  /** Event-loop utilisation of the worker since it started, 0..1. */
  eventLoopUtilization: number;
}

/** The value a successful command resolves with. */
export interface CommandResults {
  createLeg: LegReady;
  bridge: null;
  unbridge: null;
  play: null;
  stopPlay: null;
  record: null;
  stopRecord: null;
  recordLeg: null;
  sendDtmf: null;
  destroyLeg: null;
  stats: WorkerStats;
  shutdown: null;
}

export const MEDIA_ERROR_CODES = [
  'badCommand',
  'legExists',
  'legNotFound',
  'recordingExists',
  'recordingNotFound',
  'noPortAvailable',
  'crossWorkerBridge',
  'fileError',
  'sdpError',
  'workerFailed',
  'closed',
] as const;
export type MediaErrorCode = (typeof MEDIA_ERROR_CODES)[number];

export interface MediaErrorData {
  code: MediaErrorCode;
  message: string;
}

export type MediaEvent =
  | { type: 'legReady'; leg: LegId; ready: LegReady }
  | { type: 'legConnected'; leg: LegId }
  | { type: 'dtmf'; leg: LegId; digit: string }
  | { type: 'playDone'; leg: LegId; reason: PlayEndReason }
  | { type: 'mediaTimeout'; leg: LegId; silentMs: number }
  | { type: 'legClosed'; leg: LegId; reason: CloseReason }
  | { type: 'recordDone'; recording: RecordingId; path: string; durationMs: number }
  | { type: 'error'; error: MediaErrorData; leg?: LegId; recording?: RecordingId };

export type MediaEventType = MediaEvent['type'];
/** The payload of one event type, e.g. `MediaEventOf<'dtmf'>`. */
export type MediaEventOf<T extends MediaEventType> = Extract<MediaEvent, { type: T }>;

/** Main → worker: a command with the id its reply carries. */
export interface CommandEnvelope {
  id: number;
  command: MediaCommand;
}

/** Worker → main: a reply to one command, or an unsolicited event. */
export type WorkerMessage =
  | { kind: 'reply'; id: number; ok: true; value: CommandResults[MediaCommandType] }
  | { kind: 'reply'; id: number; ok: false; error: MediaErrorData }
  | { kind: 'event'; event: MediaEvent };

/** The digits RFC 4733 event codes 0–15 stand for. */
export const DTMF_DIGITS = '0123456789*#ABCD';
