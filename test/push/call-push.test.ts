import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPhone, callCenter, recordOf, signedInAgent, CUSTOMER_HZ, type CallCenter } from '../calls/support.js';
import { consoleErrorCode, consoleSignIn, type ConsoleClient } from '../console/support/console-client.js';
import { Receiver, addQa, type Received } from './support.js';

let center: CallCenter;
let receiver: Receiver;
let admin: ConsoleClient;
const phones: TestPhone[] = [];

beforeAll(async () => {
  // A generous ring timeout: the agent's answer (a WebRTC offer) can take seconds on a loaded machine.
  center = await callCenter({ flags: { 'ring-timeout': '30' } });
  receiver = await Receiver.start();
  admin = await consoleSignIn(center.server.url, center.server.adminUser, center.server.adminPassword);
}, 120_000);

afterAll(async () => {
  for (const phone of phones) phone.close();
  await center.close();
  await receiver.close();
});

/** A customer calls the hotline, the agent answers, they talk for a second, the customer hangs up. */
async function answeredCall(caller: string): Promise<string> {
  const agent = await signedInAgent(center);
  const phone = await TestPhone.open(center.server.url, caller);
  phones.push(phone);
  const { callId } = await phone.dial(center.hotline);
  const callIn = await agent.socket.nextEvent('callIn');
  const sessionId = callIn.payload.sessionId;
  expect((await agent.accept(sessionId)).ok).toBe(true);
  await agent.hears(CUSTOMER_HZ);
  await phone.rtp.waitForPackets(50);
  phone.send({ type: 'hangup', callId });
  await agent.socket.nextEvent('sessionEnded');
  agent.hangupMedia();
  return sessionId;
}

describe('data push after a real call', () => {
  it('is configured by an administrator in the console API, and QA staff may neither read nor change it', async () => {
    const refused = await admin.call('/push/settings', { method: 'PUT', body: { url: 'file:///etc/passwd', cdr: true } });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'invalid', field: 'url' } });

    const saved = await admin.call('/push/settings', {
      method: 'PUT',
      body: { url: `${receiver.url}/push`, cdr: true, record: true, authMode: 'basic', username: 'crm', password: 'Receiver-pw-1' },
    });
    expect(saved.status).toBe(200);
    const view = await saved.json();
    expect(view).toMatchObject({ url: `${receiver.url}/push`, cdr: true, record: true, authMode: 'basic', username: 'crm', secretSet: true });
    const read = await admin.call('/push/settings');
    expect(await read.text()).not.toContain('Receiver-pw-1');
    expect((await admin.call('/push/settings', { method: 'PUT', body: { url: `${receiver.url}/push`, cdr: true }, csrf: null })).status).toBe(403);

    await addQa(center.server.folder.store, center.sdkAppId, 'qa-push@example.com', 'Qa-push-pass-1');
    const qa = await consoleSignIn(center.server.url, 'qa-push@example.com', 'Qa-push-pass-1');
    for (const [path, method] of [
      ['/push/settings', 'GET'],
      ['/push/settings', 'PUT'],
      ['/push/deliveries', 'GET'],
      ['/push/deliveries/1/resend', 'POST'],
      ['/push/test', 'POST'],
    ] as const) {
      const res = await qa.call(path, { method, ...(method === 'GET' ? {} : { body: { url: 'http://evil.example.com/', cdr: true } }) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await consoleErrorCode(res)).toBe('forbidden');
    }
    expect(await (await admin.call('/push/settings')).json()).toMatchObject({ url: `${receiver.url}/push` });
  });

  it('pushes the call record and the recording, and the delivery log shows them delivered', async () => {
    const sessionId = await answeredCall('008613900000071');
    const ofCall = (action: string) => (r: Received) => r.path === '/push' && r.query.get('action') === action && r.json?.['SessionId'] === sessionId;
    const [cdr, record] = await Promise.all([receiver.next(ofCall('cdr')), receiver.next(ofCall('record'))]);
    const stored = await recordOf(center, sessionId);

    for (const push of [cdr, record]) {
      expect(push.method).toBe('POST');
      expect(push.query.get('version')).toBe('1');
      expect(push.headers['content-type']).toBe('application/json;charset=utf8');
      expect(push.headers['x-tccc-push-uuid']).toMatch(/^[0-9a-f-]{36}$/);
      expect(push.headers.authorization).toBe(`Basic ${Buffer.from('crm:Receiver-pw-1').toString('base64')}`);
    }
    expect(cdr.headers['x-tccc-push-uuid']).not.toBe(record.headers['x-tccc-push-uuid']);
    // The CDR body is the record DescribeTelCdr answers (its link signed anew), with the instance.
    const { RecordURL: cdrUrl, ...cdrRest } = cdr.json!;
    const { RecordURL: storedUrl, ...storedRest } = stored as Record<string, unknown>;
    expect(cdrRest).toEqual({ ...storedRest, SdkAppId: center.sdkAppId });
    expect(cdrUrl).toMatch(new RegExp(`^${center.server.url}/recordings/v1/${center.sdkAppId}/\\d{4}-\\d\\d-\\d\\d/${sessionId}\\.wav\\?expires=\\d+&sig=`));
    expect(storedUrl).toEqual(expect.stringContaining(`/${sessionId}.wav?`));

    expect(record.json).toEqual({
      SdkAppId: center.sdkAppId,
      RecordId: sessionId,
      SessionId: sessionId,
      Timestamp: stored.EndedTimestamp,
      EndpointUser: stored.SeatUser?.Mail,
      RecordURL: expect.stringContaining(`/recordings/v1/${center.sdkAppId}/`),
    });
    const download = await fetch(record.json!['RecordURL'] as string);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('audio/wav');

    for (;;) {
      const res = await admin.call('/push/deliveries?pageSize=10');
      expect(res.status).toBe(200);
      const log = (await res.json()) as { total: number; items: Array<{ sessionId: string; action: string; state: string; attempts: number; uuid: string }> };
      const mine = log.items.filter((i) => i.sessionId === sessionId);
      if (mine.length === 2 && mine.every((i) => i.state === 'delivered')) {
        expect(mine.map((i) => [i.action, i.attempts])).toEqual([
          ['record', 1],
          ['cdr', 1],
        ]);
        expect(mine.find((i) => i.action === 'cdr')!.uuid).toBe(cdr.headers['x-tccc-push-uuid']);
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }, 90_000);

  it('sends a test push on request, outside the delivery log', async () => {
    const before = ((await (await admin.call('/push/deliveries')).json()) as { total: number }).total;
    const res = await admin.call('/push/test', { method: 'POST', body: {} });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { delivered: boolean; uuid: string; status: number };
    expect(result).toMatchObject({ delivered: true, status: 200, error: '' });
    const push = await receiver.next((r) => r.headers['x-tccc-push-uuid'] === result.uuid);
    expect(push.query.get('action')).toBe('cdr');
    expect(push.json).toMatchObject({ SdkAppId: center.sdkAppId, SessionId: `openccc-test-${result.uuid}` });
    expect(((await (await admin.call('/push/deliveries')).json()) as { total: number }).total).toBe(before);
    expect((await admin.call('/push/deliveries?state=lost')).status).toBe(400);
    expect((await admin.call('/push/deliveries/999999/resend', { method: 'POST', body: {} })).status).toBe(404);
  });
});
