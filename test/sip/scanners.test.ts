import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIP_CORPUS } from '../../packages/server/src/sip/message/test-corpus.js';
import { seededRandom } from '../../packages/server/src/test-support/seeded-random.js';
import { signedInAgent, type TestAgent } from '../calls/support.js';
import { findFreePort } from './support/ports.js';
import { pingSip, runSipp, SIPP_EXIT } from './support/sipp.js';
import { sipCenter, type SipCenter } from './support/sip-center.js';

/**
 * sipvicious 0.3.3 (svmap, svwar, svcrack), an OPTIONS flood and mutated datagrams against a
 * server with SIP on and the default security settings, one extension and one IP trunk
 * (127.0.0.1). Each attacker uses a loopback address of its own, as attackers come from their
 * own addresses; the trunk's address must keep working throughout.
 */

const SCENARIOS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'sipp-scenarios');
const EXTENSION = '1001';

let center: SipCenter;
let agent: TestAgent;
let password: string;
let domain: string;
let work: string;

beforeAll(async () => {
  center = await sipCenter();
  await center.addTrunk({ name: 'carrier', allow: ['127.0.0.1/32'] });
  agent = await signedInAgent(center);
  await center.client.CreateExtension({ SdkAppId: center.sdkAppId, ExtensionId: EXTENSION, ExtensionName: 'Reception' });
  const account = await center.client.DescribeExtension({ SdkAppId: center.sdkAppId, ExtensionId: EXTENSION });
  if (typeof account.Password !== 'string' || typeof account.ExtensionDomain !== 'string') throw new Error(`no credentials in ${JSON.stringify(account)}`);
  password = account.Password;
  domain = account.ExtensionDomain;
  work = await mkdtemp(path.join(os.tmpdir(), 'openccc-scanners-'));
}, 60_000);

afterAll(async () => {
  agent?.socket.ws.terminate();
  await center?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/**
 * Runs a sipvicious tool from `bind` (a loopback address) to its end (killed after `timeoutMs`);
 * resolves with everything it printed. Its local port is a free one: left alone, it takes 5060 or
 * the next port up, and hears whatever else on the machine is sent there.
 */
async function sipvicious(tool: 'svmap' | 'svwar' | 'svcrack', bind: string, args: string[], timeoutMs = 60_000): Promise<{ code: number; output: string }> {
  const localPort = await findFreePort({ host: bind, protocols: ['udp'] });
  const child = spawn(tool, ['-b', bind, '-P', String(localPort), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${tool} ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

/** REGISTERs extension 1001 with `secret` from `address` (sipp, reg.xml); resolves with sipp's exit code. */
async function registerFrom(address: string, secret: string): Promise<number> {
  const users = path.join(work, `users-${address}.csv`);
  await writeFile(users, `SEQUENTIAL\n${EXTENSION};[authentication username=${EXTENSION} password=${secret}];${domain};600\n`);
  const result = await runSipp(['-sf', path.join(SCENARIOS, 'reg.xml'), '-inf', users, center.sipTarget, '-i', address, '-p', '0', '-m', '1', '-recv_timeout', '3000'], { timeoutMs: 30_000 });
  return result.code;
}

/** A legitimate carrier call from the trunk (sipp uac, 127.0.0.1) to the hotline, answered by the agent; resolves with sipp's exit code. */
async function trunkCall(): Promise<number> {
  const callIn = agent.socket.nextEvent('callIn');
  // The gateway answers the carrier at once (the queue plays); sipp hangs up 4 s later, time enough for the agent to take the call.
  const call = runSipp(['-sn', 'uac', center.sipTarget, '-s', center.hotline, '-i', '127.0.0.1', '-p', '0', '-m', '1', '-d', '4000', '-timeout', '30s'], { timeoutMs: 40_000 });
  const { sessionId } = (await callIn).payload;
  const reply = await agent.accept(sessionId);
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  const result = await call;
  agent.hangupMedia();
  return result.code;
}

/** Answers an OPTIONS from `localAddress` within `timeoutMs`: the status, or null for silence. */
async function optionsFrom(localAddress: string, timeoutMs = 2_000): Promise<number | null> {
  return pingSip('127.0.0.1', center.sipPort, { timeoutMs, localAddress }).catch(() => null);
}

/**
 * A UDP relay that rewrites sipvicious' `User-Agent: friendly-scanner` into a desk phone's: what an
 * attacker who changed the User-Agent would send. It listens on `listen`, forwards from `from`,
 * and counts the server's answers by status.
 */
async function disguisingRelay(listen: string, from: string): Promise<{ port: number; statuses: Map<number, number>; close: () => void }> {
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  await Promise.all([new Promise<void>((resolve) => front.bind(0, listen, resolve)), new Promise<void>((resolve) => back.bind(0, from, resolve))]);
  const statuses = new Map<number, number>();
  let client: dgram.RemoteInfo | undefined;
  front.on('message', (message, source) => {
    client = source;
    back.send(Buffer.from(message.toString('latin1').replace(/^User-Agent:.*$/im, 'User-Agent: Yealink SIP-T46S'), 'latin1'), center.sipPort, '127.0.0.1');
  });
  back.on('message', (message) => {
    const status = /^SIP\/2\.0 (\d{3})/.exec(message.toString('latin1'))?.[1];
    if (status) statuses.set(Number(status), (statuses.get(Number(status)) ?? 0) + 1);
    if (client) front.send(message, client.port, client.address);
  });
  return {
    port: front.address().port,
    statuses,
    close: () => {
      front.close();
      back.close();
    },
  };
}

describe('sipvicious', () => {
  it('svmap finds nothing: the scanner is dropped without an answer', async () => {
    const { output } = await sipvicious('svmap', '127.0.0.31', ['127.0.0.1', '-p', String(center.sipPort)]);
    expect(output).toMatch(/found nothing/);
    expect(output).not.toContain(`127.0.0.1:${center.sipPort}`);
  }, 90_000);

  it('svwar learns nothing that tells an existing extension from a missing one, by REGISTER or INVITE, even disguised as a desk phone', async () => {
    let host = 60;
    /** svwar's output for one extension, straight or through a disguising relay, each run from fresh addresses. */
    const scan = async (extension: string, method: 'REGISTER' | 'INVITE', disguised: boolean) => {
      const relay = disguised ? await disguisingRelay(`127.0.0.${host++}`, `127.0.0.${host++}`) : null;
      try {
        const target = relay ? ['-p', String(relay.port), `127.0.0.${host - 2}`] : ['-p', String(center.sipPort), '127.0.0.1'];
        const { output } = await sipvicious('svwar', `127.0.0.${host++}`, ['-e', extension, '-m', method, '--domain', domain, ...target]);
        return { output: output.replaceAll(extension, 'N'), statuses: [...(relay?.statuses.keys() ?? [])].sort() };
      } finally {
        relay?.close();
      }
    };
    for (const method of ['REGISTER', 'INVITE'] as const) {
      for (const disguised of [false, true]) {
        const existing = await scan(EXTENSION, method, disguised);
        const missing = await scan('1009', method, disguised);
        expect(existing).toEqual(missing);
        expect(existing.output).toMatch(/found nothing/);
        // Disguised, it is answered, with the same challenge whether the extension exists or not.
        expect(existing.statuses).toEqual(disguised ? [method === 'REGISTER' ? 401 : 407] : []);
      }
    }
    // A whole range from one address: no extension is reported either.
    const range = await sipvicious('svwar', '127.0.0.36', ['-e', '1000-1010', '-m', 'REGISTER', '--domain', domain, '-p', String(center.sipPort), '127.0.0.1']);
    expect(range.output).toMatch(/found nothing/);
    expect(range.output).not.toMatch(/\| *10\d\d *\|/);
  }, 240_000);

  it('svcrack does not find the password at position 30, even disguised as a desk phone: the guards stop it first', async () => {
    const words = Array.from({ length: 40 }, (_, i) => (i === 29 ? password : `guess${i}x${password.slice(0, 4)}`));
    const dictionary = path.join(work, 'words.txt');
    await writeFile(dictionary, `${words.join('\n')}\n`);

    const plain = await sipvicious('svcrack', '127.0.0.41', ['-u', EXTENSION, '-d', dictionary, '--domain', domain, '-p', String(center.sipPort), '127.0.0.1']);
    expect(plain.output).not.toContain(password);

    const relay = await disguisingRelay('127.0.0.42', '127.0.0.43');
    try {
      const disguised = await sipvicious('svcrack', '127.0.0.44', ['-u', EXTENSION, '-d', dictionary, '--domain', domain, '-p', String(relay.port), '127.0.0.42']);
      expect(disguised.output).not.toContain(password);
      // The disguised cracker was answered (the User-Agent drop did not stop it), and only ever challenged.
      expect(relay.statuses.get(401) ?? 0, disguised.output).toBeGreaterThan(0);
      expect(relay.statuses.get(200)).toBeUndefined();
    } finally {
      relay.close();
    }
    // Its address is locked out even with the right password; the phone's own address is not.
    expect(await registerFrom('127.0.0.43', password)).toBe(SIPP_EXIT.someCallsFailed);
    expect(await registerFrom('127.0.0.45', password)).toBe(SIPP_EXIT.allCallsSucceeded);
  }, 180_000);

  it('leaves the server up: the trunk\'s OPTIONS and calls are answered afterwards', async () => {
    expect(await optionsFrom('127.0.0.1')).toBe(200);
    expect(await trunkCall()).toBe(SIPP_EXIT.allCallsSucceeded);
  }, 60_000);
});

describe('floods and malformed datagrams', () => {
  it('bans a source that sends 200 OPTIONS in a burst, while the trunk\'s address keeps working', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.51', resolve));
    let answers = 0;
    socket.on('message', () => answers++);
    try {
      const local = socket.address();
      for (let i = 0; i < 200; i++) {
        const request = [
          `OPTIONS sip:127.0.0.1:${center.sipPort} SIP/2.0`,
          `Via: SIP/2.0/UDP ${local.address}:${local.port};branch=z9hG4bK-burst-${i};rport`,
          `From: <sip:probe@${local.address}>;tag=burst${i}`,
          `To: <sip:127.0.0.1:${center.sipPort}>`,
          `Call-ID: burst-${i}@${local.address}`,
          'CSeq: 1 OPTIONS',
          'Max-Forwards: 70',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
        await new Promise<void>((resolve, reject) => socket.send(request, center.sipPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      }
      // Silence from the flooder's address; the trunk's address is answered at once.
      expect(await optionsFrom('127.0.0.51')).toBeNull();
      expect(await optionsFrom('127.0.0.1')).toBe(200);
      // The first requests of the window were answered, the rest dropped (the default window is 16 per 2 s).
      expect(answers).toBeGreaterThan(0);
      expect(answers).toBeLessThanOrEqual(16);
    } finally {
      socket.close();
    }
  }, 30_000);

  it('survives 2,000 mutated datagrams and still answers OPTIONS and a trunk call', async () => {
    const random = seededRandom(0x5ca11e);
    const inserts = ['\r\n', '\r\n\r\n', '\0', ':', ';', '<', '>', ' ', '%', '99999999999999999999', '-1', 'é'];
    const mutate = (data: Buffer): Buffer => {
      const at = Math.floor(random() * (data.length + 1));
      switch (Math.floor(random() * 4)) {
        case 0: {
          const copy = Buffer.from(data);
          const index = Math.min(at, copy.length - 1);
          if (index >= 0) copy[index] = copy[index]! ^ (1 << Math.floor(random() * 8));
          return copy;
        }
        case 1:
          return data.subarray(0, at);
        case 2:
          return Buffer.concat([data.subarray(0, at), data.subarray(at + Math.floor(random() * 16))]);
        default:
          return Buffer.concat([data.subarray(0, at), Buffer.from(inserts[Math.floor(random() * inserts.length)]!, 'utf8'), data.subarray(at)]);
      }
    };
    // From the trunk's address, which the flood guard trusts: every datagram reaches the parser.
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    try {
      for (let i = 0; i < 2_000; i++) {
        let data = SIP_CORPUS[Math.floor(random() * SIP_CORPUS.length)]!.data;
        for (let round = 1 + Math.floor(random() * 3); round > 0; round--) data = mutate(data);
        await new Promise<void>((resolve) => socket.send(data, center.sipPort, '127.0.0.1', () => resolve()));
        if (i % 500 === 499) expect(await optionsFrom('127.0.0.1')).toBe(200);
      }
    } finally {
      socket.close();
    }
    expect(await optionsFrom('127.0.0.1')).toBe(200);
    expect(await trunkCall()).toBe(SIPP_EXIT.allCallsSucceeded);
  }, 120_000);
});
