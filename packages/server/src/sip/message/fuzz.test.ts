import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test-support/seeded-random.js';
import { formatAuthHeader, parseAuthHeader } from './auth-params.js';
import { findMessageEnd } from './framing.js';
import type { SipLimits } from './limits.js';
import { formatNameAddr, parseNameAddr } from './name-addr.js';
import { parseSipMessage } from './parse.js';
import { serializeSipMessage } from './serialize.js';
import { messageSnapshot, SIP_CORPUS } from './test-corpus.js';
import { formatUri, parseUri } from './uri.js';
import { formatVia, parseVia } from './via.js';

const ITERATIONS = 20_000;
const SEED = 0x5eed_51b;

const INSERTS = ['\r', '\n', '\r\n', '\r\n\r\n', '\0', '"', '\\', '<', '>', ',', ';', ':', ' ', '\t', '%', '=', '@', '[', ']', '99999999999999999999', '-1', '4294967296', '2147483648', '0', 'é', '\u00ff'];

/** One random change of the kinds a broken or hostile peer produces. */
function mutate(data: Buffer, random: () => number): Buffer {
  const at = Math.floor(random() * (data.length + 1));
  switch (Math.floor(random() * 6)) {
    case 0: {
      if (data.length === 0) return data;
      const copy = Buffer.from(data);
      const index = Math.min(at, data.length - 1);
      copy[index] = copy[index]! ^ (1 << Math.floor(random() * 8));
      return copy;
    }
    case 1:
      return data.subarray(0, at);
    case 2: {
      const length = Math.floor(random() * 64);
      return Buffer.concat([data.subarray(0, at), data.subarray(at, at + length), data.subarray(at)]);
    }
    case 3: {
      const length = Math.floor(random() * 16);
      return Buffer.concat([data.subarray(0, at), data.subarray(at + length)]);
    }
    default: {
      const insert = INSERTS[Math.floor(random() * INSERTS.length)]!;
      return Buffer.concat([data.subarray(0, at), Buffer.from(insert, 'utf8'), data.subarray(at)]);
    }
  }
}

function mutant(random: () => number): Buffer {
  let data = SIP_CORPUS[Math.floor(random() * SIP_CORPUS.length)]!.data;
  const rounds = 1 + Math.floor(random() * 4);
  for (let i = 0; i < rounds; i++) data = mutate(data, random);
  return data;
}

/** Parses mutants under `limits`; every accepted one must serialise and re-parse, under the same limits, to an equal message. */
function checkRoundTrips(seed: number, iterations: number, limits?: Partial<SipLimits>): number {
  const random = seededRandom(seed);
  let accepted = 0;
  for (let iteration = 0; iteration < iterations; iteration++) {
    const data = mutant(random);
    const result = parseSipMessage(data, limits);
    if (!result.ok) {
      expect(typeof result.error).toBe('string');
      continue;
    }
    accepted++;
    const context = `seed ${seed}, iteration ${iteration}: ${JSON.stringify(data.toString('latin1'))}`;
    const wire = serializeSipMessage(result.message);
    const again = parseSipMessage(wire, limits);
    if (!again.ok) expect.fail(`${context} re-parse failed: ${again.error}`);
    expect(messageSnapshot(again.message), context).toEqual(messageSnapshot(result.message));
    expect(serializeSipMessage(again.message).equals(wire), context).toBe(true);
  }
  return accepted;
}

describe('fuzzing the parser with mutated corpus messages', () => {
  it(`never throws, and every accepted message round-trips (seed ${SEED}, ${ITERATIONS} iterations)`, () => {
    const accepted = checkRoundTrips(SEED, ITERATIONS);
    // The mutations must leave enough messages valid for the round-trip check to mean something.
    expect(accepted).toBeGreaterThan(ITERATIONS / 10);
    expect(accepted).toBeLessThan(ITERATIONS);
  });

  it('keeps the round trip within tight limits, where expanding compact names and lists could overflow them', () => {
    const limits = { maxMessageBytes: 640, maxHeaders: 14, maxHeaderLineBytes: 96, maxBodyBytes: 260 };
    const accepted = checkRoundTrips(SEED + 3, ITERATIONS / 2, limits);
    expect(accepted).toBeGreaterThan(ITERATIONS / 200);
  });

  it('framing never throws and never claims more bytes than it has', () => {
    const random = seededRandom(SEED + 1);
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const data = mutant(random);
      const end = findMessageEnd(data);
      if ('complete' in end && end.complete) {
        expect(end.length).toBeGreaterThan(0);
        expect(end.length).toBeLessThanOrEqual(data.length);
      }
    }
  });

  it('header accessors never throw, and what they accept formats back to an equal value', () => {
    const random = seededRandom(SEED + 2);
    const values = SIP_CORPUS.flatMap((entry) => {
      const result = parseSipMessage(entry.data);
      return result.ok ? result.message.headers.entries().map(([name, value]) => ({ name, value })) : [];
    });
    const checks = { Via: 0, NameAddr: 0, Uri: 0, Auth: 0 };
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      const source = values[Math.floor(random() * values.length)]!;
      const text = mutate(Buffer.from(source.value, 'utf8'), random).toString('utf8');
      const via = parseVia(text);
      if (via) {
        checks.Via++;
        expect(parseVia(formatVia(via)), text).toEqual(via);
      }
      const nameAddr = parseNameAddr(text);
      if (nameAddr) {
        checks.NameAddr++;
        expect(parseNameAddr(formatNameAddr(nameAddr)), text).toEqual(nameAddr);
        const uri = parseUri(nameAddr.uri);
        if (uri) {
          checks.Uri++;
          expect(parseUri(formatUri(uri)), nameAddr.uri).toEqual(uri);
        }
      }
      const auth = parseAuthHeader(text);
      if (auth) {
        checks.Auth++;
        expect(parseAuthHeader(formatAuthHeader(auth.scheme, auth.params)), text).toEqual(auth);
      }
    }
    for (const count of Object.values(checks)) expect(count).toBeGreaterThan(100);
  });
});
