import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../cloudapi/context.js';
import { loadPromptLibrary, readWavFormat, type PromptLibrary } from '../ivr/index.js';
import { MAX_PROMPT_BYTES } from '../prompts/prompt-audio.js';
import { uploadedPromptId } from '../prompts/prompt-service.js';
import type { IvrPrompt } from '../store/ports.js';
import type { ConsoleAuth } from './console-auth.js';
import { ConsoleError } from './console-error.js';
import { consoleRoute, requireSession, sendConsoleError } from './console-route.js';
import { cloud } from './numbers-routes.js';

/** The body types an upload may be sent as: the WAV file itself, nothing around it. */
const WAV_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave', 'application/octet-stream'];
const UPLOADED = /^uploaded\/([1-9]\d{0,15})$/;
const FORMAT_NAMES: Partial<Record<number, string>> = { 1: 'pcm16', 6: 'alaw', 7: 'mulaw' };

export interface ConsolePrompt {
  /** The id an IVR flow plays it by: `zh-CN/welcome`, `uploaded/3`. */
  promptId: string;
  builtIn: boolean;
  name: string;
  language: string | null;
  /** What the prompt says (built-in prompts), or the uploaded file's name. */
  text: string;
  durationMs: number | null;
  format: string | null;
  bytes: number | null;
  createdAt: number | null;
}

/**
 * The console's prompt library: the built-in prompts and the instance's uploads, one upload at a
 * time as the raw WAV body (`POST /prompts?name=…`, at most 5 MB, checked by the prompt service),
 * and each prompt's audio for playback (`GET /prompts/audio/<promptId>`), only the instance's own.
 */
export function registerPromptRoutes(app: FastifyInstance, auth: ConsoleAuth, services: Services, library: () => Promise<PromptLibrary> = sharedLibrary()): void {
  const { prompts } = services;

  let builtInList: Promise<ConsolePrompt[]> | null = null;
  const builtIn = () =>
    (builtInList ??= describeLibrary(library).catch((error: unknown) => {
      builtInList = null;
      throw error;
    }));

  consoleRoute(app, auth, 'GET', '/prompts', 'read', async ({ user, req }) => {
    const [listed, { items }] = await Promise.all([builtIn(), cloud(req, prompts.list(user.sdkAppId, { limit: 100_000, offset: 0 }))]);
    return { prompts: [...listed, ...items.map(uploaded)] };
  });

  consoleRoute<unknown, Record<string, string | undefined>, { '*': string }>(app, auth, 'GET', '/prompts/audio/*', 'read', async ({ user, params, reply }) => {
    const id = params['*'];
    const match = UPLOADED.exec(id);
    let path: string | undefined;
    if (match) {
      const { items } = await prompts.list(user.sdkAppId, { ids: [Number(match[1])], limit: 1, offset: 0 });
      // Another instance's upload is answered like one that does not exist.
      if (items[0]) path = join(prompts.folder, items[0].storedFile);
    } else {
      path = (await library()).get(id)?.path;
    }
    if (!path) throw new ConsoleError(404, 'not-found', `There is no prompt ${id}.`);
    const bytes = await readFile(path);
    return reply.header('Cache-Control', 'private, max-age=300').type('audio/wav').send(bytes);
  });

  // The upload's scope parses WAV bodies, and refuses a request without an administrator's session before reading its body.
  void app.register(async (scope) => {
    scope.addContentTypeParser(WAV_TYPES, { parseAs: 'buffer', bodyLimit: MAX_PROMPT_BYTES }, (_req, body, done) => done(null, body));
    scope.addHook('onRequest', async (req, reply) => {
      try {
        await requireSession(auth, req, 'admin');
      } catch (error) {
        return sendConsoleError(req, reply, error);
      }
    });
    scope.setErrorHandler((error, req, reply) => sendConsoleError(req, reply, error));
    consoleRoute(
      scope,
      auth,
      'POST',
      '/prompts',
      'admin',
      async ({ user, req, body, query }) => {
        if (!(body instanceof Buffer)) throw new ConsoleError(415, 'invalid', `Send the WAV file itself as the body, with Content-Type audio/wav.`, 'file');
        const fileName = cleanName(query['fileName'] ?? '', 'fileName') || null;
        const name = cleanName(query['name'] ?? '', 'name') || (fileName ?? '').replace(/\.wav$/i, '');
        if (!name) throw new ConsoleError(400, 'invalid', 'Give the prompt a name.', 'name');
        const added = await cloud(req, prompts.add(user.sdkAppId, name, fileName, body), 'file');
        return uploaded(added);
      },
      { bodyLimit: MAX_PROMPT_BYTES },
    );
  });
}

/** The built-in prompts with their length and format, read from their WAV headers (once). */
async function describeLibrary(library: () => Promise<PromptLibrary>): Promise<ConsolePrompt[]> {
  const loaded = await library();
  return Promise.all(
    loaded.ids().map(async (id) => {
      const entry = loaded.get(id)!;
      const bytes = await readFile(entry.path);
      const wav = readWavFormat(bytes);
      return { promptId: id, builtIn: true, name: id, language: entry.language, text: entry.text, durationMs: wav.durationMs, format: FORMAT_NAMES[wav.formatTag] ?? String(wav.formatTag), bytes: bytes.length, createdAt: null };
    }),
  );
}

function uploaded(prompt: IvrPrompt): ConsolePrompt {
  return {
    promptId: uploadedPromptId(prompt.id),
    builtIn: false,
    name: prompt.customName,
    language: null,
    text: prompt.fileName,
    durationMs: prompt.durationMs,
    format: FORMAT_NAMES[prompt.formatTag] ?? String(prompt.formatTag),
    bytes: prompt.bytes,
    createdAt: prompt.createdAt,
  };
}

/** A name as shown in lists: trimmed, printable, at most 128 characters (TCCC's CustomFileName). */
function cleanName(raw: string, field: string): string {
  const name = raw.trim();
  // eslint-disable-next-line no-control-regex
  if (name.length > 128 || /[\u0000-\u001f\u007f]/.test(name)) throw new ConsoleError(400, 'invalid', `The ${field} must be up to 128 printable characters.`, field);
  return name;
}

/** The built-in library, read once on first use. */
function sharedLibrary(): () => Promise<PromptLibrary> {
  let loaded: Promise<PromptLibrary> | null = null;
  return () =>
    (loaded ??= loadPromptLibrary().catch((error: unknown) => {
      loaded = null;
      throw error;
    }));
}
