import { describe, expect, it } from 'vitest';
import type { StaffStatus } from '../staff/presence.js';
import type { AgentConnection } from './agent-connection.js';
import { registerAgentRequests } from './agent-requests.js';
import { RequestRegistry } from './request-registry.js';
import { SdkError } from '../auth/sdk-error.js';

const APP = 1400000001;
const MAIL = 'agent@example.com';

type Recorded = [sdkAppId: number, mail: string, status: StaffStatus, reason: string];

/** A presence that reports `status`, and a status service that records calls (and moves the fake presence). */
function fakes(status: StaffStatus) {
  let current = status;
  const recorded: Recorded[] = [];
  const presence = { statusOf: (sdkAppId: number, mail: string) => (sdkAppId === APP && mail === MAIL ? current : 'offline') };
  const statusService = {
    record: async (sdkAppId: number, mail: string, next: StaffStatus, reason: string) => {
      recorded.push([sdkAppId, mail, next, reason]);
      current = next;
    },
  };
  const registry = new RequestRegistry();
  registerAgentRequests(registry, { presence, status: statusService });
  const conn: AgentConnection = { agent: { sdkAppId: APP, mail: MAIL }, embedded: true };
  return { conn, recorded, call: (method: string, params: Record<string, unknown> = {}) => registry.dispatch(conn, method, params) };
}

async function expectSdkError(promise: Promise<unknown>, code: string): Promise<SdkError> {
  const error = await promise.then(
    () => expect.fail(`expected SdkError ${code}`),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SdkError);
  expect((error as SdkError).code).toBe(code);
  expect((error as SdkError).message).not.toBe('');
  return error as SdkError;
}

describe('Agent.setStatus', () => {
  it.each([
    ['free', 'free'],
    ['notReady', 'notReady'],
    ['arrange', 'afterCallWork'],
  ] as const)('sets %s as %s', async (sdkStatus, serverStatus) => {
    const f = fakes('rest');
    await expect(f.call('Agent.setStatus', { status: sdkStatus })).resolves.toBeUndefined();
    expect(f.recorded).toEqual([[APP, MAIL, serverStatus, '']]);
  });

  it('sets rest with its restReason', async () => {
    const f = fakes('free');
    await f.call('Agent.setStatus', { status: 'rest', restReason: 'lunch' });
    await f.call('Agent.setStatus', { status: 'rest' });
    expect(f.recorded).toEqual([
      [APP, MAIL, 'rest', 'lunch'],
      [APP, MAIL, 'rest', ''],
    ]);
  });

  it('drops restReason for other statuses', async () => {
    const f = fakes('rest');
    await f.call('Agent.setStatus', { status: 'free', restReason: 'lunch' });
    expect(f.recorded).toEqual([[APP, MAIL, 'free', '']]);
  });

  it('accepts a restReason of 128 characters', async () => {
    const f = fakes('free');
    await f.call('Agent.setStatus', { status: 'rest', restReason: 'r'.repeat(128) });
    expect(f.recorded).toEqual([[APP, MAIL, 'rest', 'r'.repeat(128)]]);
  });

  it.each([[{}], [{ status: 'busy' }], [{ status: 'offline' }], [{ status: 'afterCallWork' }], [{ status: 'FREE' }], [{ status: 1 }], [{ status: null }], [{ status: ['free'] }]])(
    'refuses %j with invalidArgument',
    async (params) => {
      const f = fakes('free');
      const err = await expectSdkError(f.call('Agent.setStatus', params), 'invalidArgument');
      expect(err.message).toBe('status must be one of free, rest, arrange, notReady, stopNotReady.');
      expect(err.httpStatus).toBe(400);
      expect(f.recorded).toEqual([]);
    },
  );

  it.each([[{ status: 'rest', restReason: 5 }], [{ status: 'rest', restReason: null }], [{ status: 'rest', restReason: 'r'.repeat(129) }]])(
    'refuses a bad restReason %#',
    async (params) => {
      const f = fakes('free');
      await expectSdkError(f.call('Agent.setStatus', params), 'invalidArgument');
      expect(f.recorded).toEqual([]);
    },
  );

  it('stopNotReady leaves notReady for free', async () => {
    const f = fakes('notReady');
    await f.call('Agent.setStatus', { status: 'stopNotReady' });
    expect(f.recorded).toEqual([[APP, MAIL, 'free', '']]);
  });

  it.each(['free', 'rest', 'afterCallWork'] as const)('stopNotReady does nothing in %s', async (status) => {
    const f = fakes(status);
    await expect(f.call('Agent.setStatus', { status: 'stopNotReady' })).resolves.toBeUndefined();
    expect(f.recorded).toEqual([]);
  });

  it('refuses any change during a session (busy)', async () => {
    const f = fakes('busy');
    const err = await expectSdkError(f.call('Agent.setStatus', { status: 'free' }), 'statusNotAllowed');
    expect(err.httpStatus).toBe(409);
    await expectSdkError(f.call('Agent.setStatus', { status: 'stopNotReady' }), 'statusNotAllowed');
    expect(f.recorded).toEqual([]);
  });

  it('refuses any change while offline', async () => {
    const f = fakes('offline');
    const err = await expectSdkError(f.call('Agent.setStatus', { status: 'rest', restReason: 'x' }), 'statusNotAllowed');
    expect(err.message).toContain('Agent.online()');
    expect(f.recorded).toEqual([]);
  });

  it('validates before checking the current status', async () => {
    const f = fakes('busy');
    await expectSdkError(f.call('Agent.setStatus', { status: 'nope' }), 'invalidArgument');
  });
});

describe('Agent.online / Agent.offline', () => {
  it('online brings an offline agent to free, and leaves an online one alone', async () => {
    const f = fakes('offline');
    await f.call('Agent.online');
    await f.call('Agent.online');
    expect(f.recorded).toEqual([[APP, MAIL, 'free', '']]);
  });

  it('offline takes an online agent offline once', async () => {
    const f = fakes('rest');
    await f.call('Agent.offline');
    await f.call('Agent.offline');
    expect(f.recorded).toEqual([[APP, MAIL, 'offline', '']]);
  });

  it('offline is refused during a session', async () => {
    const f = fakes('busy');
    await expectSdkError(f.call('Agent.offline'), 'statusNotAllowed');
    expect(f.recorded).toEqual([]);
  });
});

describe('other methods', () => {
  it.each(['Agent.getStatus', 'Call.dial', 'call.accept', '', '__proto__', 'constructor'])('unknown method %j answers invalidArgument', async (method) => {
    const f = fakes('free');
    const err = await expectSdkError(f.call(method), 'invalidArgument');
    expect(err.message).toBe(`Unknown method ${method}.`);
    expect(f.recorded).toEqual([]);
  });
});
