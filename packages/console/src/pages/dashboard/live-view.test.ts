import { describe, expect, it } from 'vitest';
import { agentList, applyMessage, lastHour, serviceLevel, statusCounts } from './live-view.js';
import { parseDashboardMessage, type DashboardSnapshot } from '@openccc/protocol';

const T = Date.UTC(2026, 11, 2, 10, 30);
const snapshot: DashboardSnapshot = {
  type: 'snapshot',
  serverTime: T,
  agents: [
    { mail: 'b@x.com', name: 'Bo', staffNumber: '2', status: 'free', reason: '', since: T - 1000 },
    { mail: 'a@x.com', name: 'Ann', staffNumber: '1', status: 'offline', reason: '', since: null },
  ],
  queues: [{ groupId: 1, groupName: 'Sales', waiting: 0, oldestSince: null }],
  calls: { ivr: 0, queued: 0, ringing: 0, talking: 0 },
  today: { dayStart: T - 10 * 3_600_000, answered: 4, abandoned: 1, outbound: 0, answerWaits: [[3, 1], [20, 2], [45, 1]] },
  minutes: [{ minute: T - 120_000, answered: 1, abandoned: 0, outbound: 0 }],
};

describe('the live view', () => {
  it('parses the messages it knows and drops others', () => {
    expect(parseDashboardMessage(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(parseDashboardMessage(JSON.stringify({ type: 'delta', serverTime: T, agents: [{ ...snapshot.agents[0], status: 'dancing' }] }))).toBeNull();
    expect(parseDashboardMessage(JSON.stringify({ type: 'delta', serverTime: T, today: { answered: 1 } }))).toBeNull();
    expect(parseDashboardMessage('{')).toBeNull();
    expect(parseDashboardMessage(JSON.stringify({ type: 'delta', serverTime: T }))).toEqual({ type: 'delta', serverTime: T });
  });

  it('applies deltas over the snapshot without touching the previous view', () => {
    const first = applyMessage(null, snapshot, T - 500);
    expect(first?.clockOffset).toBe(500);
    const next = applyMessage(first, { type: 'delta', serverTime: T + 1000, agents: [{ mail: 'A@x.com', name: 'Ann', staffNumber: '1', status: 'rest', reason: 'Lunch', since: T }] }, T + 1000);
    expect(next?.agents.get('a@x.com')?.status).toBe('rest');
    expect(first?.agents.get('a@x.com')?.status).toBe('offline');
    expect(next?.queues).toBe(first?.queues);
    expect(applyMessage(null, { type: 'delta', serverTime: T }, T)).toBeNull();
  });

  it('counts statuses, lists agents by name and filters them', () => {
    const view = applyMessage(null, snapshot, T)!;
    expect(statusCounts(view.agents.values())).toEqual({ free: 1, busy: 0, rest: 0, notReady: 0, afterCallWork: 0, offline: 1 });
    expect(agentList(view.agents, null).map((a) => a.name)).toEqual(['Ann', 'Bo']);
    expect(agentList(view.agents, 'free').map((a) => a.name)).toEqual(['Bo']);
  });

  it('computes the service level for any target', () => {
    expect(serviceLevel(snapshot.today, 20)).toBe(0.75);
    expect(serviceLevel(snapshot.today, 2)).toBe(0);
    expect(serviceLevel(snapshot.today, 60)).toBe(1);
    expect(serviceLevel({ ...snapshot.today, answered: 0, answerWaits: [] }, 20)).toBeNull();
  });

  it('lays out the last hour as sixty minutes ending with the current one', () => {
    const view = applyMessage(null, snapshot, T)!;
    const hour = lastHour(view.minutes, T + 5000);
    expect(hour).toHaveLength(60);
    expect(hour[59]?.minute).toBe(T);
    expect(hour[57]).toEqual({ minute: T - 120_000, answered: 1, abandoned: 0, outbound: 0 });
  });
});
