/**
 * The engine's media legs: the ids the sessions name (`LegId`) mapped to the
 * media plane's legs, and the session commands that touch audio carried out
 * on them.
 *
 * A leg exists here before its audio does: an outbound callee's leg is named
 * when the session opens, and gets audio only when the callee answers. Until
 * then operations on it wait, and `play`/`stopMedia` are simply kept as the
 * state to apply. A scripted callee (`virtual`) has no audio of its own: when
 * it is bridged to an agent, the agent hears its scripted tone.
 *
 * Media commands are sent without waiting for their replies: the media plane
 * delivers a worker's commands in order, so the order here is the order
 * there. A failed command is logged; the leg's own events (mediaTimeout,
 * legClosed) tell the engine when a call has lost its audio.
 */
import type { Logger } from 'pino';
import type { LegId, Playback } from '../calls/types.js';
import type { MediaPlane } from '../media/media-plane.js';
import type { LegParams, LegReady, PlaySource, RecordingId, ToneSpec } from '../media/protocol.js';

type Kind = 'rtp' | 'webrtc' | 'virtual';

interface LegEntry {
  id: LegId;
  sessionId: string;
  kind: Kind;
  /** The media plane's leg, once it has audio. */
  media: string | null;
  /** For a virtual leg: what the other side hears while bridged to it. */
  voice: ToneSpec | null;
  /** The legs this one is bridged to (at most one in practice). */
  bridgedTo: LegId | null;
  playing: Playback | null;
  closed: boolean;
}

const PLAYBACKS: Record<Playback, PlaySource> = {
  ringback: { kind: 'tone', tone: 'ringback' },
  queueMusic: { kind: 'tone', tone: 'hold' },
  holdMusic: { kind: 'tone', tone: 'hold' },
};

export class MediaLegs {
  private readonly legs = new Map<LegId, LegEntry>();
  /** Media-plane leg → engine leg. */
  private readonly byMedia = new Map<string, LegId>();
  private next = 1;

  constructor(
    private readonly media: MediaPlane,
    private readonly log: Logger,
  ) {}

  /** Names a leg of a session; audio comes with `attach` (or never, for a virtual leg). */
  add(sessionId: string, kind: Kind, voice: ToneSpec | null = null): LegId {
    const id = `${kind}-${this.next++}`;
    this.legs.set(id, { id, sessionId, kind, media: null, voice, bridgedTo: null, playing: null, closed: false });
    return id;
  }

  /** Creates the leg's audio on the media plane; the leg's pending state (playback, bridge) is applied. */
  async attach(legId: LegId, params: LegParams, mediaTimeoutMs?: number): Promise<LegReady> {
    const entry = this.require(legId);
    const created = await this.media.createLeg(entry.sessionId, params, mediaTimeoutMs === undefined ? {} : { mediaTimeoutMs });
    if (entry.closed) {
      this.fire(this.media.destroyLeg(created.leg), 'destroyLeg');
      throw new Error(`leg ${legId} was closed while its audio was being set up`);
    }
    entry.media = created.leg;
    this.byMedia.set(created.leg, legId);
    if (entry.playing) this.startPlay(entry, entry.playing);
    const peer = entry.bridgedTo ? this.legs.get(entry.bridgedTo) : undefined;
    if (peer) this.applyBridge(entry, peer);
    const { leg: _leg, ...ready } = created;
    return ready;
  }

  /** Makes a leg a scripted callee's: no audio of its own; whoever is bridged to it hears `voice`. */
  setVoice(legId: LegId, voice: ToneSpec): void {
    const entry = this.legs.get(legId);
    if (!entry || entry.closed) return;
    entry.kind = 'virtual';
    entry.voice = voice;
  }

  /** The media plane closed the leg by itself (the peer went away, the worker failed): nothing is left to destroy. */
  lost(mediaLeg: string): void {
    const entry = this.fromMedia(mediaLeg);
    if (!entry) return;
    this.byMedia.delete(mediaLeg);
    entry.media = null;
  }

  /** The engine leg of a media-plane leg. */
  fromMedia(mediaLeg: string): LegEntry | undefined {
    const id = this.byMedia.get(mediaLeg);
    return id === undefined ? undefined : this.legs.get(id);
  }

  get(legId: LegId): Readonly<LegEntry> | undefined {
    return this.legs.get(legId);
  }

  /** The media-plane leg, if the leg has audio. */
  mediaOf(legId: LegId): string | null {
    return this.legs.get(legId)?.media ?? null;
  }

  play(legId: LegId, playback: Playback): void {
    const entry = this.legs.get(legId);
    if (!entry || entry.closed) return;
    entry.playing = playback;
    if (entry.media) this.startPlay(entry, playback);
  }

  stop(legId: LegId): void {
    const entry = this.legs.get(legId);
    if (!entry || entry.closed || entry.playing === null) return;
    entry.playing = null;
    if (entry.media) this.fire(this.media.stopPlay(entry.media), 'stopPlay');
  }

  /** Plays a file or tone on a leg now (the IVR's prompts); resolves when the worker accepted it. */
  playSource(legId: LegId, source: PlaySource): Promise<null> | null {
    const entry = this.legs.get(legId);
    if (!entry?.media || entry.closed) return null;
    entry.playing = null;
    return this.media.play(entry.media, source, { loop: false });
  }

  stopSource(legId: LegId): void {
    const entry = this.legs.get(legId);
    if (entry?.media && !entry.closed) this.fire(this.media.stopPlay(entry.media), 'stopPlay');
  }

  bridge(a: LegId, b: LegId): void {
    const left = this.legs.get(a);
    const right = this.legs.get(b);
    if (!left || !right || left.closed || right.closed) return;
    left.bridgedTo = b;
    right.bridgedTo = a;
    for (const entry of [left, right]) if (entry.playing !== null) this.stop(entry.id);
    this.applyBridge(left, right);
  }

  unbridge(a: LegId, b: LegId): void {
    for (const [self, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const entry = this.legs.get(self);
      if (!entry || entry.bridgedTo !== other) continue;
      entry.bridgedTo = null;
      if (entry.media && !entry.closed) {
        if (entry.kind !== 'virtual') this.fire(this.media.unbridge(entry.media), 'unbridge');
      }
    }
    // A virtual leg's voice stops with the bridge.
    const left = this.legs.get(a);
    const right = this.legs.get(b);
    if (left?.kind === 'virtual' && right?.media && !right.closed) this.fire(this.media.stopPlay(right.media), 'stopPlay');
    if (right?.kind === 'virtual' && left?.media && !left.closed) this.fire(this.media.stopPlay(left.media), 'stopPlay');
  }

  sendDigits(legId: LegId, digits: string): void {
    const entry = this.legs.get(legId);
    if (entry?.media && !entry.closed) this.fire(this.media.sendDtmf(entry.media, digits), 'sendDtmf');
  }

  /** Starts a stereo recording (customer left, agent right); null when either leg has no audio. */
  async record(customer: LegId, agent: LegId, path: string): Promise<RecordingId | null> {
    const left = this.mediaOf(customer);
    const right = this.mediaOf(agent);
    if (!left || !right) return null;
    return this.media.record({ customer: left, agent: right }, path);
  }

  /** The leg's part is over: its audio is destroyed. */
  close(legId: LegId): void {
    const entry = this.legs.get(legId);
    if (!entry || entry.closed) return;
    entry.closed = true;
    if (entry.media) {
      this.byMedia.delete(entry.media);
      this.fire(this.media.destroyLeg(entry.media), 'destroyLeg');
    }
    this.legs.delete(legId);
  }

  /** Legs still open (for tests and shutdown). */
  size(): number {
    return this.legs.size;
  }

  private startPlay(entry: LegEntry, playback: Playback): void {
    if (entry.kind === 'virtual' || !entry.media) return;
    this.fire(this.media.play(entry.media, PLAYBACKS[playback], { loop: true }), 'play');
  }

  private applyBridge(left: LegEntry, right: LegEntry): void {
    if (left.kind === 'virtual' || right.kind === 'virtual') {
      const [virtualLeg, real] = left.kind === 'virtual' ? [left, right] : [right, left];
      if (real.media && virtualLeg.voice) this.fire(this.media.play(real.media, { kind: 'tone', tone: virtualLeg.voice }, { loop: true }), 'play');
      return;
    }
    if (left.media && right.media) this.fire(this.media.bridge(left.media, right.media), 'bridge');
  }

  private fire(promise: Promise<unknown>, what: string): void {
    promise.catch((err: unknown) => this.log.warn({ err, command: what }, 'media command failed'));
  }

  private require(legId: LegId): LegEntry {
    const entry = this.legs.get(legId);
    if (!entry) throw new Error(`no leg ${legId}`);
    return entry;
  }
}
