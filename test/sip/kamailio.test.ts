/**
 * The Kamailio SIP edge (deploy/kamailio) in front of stand-in OpenCCC nodes. Swapping in a
 * real node only changes the node address given to run-local.sh.
 *
 * On 127.0.0.1: the edge; node A, a sipp UAS that mirrors Record-Route, answers OPTIONS
 * probes and echoes RTP; node C, which answers probes but refuses calls with 503; and node B,
 * which never answers probes and places an outbound call in one test.
 * Other sources: 127.0.0.2 is a trusted carrier (it also answers calls from the nodes),
 * 127.0.0.3 floods, 127.0.0.4 is an untrusted but well-behaved peer, 127.0.0.5 scans.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, type Edge } from './support/kamailio-edge.js';
import { findFreePort } from './support/ports.js';
import {
  makeSippWorkdir,
  pingSip,
  runSipp,
  SIPP_EXIT,
  startSipp,
  type BackgroundSipp,
  type SippResult,
  type SippWorkdir,
} from './support/sipp.js';

const execFileAsync = promisify(execFile);

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const edgeDir = path.join(repoRoot, 'deploy/kamailio');
const uasScenario = path.join(edgeDir, 'test/uas-rr.xml');
const uacScenario = path.join(edgeDir, 'test/uac-rr.xml');
const refusingScenario = path.join(edgeDir, 'test/uas-503.xml');

const HOST = '127.0.0.1';
const CARRIER = '127.0.0.2';
const FLOODER = '127.0.0.3';
const PEER = '127.0.0.4';
const SCANNER = '127.0.0.5';
/** The forged source header uac-rr.xml sends; the edge must never pass it on. */
const FORGED_SOURCE = '198.51.100.66';

/** A sipp UAS with its message trace. */
interface Peer {
  readonly host: string;
  readonly port: number;
  readonly messages: string;
  readonly sipp: BackgroundSipp;
}

let work: SippWorkdir;
const running: BackgroundSipp[] = [];
let edge: Edge | undefined;
let nodeA: Peer;
let nodeC: Peer;
let carrier: Peer;
let nodeBPort: number;

beforeAll(async () => {
  work = await makeSippWorkdir('openccc-edge-test-');
  [nodeA, nodeC, carrier] = await Promise.all([
    startUas('node-a', HOST, uasScenario),
    startUas('node-c', HOST, refusingScenario),
    startUas('carrier', CARRIER, uasScenario),
  ]);
  nodeBPort = await findFreePort({ host: HOST });
  edge = await startEdge({
    port: await findFreePort({ host: HOST }),
    nodes: [`${HOST}:${nodeA.port}`, `${HOST}:${nodeBPort}`, `${HOST}:${nodeC.port}`],
    awaitUp: [`${HOST}:${nodeA.port}`, `${HOST}:${nodeC.port}`],
    trusted: [CARRIER],
    workdir: path.join(work.path, 'edge'),
  });
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([edge?.stop(), ...running.map((sipp) => sipp.stop())]);
  await work?.remove();
}, 30_000);

async function startUas(name: string, host: string, scenario: string): Promise<Peer> {
  const port = await findFreePort({ host });
  const mediaPort = await findFreePort({ host, protocols: ['udp'], span: 4 });
  const messages = path.join(work.path, `${name}-messages.log`);
  const sipp = await startSipp(
    ['-sf', scenario, '-aa', '-rtp_echo', '-i', host, '-p', String(port), '-mi', host, '-mp', String(mediaPort)]
      .concat(['-trace_msg', '-message_file', messages]),
    { cwd: work.path, readyWhenAnswering: { host, port } },
  );
  running.push(sipp);
  return { host, port, messages, sipp };
}

describe('Kamailio edge in front of an OpenCCC node', () => {
  it('probes the nodes with OPTIONS: those answering are active, the silent one is not', async () => {
    const list = await kamcmd(edge!, 'dispatcher.list');
    expect(list).toMatch(new RegExp(`URI: sip:${escape(HOST)}:${nodeA.port}\\s+FLAGS: AP`));
    expect(list).toMatch(new RegExp(`URI: sip:${escape(HOST)}:${nodeC.port}\\s+FLAGS: AP`));
    expect(list).toMatch(new RegExp(`URI: sip:${escape(HOST)}:${nodeBPort}\\s+FLAGS: I`));
  });

  it('answers OPTIONS keepalives itself', async () => {
    const status = await pingSip(HOST, edge!.port, { timeoutMs: 5_000, localAddress: PEER });
    expect(status).toBe(200);
  });

  it('carries 20 calls from a carrier to a node and back, failing over from the node that refuses', async () => {
    const result = await placeCalls(CARRIER, { calls: 20, rate: 10 });

    expect(result.code, describeRun(result)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(result.stats).toMatchObject({ created: 20, successful: 20, failed: 0, unexpectedMessages: 0 });
    expect(result.stats?.outOfCallMessages).toBe(0);

    // Call-ID hashing sent some calls to node C first; its 503 moved them on to node A.
    const refused = (await receivedRequests(nodeC)).filter((request) => request.method === 'INVITE' && request.from === CARRIER);
    expect(refused.length).toBeGreaterThan(0);

    const received = await receivedRequests(nodeA);
    const invites = received.filter((request) => request.method === 'INVITE' && request.from === CARRIER);
    const byes = received.filter((request) => request.method === 'BYE' && request.from === CARRIER);
    expect(new Set(invites.map((request) => request.callId)).size).toBe(20);
    expect(new Set(byes.map((request) => request.callId)).size).toBe(20);
    // The edge replaced the forged header with the real source, exactly once per request.
    for (const request of invites.concat(byes)) expect(request.sourceHeaders).toEqual([CARRIER]);
    // And stayed in the dialog: every INVITE reached the node record-routed.
    for (const invite of invites) expect(invite.text).toMatch(new RegExp(`^Record-Route: <sip:${escape(HOST)}:${edge!.port};lr>`, 'm'));
  }, 60_000);

  it('bans a flooding address while carriers and well-behaved peers still get through', async () => {
    const flood = await placeCalls(FLOODER, { calls: 120, rate: 60, recvTimeoutMs: 2_000 });
    expect(flood.code, describeRun(flood)).toBe(SIPP_EXIT.someCallsFailed);
    expect(flood.stats?.created).toBe(120);
    expect(flood.stats?.failed).toBeGreaterThanOrEqual(96);
    expect(await kamcmd(edge!, 'htable.dump', 'ipban')).toContain(`name: ${FLOODER}`);

    const later = await placeCalls(FLOODER, { calls: 3, rate: 1, recvTimeoutMs: 1_000 });
    expect(later.stats).toMatchObject({ created: 3, successful: 0, failed: 3 });

    const carrier = await placeCalls(CARRIER, { calls: 5, rate: 5 });
    expect(carrier.code, describeRun(carrier)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(carrier.stats).toMatchObject({ successful: 5, failed: 0 });

    const peer = await placeCalls(PEER, { calls: 2, rate: 1 });
    expect(peer.code, describeRun(peer)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(peer.stats).toMatchObject({ successful: 2, failed: 0 });

    const banned = await kamcmd(edge!, 'htable.dump', 'ipban');
    expect(banned).not.toContain(`name: ${CARRIER}`);
    expect(banned).not.toContain(`name: ${PEER}`);
  }, 90_000);

  it("relays a node's call out to its Request-URI, but sends the same call from outside to a node", async () => {
    const outbound = await placeCalls(HOST, { calls: 3, rate: 3, localPort: nodeBPort, target: carrier });
    expect(outbound.code, describeRun(outbound)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(outbound.stats).toMatchObject({ successful: 3, failed: 0 });

    const atCarrier = (await receivedRequests(carrier)).filter((request) => request.from === HOST);
    const invites = atCarrier.filter((request) => request.method === 'INVITE');
    expect(new Set(invites.map((request) => request.callId)).size).toBe(3);
    expect(atCarrier.filter((request) => request.method === 'BYE')).not.toHaveLength(0);
    for (const invite of invites) {
      expect(invite.text).toMatch(new RegExp(`^Record-Route: <sip:${escape(HOST)}:${edge!.port};lr>`, 'm'));
      expect(invite.sourceHeaders).toEqual([]);
    }

    // Not an open relay: from outside, a Request-URI naming the carrier still ends at a node.
    const relayAttempt = await placeCalls(PEER, { calls: 2, rate: 1, target: carrier });
    expect(relayAttempt.code, describeRun(relayAttempt)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect((await receivedRequests(carrier)).filter((request) => request.from === PEER)).toEqual([]);
    const atNode = (await receivedRequests(nodeA)).filter((request) => request.method === 'INVITE' && request.from === PEER);
    expect(atNode.filter((request) => request.text.startsWith(`INVITE sip:service@${CARRIER}:${carrier.port} `))).toHaveLength(2);
  }, 60_000);

  it('is invisible to svmap, which does find the node behind it', async () => {
    const throughEdge = await svmap(HOST, edge!.port);
    expect(throughEdge.stdout).not.toContain(`${HOST}:${edge!.port}`);
    expect(throughEdge.stderr).toContain('found nothing');

    // The same scan straight at the node finds it, so the silence above is the edge's doing.
    const direct = await svmap(HOST, nodeA.port);
    expect(direct.stdout).toContain(`${HOST}:${nodeA.port}`);
  }, 60_000);
});

interface CallOptions {
  calls: number;
  rate: number;
  recvTimeoutMs?: number;
  /** Source port (default: a free one). */
  localPort?: number;
  /** Whom the Request-URI names (default: the edge); the calls are sent to the edge either way. */
  target?: Peer;
}

/** Runs uac-rr.xml from `source` through the edge. */
async function placeCalls(source: string, options: CallOptions): Promise<SippResult> {
  const localPort = options.localPort ?? (await findFreePort({ host: source, protocols: ['udp'] }));
  const mediaPort = await findFreePort({ host: source, protocols: ['udp'], span: 4 });
  const edgeAddress = `${HOST}:${edge!.port}`;
  const target = options.target ? ['-rsa', edgeAddress, `${options.target.host}:${options.target.port}`] : [edgeAddress];
  const args = ['-sf', uacScenario, ...target, '-i', source, '-p', String(localPort)]
    .concat(['-mi', source, '-mp', String(mediaPort), '-m', String(options.calls), '-r', String(options.rate)])
    .concat(options.recvTimeoutMs === undefined ? [] : ['-recv_timeout', String(options.recvTimeoutMs)]);
  return runSipp(args, { cwd: work.path, timeoutMs: 45_000 });
}

interface ReceivedRequest {
  method: string;
  callId: string;
  /** The source the Via chain names first: the UAC behind the edge. */
  from: string;
  /** Every X-OpenCCC-Source-IP value, in order, whatever the header's case. */
  sourceHeaders: string[];
  text: string;
}

/** The requests a sipp UAS received, from its message trace. */
async function receivedRequests(peer: Peer): Promise<ReceivedRequest[]> {
  const log = await readFile(peer.messages, 'latin1').catch(() => '');
  const messages = log.split(/^.*message received \[\d+\] bytes :\s*$/m).slice(1);
  const requests: ReceivedRequest[] = [];
  for (const raw of messages) {
    const text = raw.split(/^-{10,}/m)[0]!.replace(/^\s+/, '');
    const method = /^([A-Z]+) sip:/.exec(text)?.[1];
    if (method === undefined) continue;
    const vias = [...text.matchAll(/^Via: SIP\/2\.0\/\w+ ([^:;\s]+)/gim)].map((match) => match[1]!);
    requests.push({
      method,
      callId: /^Call-ID:\s*(\S+)/im.exec(text)?.[1] ?? '',
      from: vias[vias.length - 1] ?? '',
      sourceHeaders: [...text.matchAll(/^X-OpenCCC-Source-IP:\s*(\S+)/gim)].map((match) => match[1]!),
      text,
    });
  }
  expect(log).not.toContain(FORGED_SOURCE);
  return requests;
}

async function kamcmd(target: Edge, ...command: string[]): Promise<string> {
  const { stdout } = await execFileAsync('kamcmd', ['-s', target.ctlSocket, ...command], { timeout: 10_000 });
  return stdout;
}

async function svmap(host: string, port: number): Promise<{ stdout: string; stderr: string }> {
  // svmap keeps sessions under $HOME/.sipvicious; keep them in the test's directory.
  const env = { ...process.env, HOME: work.path };
  const { stdout, stderr } = await execFileAsync('svmap', [host, '-p', String(port), '-b', SCANNER], {
    env,
    timeout: 30_000,
  });
  return { stdout, stderr };
}

function describeRun(result: SippResult): string {
  const counters = result.stats ? JSON.stringify({ ...result.stats, columns: undefined }) : 'no statistics';
  return `sipp exited ${result.code}: ${counters}\n${result.stderr.slice(-1_500)}\n${edge?.stderr().slice(-3_000) ?? ''}`;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
