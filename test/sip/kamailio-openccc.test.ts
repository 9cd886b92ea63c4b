/**
 * OpenCCC behind the Kamailio edge of deploy/kamailio: a carrier's call goes through the edge to
 * an OpenCCC node, which identifies the carrier's trunk by the edge's X-OpenCCC-Source-IP header
 * (the edge is a trusted proxy), and an agent answers it.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOf, signedInAgent, type TestAgent } from '../calls/support.js';
import { EDGE_DIR, startEdge, type Edge } from './support/kamailio-edge.js';
import { findFreePort } from './support/ports.js';
import { makeSippWorkdir, runSipp, SIPP_EXIT, type SippWorkdir } from './support/sipp.js';
import { sipCenter, type SipCenter } from './support/sip-center.js';

const HOST = '127.0.0.1';
const CARRIER = '127.0.0.2';

let center: SipCenter;
let edge: Edge | undefined;
let work: SippWorkdir;
const agents: TestAgent[] = [];

beforeAll(async () => {
  work = await makeSippWorkdir('openccc-edge-node-');
  center = await sipCenter({ flags: { 'sip-trusted-proxies': HOST } });
  await center.addTrunk({ name: 'carrier behind the edge', allow: [`${CARRIER}/32`] });
  edge = await startEdge({
    port: await findFreePort({ host: HOST }),
    nodes: [center.sipTarget],
    awaitUp: [center.sipTarget],
    trusted: [CARRIER],
    workdir: path.join(work.path, 'edge'),
  });
}, 60_000);

afterAll(async () => {
  for (const agent of agents) agent.hangupMedia();
  await edge?.stop();
  await center?.close();
  await work?.remove();
}, 30_000);

describe('OpenCCC behind the Kamailio edge', () => {
  it('takes a carrier call through the edge, answered by an agent, and records it', async () => {
    const agent = await signedInAgent(center);
    agents.push(agent);
    const callIn = agent.socket.nextEvent('callIn');
    const mediaPort = await findFreePort({ host: CARRIER, protocols: ['udp'], span: 4 });
    const localPort = await findFreePort({ host: CARRIER, protocols: ['udp'] });
    const run = runSipp(
      ['-sf', path.join(EDGE_DIR, 'test/uac-rr.xml'), `${HOST}:${edge!.port}`, '-s', center.hotline, '-i', CARRIER, '-p', String(localPort), '-mi', CARRIER, '-mp', String(mediaPort)].concat(['-m', '1', '-d', '3000']),
      { cwd: work.path, timeoutMs: 45_000 },
    );
    const offered = (await callIn).payload;
    // The carrier's number arrived as the caller, through the edge.
    expect(offered.sessionId).toEqual(expect.any(String));
    const reply = await agent.accept(offered.sessionId);
    expect(reply.ok).toBe(true);
    const result = await run;
    expect(result.code, `${result.stderr.slice(-1_500)}\n${edge?.stderr().slice(-2_000) ?? ''}`).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(result.stats).toMatchObject({ successful: 1, failed: 0 });
    const record = await recordOf(center, offered.sessionId);
    expect(record).toMatchObject({ Callee: center.hotline, SeatUser: { Mail: agent.mail } });
    expect(record.AcceptTimestamp).toBeGreaterThan(0);
  }, 60_000);

  it('refuses a call the edge forwards from a source that is on no trunk', async () => {
    const localPort = await findFreePort({ host: '127.0.0.4', protocols: ['udp'] });
    const mediaPort = await findFreePort({ host: '127.0.0.4', protocols: ['udp'], span: 4 });
    const result = await runSipp(
      ['-sf', path.join(EDGE_DIR, 'test/uac-rr.xml'), `${HOST}:${edge!.port}`, '-s', center.hotline, '-i', '127.0.0.4', '-p', String(localPort), '-mi', '127.0.0.4', '-mp', String(mediaPort)].concat(['-m', '1', '-recv_timeout', '10000']),
      { cwd: work.path, timeoutMs: 45_000 },
    );
    // Not a trunk: OpenCCC challenges it as it would a phone, so the call does not connect.
    expect(result.code).not.toBe(SIPP_EXIT.allCallsSucceeded);
    expect(result.stats).toMatchObject({ successful: 0 });
  }, 60_000);
});
