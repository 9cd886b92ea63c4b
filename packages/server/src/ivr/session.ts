/**
 * The IVR interpreter: one call's walk through a flow (or the after-call
 * survey), as a pure state machine.
 *
 * Design:
 * - Pure. No I/O and no timers: the engine hands in events (`handle`) and
 *   carries out the commands it gets back, in order. Time comes from the
 *   injected clock; timers are data (`schedule`, `cancelTimer`), as in the ACD.
 * - One checked move function over the phases of `session-state.ts`; an
 *   illegal move or an event only a bug can produce throws `IvrStateError`.
 *   Races (a key just after the IVR let the call go, a playback that ends
 *   just after it was stopped) are ignored.
 * - The flow must have passed `parseIvrFlow`: targets exist, loops wait for keys.
 * - Keys that count are reported at once (`keyPressed`), so a record keeps
 *   them even if the call ends badly later.
 */
import { IVR_DEFAULTS, IVR_END_STATUS, SURVEY_NO_INPUT_KEY, type IvrAction, type IvrFlow, type IvrKeyPressed, type IvrMenuNode, type IvrNode, type IvrPathStep, type IvrRetry } from '@openccc/protocol';
import { IvrStateError } from './errors.js';
import { assertIvrMove, type IvrPhase } from './session-state.js';
import type { IvrCommand, IvrEvent, IvrEventType, IvrHangupReason, IvrResult, IvrTimerId, IvrTransition, PlaybackId } from './types.js';
import { isWorkTime } from './work-time.js';

export interface IvrSessionOptions {
  /** The call's session id; it prefixes playback and timer ids, so they are unique across calls. */
  sessionId: string;
  /** A flow that passed `parseIvrFlow`. */
  flow: IvrFlow;
  /** `flow` walks the nodes from `start` (the schedule first); `survey` runs the flow's after-call survey. */
  mode: 'flow' | 'survey';
  /** Unix milliseconds; key timestamps and timers use it. */
  clock: () => number;
  /** Called on every move; a throwing observer cannot break the session. */
  onTransition?: (transition: IvrTransition) => void;
}

/** Where the IVR lets the call go once its last prompts have played. */
type Exit = { type: 'queue'; skillGroupId: number } | { type: 'hangup'; reason: IvrHangupReason };

const DTMF = /^[0-9*#A-D]$/;
const SURVEY_NODE_ID = 'survey';

/** One call in the IVR: feed it events, carry out its commands. */
export class IvrSession {
  private readonly sessionId: string;
  private readonly flow: IvrFlow;
  private readonly mode: 'flow' | 'survey';
  private readonly clock: () => number;
  private readonly onTransition: ((transition: IvrTransition) => void) | undefined;
  private readonly surveyNode: IvrMenuNode | null;

  private phaseNow: IvrPhase = 'idle';
  private node: { id: string; node: IvrNode } | null = null;
  private playing: PlaybackId | null = null;
  private timer: IvrTimerId | null = null;
  /** Number playback and timer ids; every id issued before the current one is over, so a late report of it is a race. */
  private playbacks = 0;
  private timers = 0;
  private invalidKeys = 0;
  private silences = 0;
  private exit: Exit | null = null;
  private readonly records: IvrKeyPressed[] = [];
  private readonly path: IvrPathStep[] = [];
  private startedAt: number | null = null;
  private ended: Pick<IvrResult, 'outcome' | 'endStatus' | 'skillGroupId' | 'startedAt' | 'endedAt'> | null = null;

  private cause: IvrEventType = 'started';
  private out: IvrCommand[] = [];
  private busy = false;

  constructor(options: IvrSessionOptions) {
    this.sessionId = options.sessionId;
    this.flow = options.flow;
    this.mode = options.mode;
    this.clock = options.clock;
    this.onTransition = options.onTransition;
    if (options.mode === 'survey' && !options.flow.survey) throw new IvrStateError(`IVR session ${options.sessionId}: the flow has no survey.`);
    this.surveyNode = options.flow.survey ? surveyAsMenu(options.flow.survey) : null;
  }

  /** The current phase (see `session-state.ts`). */
  get phase(): IvrPhase {
    return this.phaseNow;
  }

  /** The node the caller is in, or null before the start, in the closed-hours prompt and after the end. */
  get nodeId(): string | null {
    return this.phaseNow === 'done' ? null : (this.node?.id ?? null);
  }

  /** The keys counted so far, in TCCC's `IVRKeyPressedEx` shape. */
  get keysPressed(): IvrKeyPressed[] {
    return this.records.map((record) => ({ ...record }));
  }

  /** The `ivrPath` so far: each counted key with its label. */
  get ivrPath(): IvrPathStep[] {
    return this.path.map((step) => ({ ...step }));
  }

  /** How the session ended, once it has; null while it runs. */
  get result(): IvrResult | null {
    return this.ended && { ...this.ended, keysPressed: this.keysPressed, keys: this.records.map((record) => record.Key), ivrPath: this.ivrPath };
  }

  /** Applies one event and returns the commands for the engine, in order. */
  handle(event: IvrEvent): IvrCommand[] {
    if (this.busy) throw new IvrStateError(`IvrSession.handle(${event.type}) was called from inside another event.`);
    this.busy = true;
    this.cause = event.type;
    this.out = [];
    try {
      this.apply(event);
      return this.out;
    } finally {
      this.out = [];
      this.busy = false;
    }
  }

  private apply(event: IvrEvent): void {
    if (this.phaseNow === 'idle' && event.type !== 'started' && event.type !== 'callerHungUp') {
      throw new IvrStateError(`IVR session ${this.sessionId} got ${event.type} before started.`);
    }
    switch (event.type) {
      case 'started':
        return this.start();
      case 'promptFinished':
        return this.promptFinished(event.playbackId);
      case 'dtmf':
        return this.dtmf(event.digit);
      case 'timerFired':
        return this.timerFired(event.timerId);
      case 'callerHungUp':
        return this.callerHungUp();
      default: {
        const unknown: never = event;
        throw new IvrStateError(`Unknown IVR event ${JSON.stringify(unknown)}.`);
      }
    }
  }

  // ── Events ──────────────────────────────────────────────────────────

  private start(): void {
    if (this.phaseNow !== 'idle') throw new IvrStateError(`IVR session ${this.sessionId} was started twice.`);
    this.startedAt = this.clock();
    if (this.mode === 'survey' && this.surveyNode) return this.enter(SURVEY_NODE_ID, this.surveyNode);
    const schedule = this.flow.workTime;
    if (schedule && !isWorkTime(schedule, this.startedAt)) return this.leave({ type: 'hangup', reason: 'notWorkTime' }, schedule.closedPrompts);
    this.goto(this.flow.start);
  }

  private promptFinished(playbackId: PlaybackId): void {
    if (playbackId !== this.playing) {
      if (this.issued(playbackId, 'p')) return;
      throw new IvrStateError(`IVR session ${this.sessionId} got promptFinished for ${playbackId}, which it never played.`);
    }
    this.playing = null;
    const node = this.node?.node;
    switch (this.phaseNow) {
      case 'leaving':
        return this.finish(this.exit as Exit);
      case 'retrying':
        return this.playMenu();
      case 'prompting':
        if (node?.kind === 'menu') return this.collect(node);
        if (node?.kind === 'play') return this.goto(node.next);
        break;
    }
    throw new IvrStateError(`IVR session ${this.sessionId} cannot finish a prompt in ${this.phaseNow} at node ${this.node?.id ?? '-'}.`);
  }

  private dtmf(digit: string): void {
    if (!DTMF.test(digit)) throw new IvrStateError(`IVR session ${this.sessionId} got "${digit}", which is not a DTMF digit.`);
    const node = this.node?.node;
    if (this.phaseNow === 'done' || this.phaseNow === 'leaving' || node?.kind !== 'menu') return;
    const bargeIn = node.bargeIn ?? IVR_DEFAULTS.bargeIn;
    if (this.phaseNow === 'collecting' || bargeIn) this.key(node, digit);
  }

  private timerFired(timerId: IvrTimerId): void {
    if (timerId !== this.timer) {
      if (this.issued(timerId, 't')) return;
      throw new IvrStateError(`IVR session ${this.sessionId} got timerFired for ${timerId}, which it never scheduled.`);
    }
    this.timer = null;
    const node = this.node?.node;
    if (this.phaseNow !== 'collecting' || node?.kind !== 'menu') throw new IvrStateError(`IVR session ${this.sessionId} has a timer in ${this.phaseNow}.`);
    this.silences++;
    if (this.silences > (node.noInput?.maxRetries ?? IVR_DEFAULTS.maxRetries)) return this.fallback(node);
    this.retry(node, node.noInput);
  }

  private callerHungUp(): void {
    if (this.phaseNow === 'done') return;
    this.startedAt ??= this.clock();
    this.quiet();
    // A caller who hangs up during the goodbye was being hung up on anyway: the IVR's reason stands.
    const decided = this.exit?.type === 'hangup' ? this.exit.reason : null;
    const endStatus = this.mode === 'survey' ? null : decided && decided !== 'surveyEnd' ? IVR_END_STATUS[decided] : IVR_END_STATUS.ivrGiveUp;
    this.close('callerHungUp', endStatus, null);
  }

  // ── Menus ───────────────────────────────────────────────────────────

  private key(menu: IvrMenuNode, digit: string): void {
    this.quiet();
    const action = Object.hasOwn(menu.keys, digit) ? menu.keys[digit] : undefined;
    if (!action) {
      this.invalidKeys++;
      if (this.invalidKeys > (menu.invalidKey?.maxRetries ?? IVR_DEFAULTS.maxRetries)) return this.fallback(menu);
      return this.retry(menu, menu.invalidKey);
    }
    this.record(digit, action.label ?? (action.action === 'goto' ? labelOf(action.node, this.flow.nodes[action.node]) : ''));
    this.act(action);
  }

  private act(action: IvrAction): void {
    switch (action.action) {
      case 'goto':
        return this.goto(action.node);
      case 'queue':
        return this.leave({ type: 'queue', skillGroupId: action.skillGroupId }, action.prompts);
      case 'hangup':
        return this.leave({ type: 'hangup', reason: this.mode === 'survey' ? 'surveyEnd' : 'ivrEnd' }, action.prompts);
      case 'repeat':
        return this.playMenu();
    }
  }

  private fallback(menu: IvrMenuNode): void {
    this.act(menu.fallback ?? { action: 'hangup' });
  }

  private retry(menu: IvrMenuNode, retry: IvrRetry | undefined): void {
    const prompts = retry?.prompts ?? [];
    if (prompts.length === 0) return this.playMenu();
    this.play(prompts, menu.bargeIn ?? IVR_DEFAULTS.bargeIn);
    this.move('retrying');
  }

  private playMenu(): void {
    const menu = this.node?.node;
    if (menu?.kind !== 'menu') throw new IvrStateError(`IVR session ${this.sessionId} replays a menu at a ${menu?.kind ?? 'missing'} node.`);
    this.play(menu.prompts, menu.bargeIn ?? IVR_DEFAULTS.bargeIn);
    this.move('prompting');
  }

  private collect(menu: IvrMenuNode): void {
    const timeoutMs = menu.timeoutMs ?? IVR_DEFAULTS.timeoutMs;
    this.timer = `${this.sessionId}:t${++this.timers}`;
    this.out.push({ type: 'collectDigit', timeoutMs }, { type: 'schedule', timerId: this.timer, at: this.clock() + timeoutMs });
    this.move('collecting');
  }

  // ── Nodes and exits ─────────────────────────────────────────────────

  private goto(id: string): void {
    const node = Object.hasOwn(this.flow.nodes, id) ? this.flow.nodes[id] : undefined;
    if (!node) throw new IvrStateError(`IVR session ${this.sessionId} goes to node ${id}, which the flow lacks: was it checked with parseIvrFlow?`);
    this.enter(id, node);
  }

  private enter(id: string, node: IvrNode): void {
    this.node = { id, node };
    this.invalidKeys = 0;
    this.silences = 0;
    switch (node.kind) {
      case 'menu':
        return this.playMenu();
      case 'play':
        this.play(node.prompts, false);
        return this.move('prompting');
      case 'queue':
        return this.leave({ type: 'queue', skillGroupId: node.skillGroupId }, node.prompts);
      case 'hangup':
        return this.leave({ type: 'hangup', reason: 'ivrEnd' }, node.prompts);
    }
  }

  /** Plays the last prompts (transferring, goodbye, closed), then lets the call go. */
  private leave(exit: Exit, prompts: readonly string[] | undefined): void {
    this.exit = exit;
    if (!prompts || prompts.length === 0) return this.finish(exit);
    this.play(prompts, false);
    this.move('leaving');
  }

  private finish(exit: Exit): void {
    if (exit.type === 'queue') {
      this.close('queued', null, exit.skillGroupId);
      this.out.push({ type: 'queue', skillGroupId: exit.skillGroupId, ivrPath: this.ivrPath });
      return;
    }
    const endStatus = exit.reason === 'surveyEnd' ? null : IVR_END_STATUS[exit.reason];
    this.close('hungUp', endStatus, null);
    this.out.push({ type: 'hangup', reason: exit.reason, endStatus });
  }

  private close(outcome: IvrResult['outcome'], endStatus: IvrResult['endStatus'], skillGroupId: number | null): void {
    const now = this.clock();
    // TCCC marks a survey the caller left without a key with the key `noInput`.
    if (this.mode === 'survey' && this.records.length === 0) this.record(SURVEY_NO_INPUT_KEY, '');
    this.move('done');
    this.ended = { outcome, endStatus, skillGroupId, startedAt: this.startedAt ?? now, endedAt: now };
  }

  // ── Media, timers, records ──────────────────────────────────────────

  private play(prompts: readonly string[], bargeIn: boolean): void {
    this.playing = `${this.sessionId}:p${++this.playbacks}`;
    this.out.push({ type: 'play', playbackId: this.playing, prompts: [...prompts], bargeIn });
  }

  /** Stops what plays and withdraws the timer: a key or a hang-up ends both. */
  private quiet(): void {
    if (this.playing !== null) {
      this.out.push({ type: 'stopPlayback', playbackId: this.playing });
      this.playing = null;
    }
    if (this.timer !== null) {
      this.out.push({ type: 'cancelTimer', timerId: this.timer });
      this.timer = null;
    }
  }

  /** Whether this session issued `id` (`<session>:p<n>` for playbacks, `<session>:t<n>` for timers). */
  private issued(id: string, kind: 'p' | 't'): boolean {
    const prefix = `${this.sessionId}:${kind}`;
    if (!id.startsWith(prefix)) return false;
    const n = Number(id.slice(prefix.length));
    return Number.isSafeInteger(n) && n >= 1 && n <= (kind === 'p' ? this.playbacks : this.timers);
  }

  private record(key: string, label: string): void {
    const node = this.node;
    const record: IvrKeyPressed = { Key: key, Label: label, Timestamp: this.clock(), NodeLabel: node ? labelOf(node.id, node.node) : '' };
    const step: IvrPathStep = { key, label };
    this.records.push(record);
    if (this.mode === 'flow') this.path.push(step);
    this.out.push({ type: 'keyPressed', record: { ...record }, step, survey: this.mode === 'survey' });
  }

  private move(to: IvrPhase): void {
    const from = this.phaseNow;
    assertIvrMove(this.sessionId, from, to);
    this.phaseNow = to;
    if (!this.onTransition) return;
    try {
      this.onTransition({ sessionId: this.sessionId, from, to, nodeId: this.node?.id ?? null, cause: this.cause });
    } catch {
      // An observer is for logging; its failure must not change the call.
    }
  }
}

function labelOf(id: string, node: IvrNode | undefined): string {
  return node?.label ?? id;
}

/** The survey runs as a menu whose every key thanks the caller and ends the call. */
function surveyAsMenu(survey: NonNullable<IvrFlow['survey']>): IvrMenuNode {
  const keys: IvrMenuNode['keys'] = {};
  for (const [key, choice] of Object.entries(survey.keys)) keys[key] = { action: 'hangup', label: choice.label, prompts: survey.thanksPrompts ?? [] };
  return {
    kind: 'menu',
    label: survey.label ?? IVR_DEFAULTS.surveyLabel,
    prompts: survey.prompts,
    keys,
    timeoutMs: survey.timeoutMs,
    bargeIn: survey.bargeIn,
    invalidKey: survey.invalidKey,
    noInput: survey.noInput,
    fallback: { action: 'hangup' },
  };
}
