import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../calls/types.js';
import type { SessionState } from '../../calls/session-state.js';
import { DashboardState, liveFigures } from './dashboard-state.js';

const T = Date.UTC(2026, 11, 2, 10, 0);

function session(state: SessionState, enteredAt: number, group: { groupId: number; groupName: string } | null, kind: SessionRecord['kind'] = 'inbound'): SessionRecord {
  return {
    sessionId: `s-${state}-${enteredAt}`,
    kind,
    channel: 'phone',
    state,
    caller: '008613800000000',
    callee: '008640000000',
    remark: '',
    uui: '',
    survey: false,
    createdAt: enteredAt - 5000,
    initiator: null,
    peer: null,
    legs: [],
    participants: [],
    group,
    queuedGroup: group,
    ivrKeys: [],
    postIvrKeys: [],
    talkEnd: null,
    offerSource: null,
    pendingTransferFrom: null,
    end: null,
    history: [{ at: enteredAt - 5000, event: 'created', from: null, to: 'created' }, { at: enteredAt, event: 'created', from: 'created', to: state }],
  };
}

describe('liveFigures', () => {
  it('counts waiting calls per group, with the oldest wait, and every group even when empty', () => {
    const sales = { groupId: 1, groupName: 'Sales' };
    const groups = new Map([[1, 'Sales'], [2, 'Support']]);
    const figures = liveFigures(
      [session('queued', T - 30_000, sales), session('queued', T - 5000, sales), session('offering', T, sales), session('talking', T, sales), session('ivr', T, null), session('talking', T, null, 'outbound')],
      groups,
    );
    expect(figures.queues).toEqual([
      { groupId: 1, groupName: 'Sales', waiting: 2, oldestSince: T - 30_000 },
      { groupId: 2, groupName: 'Support', waiting: 0, oldestSince: null },
    ]);
    expect(figures.calls).toEqual({ ivr: 1, queued: 2, ringing: 1, talking: 1 });
  });

  it('shows a group it was not told of when a call waits in it', () => {
    const figures = liveFigures([session('queued', T, { groupId: 9, groupName: 'New' })], new Map());
    expect(figures.queues).toEqual([{ groupId: 9, groupName: 'New', waiting: 1, oldestSince: T }]);
  });
});

describe('DashboardState', () => {
  it('snapshots staff by name, offline until seen', () => {
    const state = new DashboardState({ clock: () => T });
    state.nameStaff({ mail: 'b@x.com', name: 'Bo', staffNumber: '2' });
    state.nameStaff({ mail: 'a@x.com', name: 'Ann', staffNumber: '1' }, { status: 'rest', reason: 'Lunch', since: T - 60_000 });
    const snapshot = state.snapshot();
    expect(snapshot.agents).toEqual([
      { mail: 'a@x.com', name: 'Ann', staffNumber: '1', status: 'rest', reason: 'Lunch', since: T - 60_000 },
      { mail: 'b@x.com', name: 'Bo', staffNumber: '2', status: 'offline', reason: '', since: null },
    ]);
    expect(snapshot.serverTime).toBe(T);
  });

  it('hands out changed rows once, and nothing when nothing changed', () => {
    const state = new DashboardState({ clock: () => T });
    state.nameStaff({ mail: 'A@x.com', name: 'Ann', staffNumber: '1' });
    state.takeDelta();
    expect(state.takeDelta()).toBeNull();
    expect(state.setPresence('a@X.com', { status: 'free', reason: 'ignored', since: T })).toBe(true);
    expect(state.setPresence('a@x.com', { status: 'free', reason: '', since: T })).toBe(false);
    expect(state.setPresence('stranger@x.com', { status: 'free', reason: '', since: T })).toBe(false);
    expect(state.takeDelta()).toEqual({ type: 'delta', serverTime: T, agents: [{ mail: 'A@x.com', name: 'Ann', staffNumber: '1', status: 'free', reason: '', since: T }] });
    expect(state.takeDelta()).toBeNull();
  });

  it('keeps an agent’s presence when their name changes', () => {
    const state = new DashboardState({ clock: () => T });
    state.nameStaff({ mail: 'a@x.com', name: 'Ann', staffNumber: '1' }, { status: 'busy', reason: '', since: T - 1000 });
    state.nameStaff({ mail: 'a@x.com', name: 'Anna', staffNumber: '1' });
    expect(state.snapshot().agents[0]).toMatchObject({ name: 'Anna', status: 'busy', since: T - 1000 });
  });

  it('reports queues and calls only when they change', () => {
    const state = new DashboardState({ clock: () => T });
    state.setGroups([{ id: 1, name: 'Sales' }]);
    state.setLive([]);
    expect(state.takeDelta()).toEqual({ type: 'delta', serverTime: T, queues: [{ groupId: 1, groupName: 'Sales', waiting: 0, oldestSince: null }] });
    state.setLive([]);
    expect(state.takeDelta()).toBeNull();
    state.setLive([session('queued', T - 1000, { groupId: 1, groupName: 'Sales' })]);
    expect(state.takeDelta()).toMatchObject({ queues: [{ waiting: 1, oldestSince: T - 1000 }], calls: { queued: 1 } });
  });

  it('folds call records into today and the minutes', () => {
    const state = new DashboardState({ clock: () => T, startOfDay: () => Date.UTC(2026, 11, 2) });
    const start = T / 1000 - 30;
    expect(state.addRecord({ SessionId: 'x', CallType: 2, StartTimestamp: start, QueuedTimestamp: start, AcceptTimestamp: start + 8, EndStatus: 1 })).toBe(true);
    expect(state.takeDelta()).toMatchObject({ today: { answered: 1, answerWaits: [[8, 1]] }, minutes: [{ minute: T - 60_000, answered: 1 }] });
  });
});
