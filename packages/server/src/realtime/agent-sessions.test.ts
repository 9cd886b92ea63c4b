import type { ServerMessage } from '@openccc/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { SdkError } from '../auth/sdk-error.js';
import { Presence, type StaffStatus } from '../staff/presence.js';
import type { Credential, Staff } from '../store/ports.js';
import type { AgentConnection, AgentRef, ConnectionLink } from './agent-connection.js';
import { AgentSessions, type AgentSessionsOptions } from './agent-sessions.js';
import type { ScheduledHandle, Scheduler } from './scheduler.js';

const APP = 1400000001;
const MAIL = 'agent@example.com';
const AGENT: AgentRef = { sdkAppId: APP, mail: MAIL };
const OTHER: AgentRef = { sdkAppId: APP, mail: 'other@example.com' };
const GRACE_MS = 30_000;
const TICKET_A = 'a'.repeat(64);
const TICKET_B = 'b'.repeat(64);

/** Timers that fire only when the test advances time. */
class ManualScheduler implements Scheduler {
  now = 1_000_000;
  private readonly timers = new Map<ScheduledHandle, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): ScheduledHandle {
    const handle: ScheduledHandle = { scheduled: true };
    this.timers.set(handle, { at: this.now + ms, callback });
    return handle;
  }

  clearTimeout(handle: ScheduledHandle): void {
    this.timers.delete(handle);
  }

  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= until).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = until;
  }
}

/** A workbench's end of a connection: what it was sent and how it was closed. */
class FakeLink implements ConnectionLink {
  readonly sent: ServerMessage[] = [];
  closedWith: { code: number; reason: string } | null = null;
  send(message: ServerMessage): void {
    this.sent.push(message);
  }
  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }
  ofType<T extends ServerMessage['type']>(type: T): Array<Extract<ServerMessage, { type: T }>> {
    return this.sent.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }
}

function staffOf(agent: AgentRef): Staff {
  return {
    sdkAppId: agent.sdkAppId,
    mail: agent.mail,
    name: 'Agent',
    staffNumber: '1',
    phone: '',
    nick: 'a',
    userId: '',
    role: 1,
    extensionNumber: '',
    passwordHash: '',
    useMobileCallOut: false,
    useMobileAccept: 0,
    forwardingConfig: null,
    forcedOffline: false,
    createdAt: 0,
    modifiedAt: 0,
  };
}

function setup() {
  const scheduler = new ManualScheduler();
  /** While set, a status change reports that it started and waits to be released. */
  let hold: { started: () => void; released: Promise<void> } | null = null;
  const presence = new Presence();
  /** Valid tickets: ticket → agent; the hash of a ticket is `h:<ticket>`. */
  const tickets = new Map<string, AgentRef>([
    [TICKET_A, AGENT],
    [TICKET_B, AGENT],
  ]);
  const history: Array<[string, StaffStatus]> = [];
  const extended: string[] = [];
  const revoked: string[] = [];
  const verify = (hash: string) => {
    const ticket = hash.slice(2);
    const agent = tickets.get(ticket);
    if (!agent) return Promise.reject(new SdkError('ticketInvalid', 'The login has ended.'));
    const credential = { kind: 'login-ticket', hash, sdkAppId: agent.sdkAppId, mail: agent.mail, onlyOnce: false, expiresAt: scheduler.now + 1e6, createdAt: 0, usedAt: null } satisfies Credential;
    return Promise.resolve({ credential, staff: staffOf(agent) });
  };
  const options: AgentSessionsOptions = {
    login: {
      verifyTicket: (ticket) => verify(`h:${ticket}`),
      verifyTicketHash: verify,
      extend: (hash) => {
        extended.push(hash);
        return Promise.resolve(scheduler.now + 1e6);
      },
      revoke: (hash) => {
        revoked.push(hash);
        tickets.delete(hash.slice(2));
        return Promise.resolve();
      },
    },
    presence,
    status: {
      // Recorded at once: the ordering of history writes is StatusService's, tested there.
      change: async (sdkAppId, mail, decide) => {
        if (hold) {
          hold.started();
          await hold.released;
        }
        const next = decide(presence.get(sdkAppId, mail));
        if (!next || (presence.statusOf(sdkAppId, mail) === next.status && (presence.get(sdkAppId, mail)?.reason ?? '') === next.reason)) return false;
        history.push([mail, next.status]);
        presence.setStatus(sdkAppId, mail, next.status, next.reason, scheduler.now);
        return true;
      },
      record: (sdkAppId, mail, status, reason) => {
        if (presence.statusOf(sdkAppId, mail) === status && (presence.get(sdkAppId, mail)?.reason ?? '') === reason) return Promise.resolve();
        history.push([mail, status]);
        presence.setStatus(sdkAppId, mail, status, reason, scheduler.now);
        return Promise.resolve();
      },
    },
    log: pino({ level: 'silent' }),
    clock: () => scheduler.now,
    scheduler,
    graceMs: GRACE_MS,
    extendEveryMs: 600_000,
  };
  const sessions = new AgentSessions(options);
  const events: string[] = [];
  sessions.on('connected', (c) => events.push(`connected ${c.agent.mail}`));
  sessions.on('disconnected', (a) => events.push(`disconnected ${a.mail}`));
  sessions.on('ended', (a, reason) => events.push(`ended ${a.mail} ${reason}`));
  sessions.on('reservationReleased', (a, callId, reason) => events.push(`released ${a.mail} ${callId} ${reason}`));
  const hello = async (ticket = TICKET_A, resume?: { status: 'free' | 'rest' | 'offline'; reason: string }) => {
    const link = new FakeLink();
    const connection = await sessions.hello(link, { type: 'hello', v: 1, ticket, client: { type: 'Web', embedded: true }, ...(resume ? { resume } : {}) });
    return { link, connection };
  };
  /** Holds status changes: `started` resolves when one waits, `release` lets it go on. */
  const holdChanges = () => {
    let started!: () => void;
    let release!: () => void;
    const startedPromise = new Promise<void>((resolve) => (started = resolve));
    hold = { started, released: new Promise<void>((resolve) => (release = resolve)) };
    return {
      started: startedPromise,
      release: () => {
        hold = null;
        release();
      },
    };
  };
  return { sessions, scheduler, presence, tickets, history, extended, revoked, events, hello, holdChanges, options };
}

async function rejection(promise: Promise<unknown>): Promise<SdkError> {
  const error = await promise.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SdkError);
  return error as SdkError;
}

describe('AgentSessions: sign-in and grace period', () => {
  it('a hello puts the agent in free, answers welcome and reports connected', async () => {
    const t = setup();
    const { link } = await t.hello();
    expect(link.ofType('welcome')).toMatchObject([{ status: 'free', reason: '', staff: { mail: MAIL }, ticketExpiresAt: t.scheduler.now + 1e6 }]);
    // Coming online is told by the welcome, not by a statusChanged before it.
    expect(link.sent.map((m) => m.type)).toEqual(['welcome']);
    expect(t.presence.statusOf(APP, MAIL)).toBe('free');
    expect(t.presence.get(APP, MAIL)?.clients).toEqual([{ clientType: 'Web', isConnected: true }]);
    expect(t.history).toEqual([[MAIL, 'free']]);
    expect(t.events).toEqual([`connected ${MAIL}`]);
    expect(t.sessions.isSignedIn(AGENT)).toBe(true);
  });

  it('refuses a ticket that is not valid', async () => {
    const t = setup();
    expect((await rejection(t.hello('c'.repeat(64)))).code).toBe('ticketInvalid');
    expect(t.presence.statusOf(APP, MAIL)).toBe('offline');
    expect(t.sessions.isSignedIn(AGENT)).toBe(false);
  });

  it('restores the status a reconnecting workbench showed, and keeps an agent who chose offline offline', async () => {
    const t = setup();
    await t.hello(TICKET_A, { status: 'rest', reason: 'lunch' });
    expect(t.presence.get(APP, MAIL)).toMatchObject({ status: 'rest', reason: 'lunch' });
    const u = setup();
    const { link } = await u.hello(TICKET_A, { status: 'offline', reason: '' });
    expect(link.ofType('welcome')[0]?.status).toBe('offline');
  });

  it('a connection signed out while its status is recorded gets no welcome', async () => {
    const t = setup();
    const held = t.holdChanges();
    const link = new FakeLink();
    const pending = t.sessions.hello(link, { type: 'hello', v: 1, ticket: TICKET_A, client: { type: 'Web', embedded: true } });
    await held.started;
    t.presence.forceOffline(APP, MAIL, t.scheduler.now);
    held.release();
    const connection = await pending;
    expect(t.sessions.isActive(connection)).toBe(false);
    expect(link.sent.map((m) => m.type)).toEqual(['signedOut']);
    expect(link.closedWith?.code).toBe(4003);
  });

  it('goes offline when the grace period runs out with no connection', async () => {
    const t = setup();
    const { connection } = await t.hello();
    t.sessions.disconnect(connection);
    expect(t.presence.get(APP, MAIL)?.clients).toEqual([{ clientType: 'Web', isConnected: false }]);
    t.scheduler.advance(GRACE_MS - 1);
    expect(t.presence.statusOf(APP, MAIL)).toBe('free');
    t.scheduler.advance(1);
    expect(t.presence.statusOf(APP, MAIL)).toBe('offline');
    expect(t.history).toEqual([
      [MAIL, 'free'],
      [MAIL, 'offline'],
    ]);
    expect(t.events).toEqual([`connected ${MAIL}`, `disconnected ${MAIL}`, `ended ${MAIL} grace`]);
    expect(t.sessions.isSignedIn(AGENT)).toBe(false);
    expect(t.scheduler.pending).toBe(0);
  });

  it('a reconnection within the grace period changes nothing', async () => {
    const t = setup();
    const first = await t.hello();
    t.sessions.disconnect(first.connection);
    t.scheduler.advance(GRACE_MS - 1);
    const second = await t.hello();
    t.scheduler.advance(GRACE_MS * 2);
    expect(t.presence.statusOf(APP, MAIL)).toBe('free');
    expect(t.history).toEqual([[MAIL, 'free']]);
    expect(second.link.ofType('welcome')[0]?.status).toBe('free');
    expect(t.scheduler.pending).toBe(0);
  });

  it('one of two connections closing starts no grace period', async () => {
    const t = setup();
    const first = await t.hello();
    await t.hello();
    t.sessions.disconnect(first.connection);
    t.sessions.disconnect(first.connection);
    expect(t.scheduler.pending).toBe(0);
    expect(t.presence.get(APP, MAIL)?.clients).toEqual([{ clientType: 'Web', isConnected: true }]);
  });
});

describe('AgentSessions: takeover and sign-outs', () => {
  it('the newest login wins: older connections are signed out, the status carries over', async () => {
    const t = setup();
    const old = await t.hello(TICKET_A);
    t.presence.setStatus(APP, MAIL, 'rest', 'lunch', t.scheduler.now);
    t.tickets.delete(TICKET_A);
    t.sessions.onLogin(APP, MAIL, `h:${TICKET_B}`);
    expect(old.link.ofType('signedOut')).toMatchObject([{ reason: 'elsewhere' }]);
    expect(old.link.closedWith).toEqual({ code: 4002, reason: 'elsewhere' });
    expect(t.sessions.isActive(old.connection)).toBe(false);
    const now = await t.hello(TICKET_B);
    expect(now.link.ofType('welcome')[0]).toMatchObject({ status: 'rest', reason: 'lunch' });
    t.scheduler.advance(GRACE_MS * 2);
    expect(t.presence.statusOf(APP, MAIL)).toBe('rest');
    expect(t.events.filter((e) => e.startsWith('ended'))).toEqual([]);
  });

  it('a newer login that never connects leaves the agent offline after the grace period', async () => {
    const t = setup();
    await t.hello(TICKET_A);
    t.sessions.onLogin(APP, MAIL, `h:${TICKET_B}`);
    t.scheduler.advance(GRACE_MS);
    expect(t.presence.statusOf(APP, MAIL)).toBe('offline');
    expect(t.events).toContain(`ended ${MAIL} grace`);
  });

  it('a hello with the newer ticket signs out connections of the older one', async () => {
    const t = setup();
    const old = await t.hello(TICKET_A);
    await t.hello(TICKET_B);
    expect(old.link.closedWith?.code).toBe(4002);
    expect(t.sessions.isActive(old.connection)).toBe(false);
  });

  it('ForceMemberOffline signs every connection out with 4003', async () => {
    const t = setup();
    const a = await t.hello();
    const b = await t.hello();
    t.presence.forceOffline(APP, MAIL, t.scheduler.now);
    for (const { link } of [a, b]) {
      expect(link.ofType('event').at(-1)).toMatchObject({ name: 'statusChanged', payload: { status: 'offline' } });
      expect(link.ofType('signedOut')).toMatchObject([{ reason: 'forced' }]);
      expect(link.closedWith?.code).toBe(4003);
    }
    expect(t.events.at(-1)).toBe(`ended ${MAIL} forced`);
    expect(t.scheduler.pending).toBe(0);
  });

  it('a password change signs the workbenches out with 4001 and says why', async () => {
    const t = setup();
    const { link } = await t.hello();
    t.presence.endLogins(APP, MAIL, t.scheduler.now);
    expect(link.ofType('signedOut')).toEqual([{ type: 'signedOut', reason: 'expired', message: 'The password of this account was changed; sign in again.' }]);
    expect(link.closedWith?.code).toBe(4001);
    expect(t.presence.statusOf(APP, MAIL)).toBe('offline');
  });

  it('a login revoked elsewhere (the CLI) is signed out at the next re-check and recorded offline', async () => {
    const t = setup();
    const { link } = await t.hello();
    await t.sessions.recheckLogins();
    expect(link.closedWith).toBeNull();
    t.tickets.delete(TICKET_A);
    await t.sessions.recheckLogins();
    expect(link.ofType('signedOut')).toMatchObject([{ reason: 'expired' }]);
    expect(t.presence.statusOf(APP, MAIL)).toBe('offline');
    expect(t.history.at(-1)).toEqual([MAIL, 'offline']);
  });

  it('logout revokes the ticket and takes the agent offline', async () => {
    const t = setup();
    const { link, connection } = await t.hello();
    t.sessions.logout(connection);
    await Promise.resolve();
    expect(link.closedWith?.code).toBe(4005);
    expect(t.revoked).toEqual([`h:${TICKET_A}`]);
    expect(t.presence.statusOf(APP, MAIL)).toBe('offline');
  });

  it('close() closes every connection with 1012 and cancels every timer', async () => {
    const t = setup();
    const a = await t.hello();
    const { connection } = await t.hello();
    t.sessions.disconnect(connection);
    t.sessions.onLogin(APP, OTHER.mail, 'h:x');
    t.sessions.close();
    t.sessions.close();
    expect(a.link.closedWith?.code).toBe(1012);
    expect(t.scheduler.pending).toBe(0);
    expect(t.sessions.isSignedIn(AGENT)).toBe(false);
  });
});

describe('AgentSessions: call reservations', () => {
  it('reserves a signed-in online agent for one call at a time', async () => {
    const t = setup();
    expect(t.sessions.reserve(AGENT, 'call-1')).toBe(false);
    await t.hello();
    expect(t.sessions.reserve(AGENT, 'call-1')).toBe(true);
    expect(t.sessions.reserve(AGENT, 'call-1')).toBe(true);
    expect(t.sessions.reserve(AGENT, 'call-2')).toBe(false);
    expect(t.sessions.reservationOf(AGENT)).toBe('call-1');
    expect(t.sessions.release(AGENT, 'call-2')).toBe(false);
    expect(t.sessions.release(AGENT, 'call-1')).toBe(true);
    expect(t.sessions.reservationOf(AGENT)).toBeUndefined();
    expect(t.events.filter((e) => e.startsWith('released'))).toEqual([]);
  });

  it('refuses an agent who chose offline', async () => {
    const t = setup();
    await t.hello(TICKET_A, { status: 'offline', reason: '' });
    expect(t.sessions.reserve(AGENT, 'call-1')).toBe(false);
  });

  type Path = [name: string, reason: string, act: (t: ReturnType<typeof setup>, connection: AgentConnection) => void | Promise<void>];
  const paths: Path[] = [
    [
      'the grace period runs out',
      'grace',
      (t, connection) => {
        t.sessions.disconnect(connection);
        t.scheduler.advance(GRACE_MS);
      },
    ],
    ['the workbench logs out', 'logout', (t, connection) => t.sessions.logout(connection)],
    // Presence goes offline before it asks for the sign-out: the reservation ends with the status.
    ['ForceMemberOffline', 'offline', (t) => t.presence.forceOffline(APP, MAIL, t.scheduler.now)],
    ['the password changes', 'offline', (t) => t.presence.endLogins(APP, MAIL, t.scheduler.now)],
    [
      'the login is revoked elsewhere',
      'expired',
      async (t) => {
        t.tickets.delete(TICKET_A);
        await t.sessions.recheckLogins();
      },
    ],
    ['the agent goes offline (Agent.offline)', 'offline', (t) => t.presence.setStatus(APP, MAIL, 'offline', '', t.scheduler.now)],
    [
      'a newer login never connects',
      'grace',
      (t) => {
        t.sessions.onLogin(APP, MAIL, `h:${TICKET_B}`);
        t.scheduler.advance(GRACE_MS);
      },
    ],
    ['the server stops', 'shutdown', (t) => t.sessions.close()],
  ];

  it.each(paths)('is released when %s', async (_name, reason, act) => {
    const t = setup();
    const { connection } = await t.hello();
    expect(t.sessions.reserve(AGENT, 'call-1')).toBe(true);
    await act(t, connection);
    expect(t.sessions.reservationOf(AGENT)).toBeUndefined();
    expect(t.events.filter((e) => e.startsWith('released'))).toEqual([`released ${MAIL} call-1 ${reason}`]);
  });

  it('survives a takeover by a newer login of the same agent', async () => {
    const t = setup();
    await t.hello(TICKET_A);
    t.sessions.reserve(AGENT, 'call-1');
    await t.hello(TICKET_B);
    expect(t.sessions.reservationOf(AGENT)).toBe('call-1');
  });
});

describe('AgentSessions: events, notify and requests', () => {
  it('a throwing listener neither breaks the state nor keeps the other listeners from running', async () => {
    const t = setup();
    const seen: string[] = [];
    t.sessions.on('connected', () => {
      throw new Error('listener bug');
    });
    t.sessions.on('reservationReleased', () => {
      throw new Error('listener bug');
    });
    t.sessions.on('reservationReleased', (_agent, callId) => seen.push(callId));
    const { link, connection } = await t.hello();
    expect(link.ofType('welcome')).toHaveLength(1);
    t.sessions.reserve(AGENT, 'call-1');
    t.sessions.disconnect(connection);
    t.scheduler.advance(GRACE_MS);
    expect(seen).toEqual(['call-1']);
    expect(t.sessions.reservationOf(AGENT)).toBeUndefined();
    expect(t.presence.statusOf(APP, MAIL)).toBe('offline');
    expect(t.events.at(-1)).toBe(`ended ${MAIL} grace`);
  });

  it('notify sends an event to every connection of that agent only', async () => {
    const t = setup();
    t.tickets.set('d'.repeat(64), OTHER);
    const a = await t.hello();
    const b = await t.hello();
    const other = await t.hello('d'.repeat(64));
    t.sessions.notify(AGENT, { type: 'event', name: 'statusChanged', payload: { status: 'free', reason: '' } });
    expect(a.link.ofType('event')).toHaveLength(1);
    expect(b.link.ofType('event')).toHaveLength(1);
    expect(other.link.ofType('event')).toHaveLength(0);
  });

  it('status changes reach every connection as statusChanged', async () => {
    const t = setup();
    const { link } = await t.hello();
    t.presence.setStatus(APP, MAIL, 'rest', 'lunch', t.scheduler.now);
    expect(link.ofType('event')).toEqual([{ type: 'event', name: 'statusChanged', payload: { status: 'rest', reason: 'lunch' } }]);
  });

  it('dispatches requests to the registered handler, refuses unknown methods, hides internal failures', async () => {
    const t = setup();
    const { connection } = await t.hello();
    t.sessions.handle('Call.accept', (c, params) => Promise.resolve({ who: c.agent.mail, params }));
    t.sessions.handle('Call.hold', () => Promise.reject(new Error('database gone')));
    await expect(t.sessions.request(connection, 'Call.accept', { sessionId: 's' })).resolves.toEqual({ who: MAIL, params: { sessionId: 's' } });
    const unknown = await rejection(t.sessions.request(connection, 'Call.dial', {}));
    expect(unknown.code).toBe('invalidArgument');
    expect(unknown.message).toBe('Unknown method Call.dial.');
    expect((await rejection(t.sessions.request(connection, 'Call.hold', {}))).code).toBe('internal');
    expect(() => t.sessions.handle('Call.accept', () => Promise.resolve())).toThrow(/already has a handler/);
  });

  it('a heartbeat extends the ticket at most every extendEveryMs', async () => {
    const t = setup();
    const { connection } = await t.hello();
    t.extended.length = 0;
    t.sessions.heartbeat(connection);
    t.scheduler.advance(600_001);
    t.sessions.heartbeat(connection);
    t.sessions.heartbeat(connection);
    expect(t.extended).toEqual([`h:${TICKET_A}`]);
  });
});
