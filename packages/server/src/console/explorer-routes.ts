import { ActionSchemas, describeFields, type FieldDescriptor, type ImplementedAction } from '@openccc/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Asset } from '../http/static-assets.js';
import type { ConsoleAuth } from './console-auth.js';
import { consoleRoute } from './console-route.js';

/** The Cloud API version every explorer request names in `X-TC-Version`. */
export const EXPLORER_API_VERSION = '2020-02-10';
/** Where the SDK test page is served; the token travels in the fragment, which never reaches the server. */
export const SDK_TEST_PATH = '/console/sdk-test';
/** The placeholder in `sdk-test.html` that the server replaces with the SdkURL it issues. */
const SDK_URL_PLACEHOLDER = '__OPENCCC_SDK_URL__';

export interface ExplorerAction {
  name: ImplementedAction;
  fields: FieldDescriptor[];
}

export interface ExplorerDeps {
  auth: ConsoleAuth;
  /** The built console (`packages/console/dist`), which holds `sdk-test.html`; null when not built. */
  assets: Map<string, Asset> | null;
  publicUrl: () => string;
}

/**
 * The API Explorer's routes: the implemented actions with a form descriptor of each request,
 * generated from the same schemas the Cloud API validates with, and the SDK test page that loads
 * the SdkURL with a token from `CreateSDKLoginToken`.
 */
export function registerExplorerRoutes(app: FastifyInstance, deps: ExplorerDeps): void {
  let actions: ExplorerAction[] | null = null;
  const describedActions = (): ExplorerAction[] => {
    actions ??= (Object.keys(ActionSchemas) as ImplementedAction[])
      .sort()
      .map((name) => ({ name, fields: describeFields(ActionSchemas[name]) }));
    return actions;
  };

  consoleRoute(app, deps.auth, 'GET', '/explorer/actions', 'read', () => ({ version: EXPLORER_API_VERSION, actions: describedActions() }));

  app.get(SDK_TEST_PATH, (_req, reply) => sendSdkTestPage(reply, deps));
}

function sendSdkTestPage(reply: FastifyReply, deps: ExplorerDeps): FastifyReply {
  const html = deps.assets?.get('sdk-test.html');
  if (!html) return reply.code(503).type('text/plain; charset=utf-8').send('The console is not built; run `npm run build`.');
  const sdkUrl = `${deps.publicUrl()}/sdk/v1/tccc.js`;
  const sdkOrigin = new URL(sdkUrl).origin;
  return reply
    .header('Content-Security-Policy', sdkTestCsp(sdkOrigin))
    .header('Referrer-Policy', 'no-referrer')
    .header('Cache-Control', 'no-store')
    .type(html.type)
    .send(html.body.toString('utf8').replaceAll(SDK_URL_PLACEHOLDER, escapeAttribute(sdkUrl)));
}

/**
 * The test page runs its own script and the SDK from this server's public origin, frames only the
 * workbench, and may not be framed. A script from anywhere else is refused, whatever the fragment says.
 */
export function sdkTestCsp(sdkOrigin: string): string {
  const sources = `'self' ${sdkOrigin}`;
  return [
    "default-src 'none'",
    `script-src ${sources}`,
    `connect-src ${sources}`,
    `frame-src ${sources}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
