import { describe, expect, it } from 'vitest';
import { checkHistoryFilters, defaultHistoryFilters } from './history-filters.js';
import { staffOptionsFrom } from './staff-options.js';
import { fetchStatusHistory, parseStatusEntries, statusSegments, timeByStatus, timelineView, type StatusEntry } from './status-timeline.js';

const entry = (timestamp: number, status: string): StatusEntry => ({ cursor: String(timestamp), timestamp, status, reason: '', sessionId: '' });

describe('the status timeline', () => {
  it('runs each status until the next change, unknown before the first, and stops at now', () => {
    const segments = statusSegments([entry(130, 'busy'), entry(110, 'free'), entry(150, 'afterCallWork')], 100, 300, 200);
    expect(segments).toEqual([
      { status: 'unknown', from: 100, to: 110 },
      { status: 'free', from: 110, to: 130 },
      { status: 'busy', from: 130, to: 150 },
      { status: 'afterCallWork', from: 150, to: 200 },
    ]);
    expect(timeByStatus(segments).get('free')).toBe(20);
  });

  it('merges repeats, clamps to the window, and reads an unknown word as unknown', () => {
    expect(statusSegments([entry(90, 'free'), entry(120, 'free'), entry(140, 'lunch')], 100, 160, 1_000)).toEqual([
      { status: 'free', from: 100, to: 140 },
      { status: 'unknown', from: 140, to: 160 },
    ]);
    expect(statusSegments([], 100, 160, 1_000)).toEqual([{ status: 'unknown', from: 100, to: 160 }]);
    expect(statusSegments([], 100, 160, 50)).toEqual([]);
  });

  it('shows the window up to now, or from the first change with fit', () => {
    const entries = [entry(150, 'free'), entry(130, 'busy')];
    expect(timelineView(entries, 100, 300, 200, false)).toEqual({ from: 100, to: 200 });
    expect(timelineView(entries, 100, 300, 200, true)).toEqual({ from: 130, to: 200 });
    expect(timelineView(entries, 100, 300, 1_000, true)).toEqual({ from: 130, to: 300 });
    expect(timelineView([], 100, 300, 1_000, true)).toEqual({ from: 100, to: 300 });
    expect(timelineView([entry(50, 'free')], 100, 300, 1_000, true)).toEqual({ from: 100, to: 300 });
  });

  it('reads the entries it can, skipping malformed ones', () => {
    expect(parseStatusEntries([{ Cursor: '7', Timestamp: 5, Status: 'rest', Reason: 'lunch' }, { Timestamp: 'x' }, null])).toEqual([{ cursor: '7', timestamp: 5, status: 'rest', reason: 'lunch', sessionId: '' }]);
    expect(parseStatusEntries(undefined)).toEqual([]);
  });

  it('follows the cursor across pages', async () => {
    const asked: Array<string | undefined> = [];
    const all = Array.from({ length: 1500 }, (_, i) => ({ Cursor: String(i + 1), Timestamp: 1000 + i, Status: i % 2 ? 'free' : 'busy' }));
    const action = (_name: string, params: Record<string, unknown>) => {
      const cursor = params['Cursor'] as string | undefined;
      asked.push(cursor);
      const after = cursor ? Number(cursor) : 0;
      return Promise.resolve({ Data: all.slice(after, after + (params['PageSize'] as number)) });
    };
    const result = await fetchStatusHistory(action, 'a@example.com', 0, 10);
    expect(asked).toEqual([undefined, '1000']);
    expect(result.entries).toHaveLength(1500);
    expect(result.truncated).toBe(false);
  });
});

describe('the staff picker', () => {
  it('lists staff by name, with their mail', () => {
    expect(staffOptionsFrom([{ Mail: 'b@example.com', Name: 'Zhang' }, { Mail: 'a@example.com', Name: '' }, { Name: 'no mail' }])).toEqual([
      { mail: 'a@example.com', label: 'a@example.com' },
      { mail: 'b@example.com', label: 'Zhang <b@example.com>' },
    ]);
  });
});

describe('the history filter', () => {
  it('needs an agent and an ordered window, and covers the last minute', () => {
    const today = defaultHistoryFilters(new Date(2025, 11, 2, 9), 'a@example.com');
    expect(today).toEqual({ mail: 'a@example.com', from: '2025-12-02T00:00', to: '2025-12-02T23:59' });
    const checked = checkHistoryFilters(today);
    expect(checked.ok && checked.query.endSeconds - checked.query.startSeconds).toBe(86_399);
    expect(checkHistoryFilters({ ...today, mail: ' ', to: '2025-12-01T00:00' })).toEqual({ ok: false, errors: { mail: 'agentMissing', to: 'endBeforeStart' } });
    expect(checkHistoryFilters({ ...today, from: 'x', to: '' })).toEqual({ ok: false, errors: { from: 'fromInvalid', to: 'toMissing' } });
  });
});
