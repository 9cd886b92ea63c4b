import { parseClientFrame, type ClientFrame } from '@openccc/protocol';
import type { RawData } from 'ws';
import type { MessageBudget } from './message-budget.js';

/** What one frame from a workbench amounts to, once checked against the connection's budget and validated. */
export type InboundFrame =
  | ClientFrame
  /** Not a JSON object with a string type: a protocol error. */
  | { kind: 'malformed' }
  /** Beyond the budget: refused; `requestId` is set when it was a request, which gets a reply. */
  | { kind: 'refused'; requestId: number | null }
  /** Beyond the budget for too long: the connection is closed. */
  | { kind: 'abusive' };

/**
 * Reads one frame. The budget is checked before anything is parsed, so a flood
 * costs a counter; a refused frame is parsed only to find a request id to answer
 * (at most `MESSAGE_BUDGET.refusals` times per connection). An admitted frame is
 * validated by the protocol's schemas (`parseClientFrame`).
 */
export function readFrame(budget: MessageBudget, data: RawData, isBinary: boolean): InboundFrame {
  const verdict = budget.admit();
  if (verdict === 'close') return { kind: 'abusive' };
  const parsed = isBinary ? undefined : parseObject(String(data));
  if (verdict === 'refuse') {
    const id = parsed?.['type'] === 'request' ? parsed['id'] : undefined;
    return { kind: 'refused', requestId: typeof id === 'number' ? id : null };
  }
  const type = parsed?.['type'];
  if (!parsed || typeof type !== 'string') return { kind: 'malformed' };
  return parseClientFrame({ ...parsed, type });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
