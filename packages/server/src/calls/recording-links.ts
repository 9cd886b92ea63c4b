import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TelCdrInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';

/**
 * Call recordings and the links that download them.
 *
 * **Files.** The engine records each session as one stereo WAV (customer left,
 * agent right) at `<data>/recordings/<SdkAppId>/<yyyy-mm-dd>/<SessionId>.wav`,
 * where the day is the UTC date of the session's start (`StartTimestamp`).
 * Folders by day keep directories small and let old recordings be removed a
 * day at a time.
 *
 * **Records.** A stored call record (TelCdrInfo) never holds a link: links
 * expire. Its `RecordId` marks that the session has a recording: the engine
 * writes the record with `RecordId` set to the session id once the recording is
 * complete (`buildTelCdr(session, { recordId: sessionId })`), and with an empty
 * `RecordId` when there is none. `RecordURL` stays empty in the store. The
 * Cloud API fills `RecordURL` (and that of every participant whose `RecordId`
 * is set; they share the session's one file) when it answers, with a link
 * signed at that moment (`withRecordingUrls`).
 *
 * **Links.** `<public-url>/recordings/v1/<SdkAppId>/<yyyy-mm-dd>/<SessionId>.wav?expires=<unix s>&sig=<base64url>`.
 * `sig` is the HMAC-SHA256, under a server key, of the instance, the day, the
 * session and the expiry, so no part can be changed. The day is in the path so
 * that the server finds the file without a database lookup. The key is random,
 * kept in the data folder (`recording-links.key`, mode 0600) and used for
 * nothing else: deleting it (and restarting) revokes every link handed out,
 * without touching the master key that protects the API keys.
 */

/** How long a link works: 7 days by default. */
export const RECORDING_LINK_TTL_SECONDS = 7 * 86_400;
/** The key file in the data folder. */
export const RECORDING_KEY_FILE = 'recording-links.key';
/** The route the links point at. */
export const RECORDING_ROUTE_PREFIX = '/recordings/v1';

const KEY_BYTES = 32;
/** What a signature covers besides the fields: a version, so that a future format cannot be confused with this one. */
const SIGNING_LABEL = 'openccc-recording-link-v1';
const DAY_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** Session ids are UUIDs; anything of letters, digits, `-` and `_` is accepted, so no id can name another folder. */
const SESSION_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const EXPIRES_RE = /^\d{1,12}$/;
/** A base64url HMAC-SHA256, without padding. */
const SIG_RE = /^[A-Za-z0-9_-]{43}$/;

/** One session's recording. */
export interface RecordingRef {
  sdkAppId: number;
  sessionId: string;
  /** The UTC date the session started, `yyyy-mm-dd`: the folder the file is in. */
  day: string;
}

/** Where the recordings of a data folder live. */
export function recordingFolder(dataDir: string): string {
  return join(dataDir, 'recordings');
}

/** The UTC date (`yyyy-mm-dd`) of a unix time in seconds; empty for a time no date has. */
export function recordingDay(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

/** The recording of a session that started at `startSeconds` (the record's `StartTimestamp`, unix seconds). */
export function recordingRef(sdkAppId: number, sessionId: string, startSeconds: number): RecordingRef {
  return { sdkAppId, sessionId, day: recordingDay(startSeconds) };
}

/** Whether every part of the reference is well formed: a positive SdkAppId, a date, a session id without separators or dots. */
export function isRecordingRef(ref: RecordingRef): boolean {
  return Number.isSafeInteger(ref.sdkAppId) && ref.sdkAppId > 0 && DAY_RE.test(ref.day) && SESSION_ID_RE.test(ref.sessionId);
}

/**
 * The file of a recording: `<data>/recordings/<SdkAppId>/<yyyy-mm-dd>/<SessionId>.wav`.
 * The engine writes it there (creating the folders); the route reads it from there.
 * Throws for a malformed reference, so that no path outside the folder can be built.
 */
export function recordingPath(dataDir: string, ref: RecordingRef): string {
  if (!isRecordingRef(ref)) throw new Error(`Not a recording reference: ${JSON.stringify(ref)}`);
  return join(recordingFolder(dataDir), String(ref.sdkAppId), ref.day, `${ref.sessionId}.wav`);
}

/** What `RecordingLinks.check` found. */
export type RecordingLinkCheck = 'valid' | 'expired' | 'invalid';

export interface RecordingLinkOptions {
  /** Seconds a link works; default `RECORDING_LINK_TTL_SECONDS`. */
  ttlSeconds?: number;
  /** Unix ms; default `Date.now`. */
  clock?: () => number;
}

/** Signs and checks recording links. */
export class RecordingLinks {
  readonly ttlSeconds: number;
  private readonly clock: () => number;

  constructor(
    private readonly key: Buffer,
    options: RecordingLinkOptions = {},
  ) {
    if (key.length < KEY_BYTES) throw new Error(`The recording link key must be at least ${KEY_BYTES} bytes.`);
    const ttl = options.ttlSeconds ?? RECORDING_LINK_TTL_SECONDS;
    if (!Number.isSafeInteger(ttl) || ttl < 1) throw new Error(`The recording link lifetime must be a whole number of seconds, at least 1; got ${ttl}.`);
    this.ttlSeconds = ttl;
    this.clock = options.clock ?? Date.now;
  }

  /** Signs with the data folder's key, creating the key on first use. */
  static fromDataFolder(dataDir: string, options: RecordingLinkOptions = {}): RecordingLinks {
    return new RecordingLinks(loadRecordingKey(dataDir), options);
  }

  /** The path of the route, without the query: `/recordings/v1/<SdkAppId>/<day>/<SessionId>.wav`. */
  static routePath(ref: RecordingRef): string {
    return `${RECORDING_ROUTE_PREFIX}/${ref.sdkAppId}/${ref.day}/${ref.sessionId}.wav`;
  }

  /** A link to the recording on the server at `publicUrl`, valid for `ttlSeconds` from now. */
  url(publicUrl: string, ref: RecordingRef): string {
    if (!isRecordingRef(ref)) throw new Error(`Not a recording reference: ${JSON.stringify(ref)}`);
    const expires = Math.floor(this.clock() / 1000) + this.ttlSeconds;
    return `${publicUrl.replace(/\/+$/, '')}${RecordingLinks.routePath(ref)}?expires=${expires}&sig=${this.sign(ref, String(expires))}`;
  }

  /** Checks a link's `expires` and `sig` (as received) for the recording; constant-time. An expired link is told apart only when its signature is right. */
  check(ref: RecordingRef, expires: unknown, sig: unknown): RecordingLinkCheck {
    if (!isRecordingRef(ref) || typeof expires !== 'string' || typeof sig !== 'string' || !EXPIRES_RE.test(expires) || !SIG_RE.test(sig)) return 'invalid';
    const expected = Buffer.from(this.sign(ref, expires), 'base64url');
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(expires) * 1000 <= this.clock() ? 'expired' : 'valid';
  }

  private sign(ref: RecordingRef, expires: string): string {
    const message = [SIGNING_LABEL, String(ref.sdkAppId), ref.day, ref.sessionId, expires].join('\n');
    return createHmac('sha256', this.key).update(message, 'utf8').digest('base64url');
  }
}

/** The data folder's recording link key (32 random bytes as hex, mode 0600), created on first use. */
export function loadRecordingKey(dataDir: string): Buffer {
  const file = join(dataDir, RECORDING_KEY_FILE);
  try {
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (error) {
    // Already there (from an earlier start, or another process that won the race): read it.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new Error(`${file} must hold a 32-byte key as 64 hex characters; delete it to have a new one made (links already handed out stop working).`);
  return Buffer.from(text, 'hex');
}

/**
 * The record as the Cloud API answers it: `RecordURL` is a fresh link when
 * `RecordId` marks a recording, and so is that of each participant whose
 * `RecordId` is set (all share the session's file). Without `links` (a server
 * that serves no recordings), or for a record without `RecordId`, the record
 * is returned as stored.
 */
export function withRecordingUrls(record: TelCdrInfo, sdkAppId: number, links: RecordingLinks | undefined, publicUrl: string): TelCdrInfo {
  const ref = links === undefined ? null : recordedSession(record, sdkAppId);
  if (links === undefined || ref === null) return record;
  const url = links.url(publicUrl, ref);
  return {
    ...record,
    RecordURL: url,
    ...(record.ServeParticipants && { ServeParticipants: record.ServeParticipants.map((p) => (p.RecordId ? { ...p, RecordURL: url } : p)) }),
  };
}

/** The recording a stored record names, or null when it has none (or names a session id that cannot be a file). */
export function recordedSession(record: TelCdrInfo, sdkAppId: number): RecordingRef | null {
  if (!record.RecordId || !record.SessionId) return null;
  const ref = recordingRef(sdkAppId, record.SessionId, record.StartTimestamp ?? record.Time ?? 0);
  return isRecordingRef(ref) ? ref : null;
}
