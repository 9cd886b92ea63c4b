import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPhone, callCenter, signedInAgent, type CallCenter } from './support.js';

/** A skill group's own routing settings (`openccc group routing`) reach the calls. */
let center: CallCenter;
const phones: TestPhone[] = [];

beforeAll(async () => {
  center = await callCenter();
}, 60_000);

afterAll(async () => {
  for (const phone of phones) phone.close();
  await center.close();
});

describe('per-group routing', () => {
  it('rings with the group’s own timeout, and overflows to another group when nobody of the first is online', async () => {
    const store = center.server.folder.store;
    const overflow = await center.client.CreateCCCSkillGroup({ SdkAppId: center.sdkAppId, SkillGroupName: 'Overflow', SkillGroupType: 0, MaxConcurrency: 1 });
    const overflowId = overflow.SkillGroupId as number;
    expect(await store.groupRouting.set(center.sdkAppId, center.groupId, { overflowGroupId: overflowId }, Date.now())).toBe(true);
    expect(await store.groupRouting.set(center.sdkAppId, overflowId, { ringTimeoutSeconds: 12 }, Date.now())).toBe(true);
    // Nobody of the hotline's group is online; the only agent is in the overflow group.
    const agent = await signedInAgent(center, [overflowId]);
    const caller = await TestPhone.open(center.server.url, '008613900000077');
    phones.push(caller);
    const { callId } = await caller.dial(center.hotline);
    const callIn = await agent.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ type: 'phone', timeout: 12, callerPhoneNumber: '008613900000077' });
    caller.send({ type: 'hangup', callId });
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId: callIn.payload.sessionId, closeBy: 'client' });
  }, 60_000);
});
