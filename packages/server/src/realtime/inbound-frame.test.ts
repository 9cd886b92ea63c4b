import { describe, expect, it } from 'vitest';
import { readFrame } from './inbound-frame.js';
import { MessageBudget } from './message-budget.js';

const text = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('readFrame', () => {
  it('parses JSON objects with a type, and calls anything else malformed', () => {
    const budget = new MessageBudget(() => 0, { burst: 100, perSecond: 0, refusals: 1, refusalRefillSeconds: 10 });
    expect(readFrame(budget, text({ type: 'ping' }), false)).toEqual({ kind: 'message', message: { type: 'ping' } });
    for (const bad of ['{', '[]', '"ping"', '{}', '{"type":5}', 'null']) expect(readFrame(budget, text(bad), false)).toEqual({ kind: 'malformed' });
    expect(readFrame(budget, text({ type: 'ping' }), true)).toEqual({ kind: 'malformed' });
  });

  it('refuses frames beyond the budget, naming the request to answer, then calls the sender abusive', () => {
    const budget = new MessageBudget(() => 0, { burst: 1, perSecond: 0, refusals: 3, refusalRefillSeconds: 10 });
    expect(readFrame(budget, text({ type: 'ping' }), false).kind).toBe('message');
    expect(readFrame(budget, text({ type: 'request', id: 7, method: 'Agent.online', params: {} }), false)).toEqual({ kind: 'refused', requestId: 7 });
    expect(readFrame(budget, text({ type: 'ping' }), false)).toEqual({ kind: 'refused', requestId: null });
    expect(readFrame(budget, text('not json'), false)).toEqual({ kind: 'refused', requestId: null });
    expect(readFrame(budget, text({ type: 'ping' }), false)).toEqual({ kind: 'abusive' });
  });
});
