import { arr, bool, int, obj, optional, str, valueError, type Infer, type Schema } from '../schema.js';
import { literal, record, tagged } from './schema-extras.js';

/**
 * The IVR format: one JSON flow per inbound number. A flow names its `start`
 * node and holds its `nodes` in a map keyed by node id, so every error path
 * names the node (`nodes.sales.keys.1.node`). Optional parts: a work-time
 * schedule checked when a call arrives, and an after-call satisfaction survey.
 * docs/ivr.md describes each field with a complete example.
 */

/** The only version of the format so far; a flow states it so a later format can be told apart. */
export const IVR_FLOW_VERSION = 1;

/** Values used where a flow leaves a field out. */
export const IVR_DEFAULTS = {
  /** How long a menu waits for a key after its prompts ended. */
  timeoutMs: 6_000,
  /** Whether a key pressed during a menu's prompts stops them and counts. */
  bargeIn: true,
  /** How many times a menu is offered again after an invalid key, or after silence, before its fallback. */
  maxRetries: 2,
  /** The label of the survey node in call records (`NodeLabel`). */
  surveyLabel: '满意度调查',
} as const;

const ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const NODE_ID_RULE = { regex: ID, en: 'a letter followed by up to 63 letters, digits, `_` or `-`', zh: '以字母开头、最多 64 个字母、数字、`_` 或 `-` 组成的 ID' };
const KEY_RULE = { regex: /^[0-9*#]$/, en: 'one DTMF key: 0-9, * or #', zh: '一个 DTMF 按键：0-9、* 或 #' };

const nodeId = str({ minLength: 1, maxLength: 64, pattern: NODE_ID_RULE });
const label = str({ minLength: 1, maxLength: 64 });
/** A prompt in the prompt library (`zh-CN/welcome`); slashes group, dots are not allowed so an id is never a file path. */
const promptId = str({
  minLength: 1,
  maxLength: 128,
  pattern: { regex: /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, en: 'a prompt id such as `zh-CN/welcome` (letters, digits, `_`, `-`, separated by `/`)', zh: '提示音 ID，例如 `zh-CN/welcome`（字母、数字、`_`、`-`，以 `/` 分隔）' },
});
const prompts = arr(promptId, { min: 0, max: 20 });
const somePrompts = arr(promptId, { min: 1, max: 20 });
const timeoutMs = int({ min: 1_000, max: 120_000 });
const skillGroupId = int({ min: 1 });

/** What a key (or a menu's fallback) does. `label` is what call records show for the key (`IVRKeyPressedEx.Label`, `ivrPath`). */
const IvrActionSchema = tagged('action', {
  goto: obj({ action: literal('goto'), node: nodeId, label: optional(label) }),
  queue: obj({ action: literal('queue'), skillGroupId, prompts: optional(prompts), label: optional(label) }),
  hangup: obj({ action: literal('hangup'), prompts: optional(prompts), label: optional(label) }),
  repeat: obj({ action: literal('repeat'), label: optional(label) }),
});

/** After an invalid key or silence: what to play before the menu is offered again, and how many times. */
const RetrySchema = obj({ prompts: optional(prompts), maxRetries: optional(int({ min: 0, max: 9 })) });

const MenuNodeSchema = obj({
  kind: literal('menu'),
  label: optional(label),
  prompts: somePrompts,
  keys: record(IvrActionSchema, { key: KEY_RULE, min: 1, max: 12 }),
  timeoutMs: optional(timeoutMs),
  bargeIn: optional(bool()),
  invalidKey: optional(RetrySchema),
  noInput: optional(RetrySchema),
  fallback: optional(IvrActionSchema),
});

const IvrNodeSchema = tagged('kind', {
  menu: MenuNodeSchema,
  play: obj({ kind: literal('play'), label: optional(label), prompts: somePrompts, next: nodeId }),
  queue: obj({ kind: literal('queue'), label: optional(label), prompts: optional(prompts), skillGroupId }),
  hangup: obj({ kind: literal('hangup'), label: optional(label), prompts: optional(prompts) }),
});

/** An IANA time zone the platform's Intl knows (`Asia/Shanghai`). */
function timeZone(): Schema<string> {
  const name = str({ minLength: 1, maxLength: 64 });
  return {
    typeName: 'String',
    parse(value, path, mode) {
      const zone = name.parse(value, path, mode);
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
      } catch {
        throw valueError(path, `must be an IANA time zone such as Asia/Shanghai, but "${zone}" is not one.`, `应为 IANA 时区，例如 Asia/Shanghai，"${zone}" 不是有效时区。`);
      }
      return zone;
    },
  };
}

const clockTime = str({ pattern: { regex: /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, en: 'a time of day HH:MM from 00:00 to 24:00', zh: '时刻 HH:MM（00:00 到 24:00）' } });
const calendarDate = str({ pattern: { regex: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, en: 'a date YYYY-MM-DD', zh: '日期 YYYY-MM-DD' } });

const WorkTimeSchema = obj({
  timeZone: timeZone(),
  /** Open ranges; `days` are ISO weekdays, 1 = Monday … 7 = Sunday; `from` < `to` (split a range that passes midnight in two). */
  weekly: arr(obj({ days: arr(int({ min: 1, max: 7 }), { min: 1, max: 7 }), from: clockTime, to: clockTime }), { min: 1, max: 50 }),
  /** Dates (in `timeZone`) closed all day. */
  holidays: optional(arr(calendarDate, { max: 400 })),
  /** Played to a caller outside the schedule, then the call ends with `notWorkTime` (106). */
  closedPrompts: prompts,
});

const SurveySchema = obj({
  label: optional(label),
  prompts: somePrompts,
  /** The keys accepted, each with the label recorded in `PostIVRKeyPressedEx`. */
  keys: record(obj({ label }), { key: KEY_RULE, min: 1, max: 12 }),
  timeoutMs: optional(timeoutMs),
  bargeIn: optional(bool()),
  invalidKey: optional(RetrySchema),
  noInput: optional(RetrySchema),
  /** Played after a valid key. */
  thanksPrompts: optional(prompts),
});

/** The whole flow, as parsed; graph checks (`checkIvrFlow`) come after. */
export const IvrFlowSchema = obj({
  version: int({ min: IVR_FLOW_VERSION, max: IVR_FLOW_VERSION }),
  name: optional(str({ minLength: 1, maxLength: 128 })),
  start: nodeId,
  workTime: optional(WorkTimeSchema),
  survey: optional(SurveySchema),
  nodes: record(IvrNodeSchema, { key: NODE_ID_RULE, min: 1, max: 500 }),
});

export type IvrFlow = Infer<typeof IvrFlowSchema>;
export type IvrNode = IvrFlow['nodes'][string];
export type IvrNodeKind = IvrNode['kind'];
export type IvrMenuNode = Extract<IvrNode, { kind: 'menu' }>;
export type IvrAction = Infer<typeof IvrActionSchema>;
export type IvrRetry = Infer<typeof RetrySchema>;
export type IvrWorkTime = Infer<typeof WorkTimeSchema>;
export type IvrSurvey = Infer<typeof SurveySchema>;
