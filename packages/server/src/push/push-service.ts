import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { SecretBox } from '../auth/secret-box.js';
import type { RecordingLinks } from '../calls/recording-links.js';
import type { CallEngineEventMap, WrittenRecord } from '../engine/engine-events.js';
import type { Scheduler } from '../realtime/scheduler.js';
import type { NewPush, PushEntry, PushRepo, PushState } from '../store/ports.js';
import type { FetchFn } from './http-exchange.js';
import { nodeFetch } from './node-fetch.js';
import { OAuthTokens } from './oauth-tokens.js';
import { pushBody } from './push-bodies.js';
import { PushDeliverer } from './push-deliverer.js';
import { pushOptions, type PushDeliveryOptions } from './push-options.js';
import { PushSender, type AttemptResult } from './push-sender.js';
import { parseSettings, PushError, settingsView, type PushSettingsView } from './push-settings.js';

export interface PushServiceDeps {
  repo: PushRepo;
  box: SecretBox;
  log: Logger;
  clock: () => number;
  scheduler: Scheduler;
  /** Recording links are signed when a push is sent; undefined on a server without recordings. */
  links: () => RecordingLinks | undefined;
  publicUrl: () => string;
  /** Default: Node's HTTP client with keep-alive connections (`node-fetch.ts`). */
  fetch?: FetchFn;
  options?: Partial<PushDeliveryOptions>;
}

/** A push in the delivery log, as the console sees it (the body is not repeated). */
export interface PushLogItem {
  id: number;
  uuid: string;
  action: PushEntry['action'];
  sessionId: string;
  state: PushState;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string;
  lastStatus: number | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

/** What a test push did. */
export interface TestPushResult extends AttemptResult {
  uuid: string;
}

const PUSH_STATES: readonly PushState[] = ['pending', 'held', 'delivered', 'failed'];

/**
 * Data push (TCCC's CDR and recording webhooks): the instances' settings, the durable outbox the
 * engine's records are queued into, the deliverer, resends and test pushes.
 */
export class PushService {
  readonly options: PushDeliveryOptions;
  private readonly sender: PushSender;
  private readonly tokens: OAuthTokens;
  private readonly deliverer: PushDeliverer;
  /** The keep-alive connections of the default client, closed with the service. */
  private readonly connections: { close(): void } | null;

  constructor(private readonly deps: PushServiceDeps) {
    this.options = pushOptions(deps.options);
    let fetchFn = deps.fetch;
    this.connections = null;
    if (!fetchFn) {
      const own = nodeFetch();
      this.connections = own;
      fetchFn = own;
    }
    // Filled in below: the deliverer owns the signal that aborts requests when it closes.
    const stop = new AbortController();
    this.tokens = new OAuthTokens({ fetch: fetchFn, scheduler: deps.scheduler, clock: deps.clock, timeoutMs: this.options.requestTimeoutMs, refreshMarginMs: this.options.tokenRefreshMarginMs, stop: stop.signal });
    this.sender = new PushSender({ fetch: fetchFn, scheduler: deps.scheduler, timeoutMs: this.options.requestTimeoutMs, tokens: this.tokens, box: deps.box, stop: stop.signal });
    this.deliverer = new PushDeliverer({
      repo: deps.repo,
      sender: this.sender,
      signer: { links: deps.links, publicUrl: deps.publicUrl },
      clock: deps.clock,
      scheduler: deps.scheduler,
      log: deps.log,
      options: this.options,
    });
    this.deliverer.stopSignal.addEventListener('abort', () => stop.abort(), { once: true });
  }

  /**
   * The engine's `recordWritten` listener: queues the instance's pushes for the record, in the
   * order of the records (the writes join the store's group commit in call order). Never blocks.
   */
  readonly recordWritten = ({ sdkAppId, record, recorded }: CallEngineEventMap['recordWritten']): void => {
    this.enqueue(sdkAppId, record, recorded).catch((err: unknown) => this.deps.log.error({ err, sdkAppId, sessionId: record.SessionId }, 'queuing a data push failed'));
  };

  /** Queues a record's `cdr` push, and its `record` push when it was recorded, as the instance's switches allow. */
  async enqueue(sdkAppId: number, record: WrittenRecord, recorded: boolean): Promise<PushEntry[]> {
    const payload = JSON.stringify(record);
    const pushes: NewPush[] = [{ uuid: randomUUID(), sdkAppId, action: 'cdr', sessionId: record.SessionId, payload }];
    if (recorded) pushes.push({ uuid: randomUUID(), sdkAppId, action: 'record', sessionId: record.SessionId, payload });
    const queued = await this.deps.repo.enqueue(pushes, this.deps.clock());
    if (queued.length > 0) this.deliverer.notify(sdkAppId);
    return queued;
  }

  start(): void {
    this.deliverer.start();
  }

  async close(): Promise<void> {
    await this.deliverer.close();
    this.connections?.close();
  }

  async settings(sdkAppId: number): Promise<PushSettingsView> {
    return settingsView(await this.deps.repo.settings(sdkAppId));
  }

  /** Validates and stores new settings (throws a `PushError` naming the field); held pushes resume. */
  async saveSettings(sdkAppId: number, input: unknown): Promise<PushSettingsView> {
    const previous = await this.deps.repo.settings(sdkAppId);
    const settings = parseSettings(input, previous, sdkAppId, this.deps.box, Math.max(this.deps.clock(), (previous?.modifiedAt ?? 0) + 1));
    const released = await this.deps.repo.saveSettings(settings);
    this.tokens.dropAll(`${sdkAppId}/`);
    this.deps.log.info({ sdkAppId, cdr: settings.cdr, record: settings.record, authMode: settings.authMode, released }, 'data push settings changed');
    if (released > 0) this.deliverer.notify(sdkAppId);
    return settingsView(settings);
  }

  /** The delivery log, newest first. */
  async deliveries(sdkAppId: number, query: { state?: PushState; limit: number; offset: number }): Promise<{ total: number; items: PushLogItem[] }> {
    const page = await this.deps.repo.list(sdkAppId, query);
    return { total: page.total, items: page.items.map(logItem) };
  }

  /** Sends a push again (same UUID, four more attempts); refused while an attempt is in flight. */
  async resend(sdkAppId: number, id: number): Promise<PushLogItem> {
    const entry = await this.deps.repo.get(sdkAppId, id);
    if (!entry) throw new PushError('not-found', `There is no push ${id} in this instance's delivery log.`);
    if (this.deliverer.inFlight(sdkAppId, id)) throw new PushError('conflict', `Push ${id} is being sent right now; wait for this attempt to finish.`);
    await this.deps.repo.resend(sdkAppId, id, this.deps.clock());
    this.deps.log.info({ sdkAppId, pushId: id, uuid: entry.uuid }, 'push resent');
    this.deliverer.notify(sdkAppId);
    const resent = await this.deps.repo.get(sdkAppId, id);
    return logItem(resent ?? entry);
  }

  /**
   * One `cdr` push of a sample record to the saved settings, once, outside the outbox: it checks the
   * URL and the authentication. The sample's SessionId starts with `openccc-test-`.
   */
  async testPush(sdkAppId: number): Promise<TestPushResult> {
    const settings = await this.deps.repo.settings(sdkAppId);
    if (!settings || settings.url === '') throw new PushError('invalid', 'Save a push URL first.', 'url');
    const uuid = randomUUID();
    const seconds = Math.floor(this.deps.clock() / 1000);
    const record = { SessionId: `openccc-test-${uuid}`, Caller: '', Callee: '', Time: seconds, StartTimestamp: seconds, EndedTimestamp: seconds, Direction: 0, CallType: 0, Duration: 0, EndStatus: 0, EndStatusString: 'ok', RecordId: '', RecordURL: '' };
    const body = pushBody('cdr', sdkAppId, record, { links: () => undefined, publicUrl: this.deps.publicUrl });
    const result = await this.sender.attempt(settings, 'cdr', uuid, body);
    return { ...result, uuid };
  }
}

/** A `state` filter from a query string; undefined for none, a `PushError` for an unknown one. */
export function parseStateFilter(value: unknown): PushState | undefined {
  if (value === undefined || value === '') return undefined;
  const state = PUSH_STATES.find((known) => known === value);
  if (state) return state;
  throw new PushError('invalid', `state is one of ${PUSH_STATES.join(', ')}.`, 'state');
}

function logItem(entry: PushEntry): PushLogItem {
  return {
    id: entry.id,
    uuid: entry.uuid,
    action: entry.action,
    sessionId: entry.sessionId,
    state: entry.state,
    attempts: entry.attempts,
    nextAttemptAt: entry.state === 'pending' ? entry.nextAttemptAt : null,
    lastError: entry.lastError,
    lastStatus: entry.lastStatus,
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
    deliveredAt: entry.deliveredAt,
  };
}
