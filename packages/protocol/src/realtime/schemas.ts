import { CloudApiError } from '../errors.js';
import { bool, int, obj, optional, str, valueError, type Infer, type InferShape, type Schema, type Shape } from '../schema.js';
import { SERVER_STATUSES } from '../sdk/status.js';
import { REALTIME_VERSION } from './messages.js';

/*
 * What the workbench sends (realtime frames and login bodies), in the Cloud API's
 * validation language; the types are inferred from the schemas. Fields a newer
 * client adds are ignored, not refused, so that a workbench a little ahead of its
 * server still signs in.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** One of a few strings, typed as their union. */
function oneOf<T extends string>(values: readonly T[]): Schema<T> {
  const base = str({ oneOf: values });
  return {
    typeName: 'String',
    parse(value, path, mode) {
      const text = base.parse(value, path, mode);
      if (isOneOf(values, text)) return text;
      throw valueError(path, `must be one of ${values.join(', ')}.`, `应为 ${values.join('、')} 之一。`);
    },
  };
}

/** Any JSON object (method parameters: each handler checks the fields it reads). */
function anyObject(): Schema<Record<string, unknown>> {
  const strict = obj({});
  return {
    typeName: 'Object',
    parse(value, path, mode) {
      if (isRecord(value)) return value;
      // Answers with the language's own type error.
      strict.parse(value, path, mode);
      throw valueError(path, 'must be an object.', '应为对象。');
    },
  };
}

/** An object of known fields; other fields are dropped before parsing. */
function knownFields<S extends Shape>(shape: S): Schema<InferShape<S>> {
  const strict = obj(shape);
  const keys = Object.keys(shape);
  return {
    typeName: 'Object',
    parse(value, path, mode) {
      if (!isRecord(value)) return strict.parse(value, path, mode);
      const known: Record<string, unknown> = {};
      for (const key of keys) if (Object.hasOwn(value, key)) known[key] = value[key];
      return strict.parse(known, path, mode);
    },
  };
}

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
