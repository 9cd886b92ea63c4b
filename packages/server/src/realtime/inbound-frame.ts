import type { ClientMessage } from '@openccc/protocol';
import type { RawData } from 'ws';
import type { MessageBudget } from './message-budget.js';

/** What one frame from a workbench amounts to, once checked against the connection's budget and parsed. */
export type InboundFrame =
  | { kind: 'message'; message: ClientMessage }
  /** Not a JSON object with a type: a protocol error. */
  | { kind: 'malformed' }
  /** Beyond the budget: refused; `requestId` is set when it was a request, which gets a reply. */
  | { kind: 'refused'; requestId: number | null }
  /** Beyond the budget for too long: the connection is closed. */
  | { kind: 'abusive' };

/**
 * Reads one frame. The budget is checked before anything is parsed, so a flood
 * costs a counter; a refused frame is parsed only to find a request id to answer
 * (at most `MESSAGE_BUDGET.refusals` times per connection).
 */
export function readFrame(budget: MessageBudget, data: RawData, isBinary: boolean): InboundFrame {
  const verdict = budget.admit();
  if (verdict === 'close') return { kind: 'abusive' };
  const parsed = isBinary ? undefined : parseObject(String(data));
  if (verdict === 'refuse') {
    const id = parsed?.['type'] === 'request' ? parsed['id'] : undefined;
    return { kind: 'refused', requestId: typeof id === 'number' ? id : null };
  }
  if (!parsed || typeof parsed['type'] !== 'string') return { kind: 'malformed' };
  // The type is known to be a string; each handler checks the fields it uses.
  return { kind: 'message', message: parsed as unknown as ClientMessage };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
