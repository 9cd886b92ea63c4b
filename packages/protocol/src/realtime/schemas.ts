import { CloudApiError } from '../errors.js';
import { anyObject, knownFields, oneOf } from '../json-schemas.js';
import { bool, int, optional, str, type Infer, type Schema } from '../schema.js';
import { SERVER_STATUSES } from '../sdk/status.js';
import { REALTIME_VERSION } from './messages.js';

/*
 * What the workbench sends (realtime frames and login bodies), in the Cloud API's
 * validation language; the types are inferred from the schemas. Fields a newer
 * client adds are ignored, not refused, so that a workbench a little ahead of its
 * server still signs in.
 */

export const HELLO_MESSAGE = knownFields({
  type: oneOf(['hello'] as const),
  v: int(),
  ticket: str({ maxLength: 256 }),
  client: optional(knownFields({ type: oneOf(['Web'] as const), embedded: bool() })),
  /** The status this workbench last showed, restored if the server has none (e.g. after a server restart). */
  resume: optional(knownFields({ status: oneOf(SERVER_STATUSES), reason: str({ maxLength: 128 }) })),
});
export const PING_MESSAGE = knownFields({ type: oneOf(['ping'] as const) });
export const REQUEST_MESSAGE = knownFields({
  type: oneOf(['request'] as const),
  id: int({ min: 0 }),
  method: str({ maxLength: 128 }),
  params: optional(anyObject()),
});
export const LOGOUT_MESSAGE = knownFields({ type: oneOf(['logout'] as const) });

export type HelloMessage = Infer<typeof HELLO_MESSAGE>;
export type RequestMessage = Infer<typeof REQUEST_MESSAGE>;
export type ClientMessage = HelloMessage | Infer<typeof PING_MESSAGE> | RequestMessage | Infer<typeof LOGOUT_MESSAGE>;

/** One frame from a workbench, once it is known to be a JSON object with a string `type`. */
export type ClientFrame =
  | { kind: 'message'; message: ClientMessage }
  /** A type this server does not know (a newer client's): ignored. */
  | { kind: 'unknown'; type: string }
  /**
   * A known type with fields that do not fit. `problem` says which refusal a hello
   * gets (another protocol version, no ticket, or a malformed field); a request
   * whose id could be read is answered with `requestId`.
   */
  | { kind: 'invalid'; type: ClientMessage['type']; problem: 'version' | 'ticket' | 'field'; requestId: number | null; message: string };

function attempt<T extends ClientMessage>(type: T['type'], schema: Schema<T>, value: Record<string, unknown>, requestId: number | null = null): ClientFrame {
  try {
    return { kind: 'message', message: schema.parse(value, '', 'json') };
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    return { kind: 'invalid', type, problem: 'field', requestId, message: error.message };
  }
}

/** Validates one frame of the realtime protocol. */
export function parseClientFrame(value: Record<string, unknown> & { type: string }): ClientFrame {
  switch (value.type) {
    case 'hello':
      // The version first: another version's hello may have other fields.
      if (value['v'] !== REALTIME_VERSION) {
        return { kind: 'invalid', type: 'hello', problem: 'version', requestId: null, message: `This server speaks realtime protocol v${REALTIME_VERSION}; reload the workbench.` };
      }
      if (typeof value['ticket'] !== 'string') return { kind: 'invalid', type: 'hello', problem: 'ticket', requestId: null, message: 'A ticket is required.' };
      return attempt('hello', HELLO_MESSAGE, value);
    case 'ping':
      return attempt('ping', PING_MESSAGE, value);
    case 'request': {
      const id = value['id'];
      return attempt('request', REQUEST_MESSAGE, value, typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null);
    }
    case 'logout':
      return attempt('logout', LOGOUT_MESSAGE, value);
    default:
      return { kind: 'unknown', type: value.type };
  }
}

/** POST /sdk/v1/login: exchange an SDK login token for a login ticket. */
export const TOKEN_LOGIN_REQUEST = knownFields({
  sdkAppId: int(),
  userId: str({ minLength: 1, maxLength: 128 }),
  /** Checked for its form (32 hex characters) by the server, which answers `tokenInvalid`. */
  token: str({ maxLength: 256 }),
  /** The host page's origin as the workbench saw it in the handshake. */
  parentOrigin: str({ maxLength: 512 }),
});

/** POST /workbench/api/login: the standalone workbench's password login. */
export const PASSWORD_LOGIN_REQUEST = knownFields({
  mail: str({ minLength: 1, maxLength: 128 }),
  password: str({ minLength: 1, maxLength: 256 }),
  sdkAppId: optional(int()),
});

export type TokenLoginRequest = Infer<typeof TOKEN_LOGIN_REQUEST>;
export type PasswordLoginRequest = Infer<typeof PASSWORD_LOGIN_REQUEST>;
