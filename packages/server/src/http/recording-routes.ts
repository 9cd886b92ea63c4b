import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RECORDING_ROUTE_PREFIX, recordingPath, type RecordingLinks, type RecordingRef } from '../calls/recording-links.js';

export interface RecordingRouteDeps {
  /** Checks the links' signatures (the same instance that signs them for the Cloud API). */
  links: RecordingLinks;
  /** The data folder: recordings are read from `<data>/recordings`. */
  dataDir: string;
}

interface RecordingParams {
  sdkAppId: string;
  day: string;
  file: string;
}

const SDK_APP_ID_RE = /^[1-9]\d{0,15}$/;
const FILE_RE = /^(.+)\.wav$/;

/**
 * `GET /recordings/v1/<SdkAppId>/<yyyy-mm-dd>/<SessionId>.wav?expires=…&sig=…`:
 * a call recording, for a link that `RecordingLinks` signed and that has not
 * expired. The signature is checked before the file is looked at, so a request
 * without a valid link learns nothing about which recordings exist.
 *
 * - 403 for a missing, wrong or expired signature (the message says which of expired and invalid)
 * - 404 for a path that cannot name a recording, or a recording that is not (or no longer) on disk as a plain file
 * - 200 `audio/wav`, `Cache-Control: private`; `Range: bytes=…` (one range) answers 206,
 *   an unsatisfiable range 416; `If-Range` with another ETag gets the whole file
 */
export function registerRecordingRoutes(app: FastifyInstance, deps: RecordingRouteDeps): void {
  app.get<{ Params: RecordingParams; Querystring: Record<string, unknown> }>(`${RECORDING_ROUTE_PREFIX}/:sdkAppId/:day/:file`, async (req, reply) => {
    const ref = parseRef(req.params);
    if (ref === null) return notFound(reply);
    const check = deps.links.check(ref, req.query['expires'], req.query['sig']);
    if (check !== 'valid') {
      const message =
        check === 'expired'
          ? 'This recording link has expired. Ask the Cloud API for the record again (DescribeTelCdr) to get a fresh link.'
          : 'This recording link is not valid: its signature does not match. Use the link exactly as the Cloud API returned it.';
      return reply.code(403).header('Cache-Control', 'no-store').send({ statusCode: 403, error: 'Forbidden', message });
    }
    let handle: FileHandle;
    try {
      // Not through a symbolic link: the engine writes plain files, and a link planted there could point anywhere.
      handle = await open(recordingPath(deps.dataDir, ref), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch (error) {
      if (isMissing(error)) return notFound(reply);
      throw error;
    }
    return sendFile(req, reply, handle, `${ref.sessionId}.wav`);
  });
}

function parseRef(params: RecordingParams): RecordingRef | null {
  const file = FILE_RE.exec(params.file);
  if (!SDK_APP_ID_RE.test(params.sdkAppId) || file === null) return null;
  const ref = { sdkAppId: Number(params.sdkAppId), day: params.day, sessionId: file[1] ?? '' };
  try {
    // Builds the path only for well-formed parts: it throws for anything that could leave the folder.
    recordingPath('', ref);
    return ref;
  } catch {
    return null;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ELOOP';
}

function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).header('Cache-Control', 'no-store').send({ statusCode: 404, error: 'Not Found', message: 'No such recording.' });
}

async function sendFile(req: FastifyRequest, reply: FastifyReply, handle: FileHandle, name: string): Promise<FastifyReply> {
  let streaming = false;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return notFound(reply);
    const size = stat.size;
    // Recordings do not change once written: size and time make a strong validator.
    const etag = `"${size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    void reply
      .header('Content-Type', 'audio/wav')
      .header('Cache-Control', 'private')
      .header('Content-Disposition', `inline; filename="${name}"`)
      .header('Accept-Ranges', 'bytes')
      .header('ETag', etag)
      .header('Last-Modified', stat.mtime.toUTCString());
    const ifRange = req.headers['if-range'];
    const range = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, size) : null;
    if (range === 'unsatisfiable') {
      return reply.code(416).header('Content-Range', `bytes */${size}`).header('Content-Type', 'text/plain; charset=utf-8').send('Range Not Satisfiable');
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const length = Math.max(0, end - start + 1);
    void reply.header('Content-Length', String(length));
    if (range !== null) void reply.code(206).header('Content-Range', `bytes ${start}-${end}/${size}`);
    // HEAD: an empty stream keeps the Content-Length set above (an empty body would be counted as 0 bytes).
    if (req.method === 'HEAD') return reply.send(Readable.from([]));
    if (length === 0) return reply.send();
    streaming = true;
    // The stream closes the file when it ends or fails.
    return reply.send(handle.createReadStream({ start, end, autoClose: true }));
  } finally {
    if (!streaming) await handle.close();
  }
}

/**
 * One byte range of `Range: bytes=…` (RFC 9110 §14.1.2): `a-b`, `a-` or the
 * last `-n` bytes. Null means serve the whole file: no header, a header that
 * is not a single valid byte range (a server may ignore those), or several
 * ranges (answered whole rather than as multipart).
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (header === undefined) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null) return null;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
