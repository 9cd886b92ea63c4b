/**
 * What a scripted call did, as `openccc call` prints it: whether it connected, who answered and
 * when, how long it lasted, why it ended, and what audio and digits came back. The recorder is fed
 * the call's events with their times; the report is a plain JSON-safe object.
 */
import type { PhoneEndReason, PhoneErrorCode } from '@openccc/protocol';

export type CallDirection = 'outbound' | 'inbound';

/**
 * Why the call ended: the network's reason, or one seen only by this phone: `disconnected` (the
 * connection to the server closed first), `timeout` (not answered, or no call came, within the
 * wait), `cancelled` (stopped before it connected, e.g. Ctrl-C while ringing).
 */
export type CallEndReason = PhoneEndReason | 'disconnected' | 'timeout' | 'cancelled';

export interface ToneHeard {
  frequency: number;
  /** Separate bursts heard (a tone that pauses and resumes counts again). */
  bursts: number;
  /** When it was first heard, from the moment the call connected (or from the start, before that). */
  firstAtMs: number;
}

export interface CallReport {
  direction: CallDirection;
  callId: string | null;
  from: string;
  to: string;
  connected: boolean;
  /** Who took the call last: `system` (IVR or queue) or an agent's mail; for an incoming call, this phone (`self`). */
  answeredBy: string | null;
  /** Every answer in order: a hotline is answered by `system` first, then by the agent who picks up. */
  answers: Array<{ by: string; atMs: number }>;
  /** Whether an agent's phone rang for the call. */
  ringing: boolean;
  /** From dialling (or the incoming call's arrival) to the first answer. */
  timeToAnswerMs: number | null;
  /** From the first answer to the end. */
  talkMs: number | null;
  endReason: CallEndReason | null;
  endMessage: string;
  /** Who ended it: this phone, the network (remote side, server), or nobody yet. */
  endedBy: 'local' | 'remote' | null;
  errors: Array<{ code: PhoneErrorCode | 'local'; message: string }>;
  media: {
    local: { address: string; port: number } | null;
    remote: { address: string; port: number; codec: 'PCMU' | 'PCMA' } | null;
  };
  audio: {
    /** Every RTP packet received (audio and RFC 4733 events). */
    packets: number;
    /** G.711 audio frames received (20 ms each). */
    frames: number;
    /** Mean and peak level of the received frames, 0..1 of full scale. */
    rmsMean: number;
    rmsPeak: number;
    /** Time with a level above the silence threshold. */
    soundMs: number;
    tones: ToneHeard[];
  };
  digitsSent: string;
  digitsReceived: string;
  /** What this phone sent as audio: silence, a tone, a file. */
  played: string;
}

/** Frames quieter than this (about -46 dBFS) count as silence. */
export const SILENCE_RMS = 0.005;
const FRAME_MS = 20;

/** Collects a call's events (with the clock's times) into a CallReport. */
export class CallRecorder {
  private readonly startedAt: number;
  private callId: string | null = null;
  private firstAnswerAt: number | null = null;
  private connectedAt: number | null = null;
  private endedAt: number | null = null;
  private readonly answers: Array<{ by: string; at: number }> = [];
  private ringing = false;
  private endReason: CallEndReason | null = null;
  private endMessage = '';
  private endedBy: 'local' | 'remote' | null = null;
  private readonly errors: CallReport['errors'] = [];
  private local: CallReport['media']['local'] = null;
  private remote: CallReport['media']['remote'] = null;
  private packets = 0;
  private frames = 0;
  private rmsSum = 0;
  private rmsPeak = 0;
  private soundFrames = 0;
  private readonly tones = new Map<number, { bursts: number; firstAt: number }>();
  private digitsSent = '';
  private digitsReceived = '';
  private played = 'silence';

  constructor(
    readonly direction: CallDirection,
    private readonly from: string,
    private readonly to: string,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  get ended(): boolean {
    return this.endReason !== null;
  }

  get connected(): boolean {
    return this.connectedAt !== null;
  }

  setCallId(callId: string): void {
    this.callId = callId;
  }

  setMedia(local: CallReport['media']['local'], remote?: CallReport['media']['remote']): void {
    this.local = local;
    if (remote !== undefined) this.remote = remote;
  }

  onRinging(): void {
    this.ringing = true;
  }

  /** An answer: the network's `answered`, or this phone answering an incoming call (`self`). */
  onAnswered(by: string): void {
    if (this.ended) return;
    const at = this.now();
    this.answers.push({ by, at });
    this.firstAnswerAt ??= at;
    this.connectedAt ??= at;
  }

  onEnded(reason: CallEndReason, message: string, by: 'local' | 'remote'): void {
    if (this.ended) return;
    this.endReason = reason;
    this.endMessage = message;
    this.endedBy = by;
    this.endedAt = this.now();
  }

  onError(code: PhoneErrorCode | 'local', message: string): void {
    this.errors.push({ code, message });
  }

  /** One received RTP packet; `level` is the frame's RMS when it carried G.711 audio. */
  onPacket(level?: number): void {
    this.packets++;
    if (level === undefined) return;
    this.frames++;
    this.rmsSum += level;
    this.rmsPeak = Math.max(this.rmsPeak, level);
    if (level >= SILENCE_RMS) this.soundFrames++;
  }

  onTone(frequency: number): void {
    const entry = this.tones.get(frequency);
    if (entry) entry.bursts++;
    else this.tones.set(frequency, { bursts: 1, firstAt: this.now() });
  }

  onDigitSent(digit: string): void {
    this.digitsSent += digit;
  }

  onDigitReceived(digit: string): void {
    this.digitsReceived += digit;
  }

  setPlayed(description: string): void {
    this.played = description;
  }

  report(): CallReport {
    const origin = this.connectedAt ?? this.startedAt;
    const end = this.endedAt ?? this.now();
    return {
      direction: this.direction,
      callId: this.callId,
      from: this.from,
      to: this.to,
      connected: this.connectedAt !== null,
      answeredBy: this.answers.at(-1)?.by ?? null,
      answers: this.answers.map(({ by, at }) => ({ by, atMs: at - this.startedAt })),
      ringing: this.ringing,
      timeToAnswerMs: this.firstAnswerAt === null ? null : this.firstAnswerAt - this.startedAt,
      talkMs: this.connectedAt === null ? null : end - this.connectedAt,
      endReason: this.endReason,
      endMessage: this.endMessage,
      endedBy: this.endedBy,
      errors: [...this.errors],
      media: { local: this.local, remote: this.remote },
      audio: {
        packets: this.packets,
        frames: this.frames,
        rmsMean: round(this.frames === 0 ? 0 : this.rmsSum / this.frames),
        rmsPeak: round(this.rmsPeak),
        soundMs: this.soundFrames * FRAME_MS,
        tones: [...this.tones].sort(([a], [b]) => a - b).map(([frequency, { bursts, firstAt }]) => ({ frequency, bursts, firstAtMs: Math.max(0, firstAt - origin) })),
      },
      digitsSent: this.digitsSent,
      digitsReceived: this.digitsReceived,
      played: this.played,
    };
  }
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The level as dBFS, for people. */
function decibels(level: number): string {
  return level <= 0 ? '-∞ dBFS' : `${(20 * Math.log10(level)).toFixed(0)} dBFS`;
}

const END_TEXT: Record<CallEndReason, string> = {
  hangup: 'this phone hung up',
  remoteHangup: 'the other side hung up',
  busy: 'busy',
  rejected: 'rejected',
  notAnswer: 'not answered',
  noRoute: 'no route to the number',
  unreachable: 'unreachable',
  mediaTimeout: 'no audio arrived (media timeout)',
  error: 'error',
  shutdown: 'the server is shutting down',
  disconnected: 'the connection to the server closed',
  timeout: 'gave up waiting',
  cancelled: 'cancelled',
};

/** The report as a few aligned lines for people. */
export function formatReport(report: CallReport): string {
  const rows: Array<[string, string]> = [];
  const peer = report.direction === 'outbound' ? `to ${report.to}` : report.from ? `from ${report.from} to ${report.to}` : `none came to ${report.to}`;
  rows.push(['call', `${peer}${report.callId ? `  (${report.callId})` : ''}`]);
  rows.push(['connected', report.connected ? 'yes' : 'no']);
  if (report.answers.length > 0) rows.push(['answered by', report.answers.map((a) => `${a.by} at ${seconds(a.atMs)}`).join(', then ')]);
  if (report.timeToAnswerMs !== null) rows.push(['time to answer', seconds(report.timeToAnswerMs)]);
  if (report.talkMs !== null) rows.push(['talk time', seconds(report.talkMs)]);
  if (report.endReason !== null) {
    const detail = report.endMessage && report.endMessage !== END_TEXT[report.endReason] ? ` — ${report.endMessage}` : '';
    rows.push(['ended', `${report.endReason} (${END_TEXT[report.endReason]})${detail}`]);
  }
  const audio = report.audio;
  rows.push(['audio received', audio.frames === 0 ? `none (${audio.packets} packets)` : `${audio.frames} frames, ${seconds(audio.soundMs)} of sound, mean ${decibels(audio.rmsMean)}, peak ${decibels(audio.rmsPeak)}`]);
  if (audio.tones.length > 0) rows.push(['tones heard', audio.tones.map((t) => `${t.frequency} Hz ×${t.bursts} (first at ${seconds(t.firstAtMs)})`).join(', ')]);
  rows.push(['audio sent', report.played]);
  if (report.digitsSent) rows.push(['digits sent', report.digitsSent]);
  if (report.digitsReceived) rows.push(['digits received', report.digitsReceived]);
  for (const error of report.errors) rows.push(['error', `${error.code}: ${error.message}`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}
