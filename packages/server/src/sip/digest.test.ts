import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseAuthHeader } from './message/auth-params.js';
import { answerChallenge, digestHa1, DigestServer, type DigestAlgorithm } from './digest.js';

const SECRET = Buffer.alloc(32, 7);
const REALM = 'pbx.example.com';
const REGISTER = { method: 'REGISTER', uri: 'sip:pbx.example.com' };

function setup(options: { algorithm?: DigestAlgorithm; nonceTtlMs?: number; maxTrackedNonces?: number; opaque?: string } = {}) {
  const clock = { ms: 1_700_000_000_000 };
  const server = new DigestServer({ realm: REALM, secret: SECRET, now: () => clock.ms, ...options });
  const algorithm = options.algorithm ?? 'MD5';
  const users = new Map([['1001', digestHa1(algorithm, '1001', REALM, 'correct horse battery')]]);
  const lookup = (username: string, realm: string) => (realm === REALM ? users.get(username) : undefined);
  return { clock, server, lookup };
}

function authorize(challenge: string, password = 'correct horse battery', nc = 1, username = '1001'): string {
  return answerChallenge(challenge, { username, password }, REGISTER, { nc, cnonce: 'c0ffee' });
}

describe('digestHa1 and answerChallenge', () => {
  it('reproduces the RFC 2617 §3.5 worked example', () => {
    expect(digestHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life')).toBe('939e7578ed9e3c518a452acee763bce9');
    const challenge = 'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
    const answer = answerChallenge(challenge, { username: 'Mufasa', password: 'Circle Of Life' }, { method: 'GET', uri: '/dir/index.html' }, { nc: 1, cnonce: '0a4f113b' });
    expect(answer).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(answer).toContain('nc=00000001');
    expect(answer).toContain('qop=auth');
    expect(answer).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  });

  it('reproduces the RFC 7616 §3.9.1 SHA-256 example', () => {
    const challenge = 'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
    const answer = answerChallenge(challenge, { username: 'Mufasa', password: 'Circle of Life' }, { method: 'GET', uri: '/dir/index.html' }, { nc: 1, cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' });
    expect(answer).toContain('response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"');
    expect(answer).toContain('algorithm=SHA-256');
  });

  it('answers a challenge without qop with the RFC 2069 response and no nc', () => {
    const answer = answerChallenge('Digest realm="carrier", nonce="abc"', { username: 'trunk', password: 'pw' }, { method: 'INVITE', uri: 'sip:100@carrier' });
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const expected = md5(`${digestHa1('MD5', 'trunk', 'carrier', 'pw')}:abc:${md5('INVITE:sip:100@carrier')}`);
    expect(answer).toBe(`Digest username="trunk", realm="carrier", nonce="abc", uri="sip:100@carrier", response="${expected}", algorithm=MD5`);
  });

  it('refuses challenges it cannot answer, saying why', () => {
    expect(() => answerChallenge('Basic realm="x"', { username: 'a', password: 'b' }, REGISTER)).toThrow(/Not a Digest challenge/);
    expect(() => answerChallenge('Digest nonce="n"', { username: 'a', password: 'b' }, REGISTER)).toThrow(/no realm/);
    expect(() => answerChallenge('Digest realm="r", nonce="n", algorithm=MD5-sess', { username: 'a', password: 'b' }, REGISTER)).toThrow(/MD5-sess/);
    expect(() => answerChallenge('Digest realm="r", nonce="n", qop="auth-int"', { username: 'a', password: 'b' }, REGISTER)).toThrow(/auth-int/);
  });

  it('escapes quotes and backslashes in quoted values', () => {
    const answer = answerChallenge('Digest realm="a\\"b", nonce="n"', { username: 'x"y\\z', password: 'p' }, REGISTER);
    expect(answer).toContain('username="x\\"y\\\\z"');
    expect(answer).toContain('realm="a\\"b"');
  });
});

describe('DigestServer', () => {
  it('accepts what answerChallenge computes, for MD5 and SHA-256', () => {
    for (const algorithm of ['MD5', 'SHA-256'] as const) {
      const { server, lookup } = setup({ algorithm });
      const challenge = server.challenge();
      expect(challenge).toMatch(new RegExp(`^Digest realm="pbx.example.com", nonce="[A-Za-z0-9_-]+", algorithm=${algorithm}, qop="auth"$`));
      expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge) }, lookup)).toEqual({ result: 'ok', username: '1001' });
    }
  });

  it('accepts increasing nonce counts on one nonce and refuses a repeated or lower one', () => {
    const { server, lookup } = setup();
    const challenge = server.challenge();
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge, undefined, 1) }, lookup).result).toBe('ok');
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge, undefined, 2) }, lookup).result).toBe('ok');
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge, undefined, 2) }, lookup)).toEqual({ result: 'replay', username: '1001' });
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge, undefined, 1) }, lookup).result).toBe('replay');
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge, undefined, 5) }, lookup).result).toBe('ok');
  });

  it('hashes the nonce count as the client wrote it, in either case', () => {
    const { server, lookup } = setup();
    const challenge = server.challenge();
    const nonce = /nonce="([^"]+)"/.exec(challenge)![1]!;
    const md5 = (text: string) => createHash('md5').update(text).digest('hex');
    const ha1 = digestHa1('MD5', '1001', REALM, 'correct horse battery');
    const response = md5(`${ha1}:${nonce}:0000000A:c0ffee:auth:${md5('REGISTER:sip:pbx.example.com')}`);
    const authorization = `Digest username="1001", realm="${REALM}", nonce="${nonce}", uri="sip:pbx.example.com", response="${response.toUpperCase()}", qop=auth, nc=0000000A, cnonce="c0ffee"`;
    expect(server.verify({ method: 'REGISTER', authorization }, lookup).result).toBe('ok');
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge, undefined, 10) }, lookup).result).toBe('replay');
  });

  it('does not let a wrong response burn nonce counts', () => {
    const { server, lookup } = setup();
    const challenge = server.challenge();
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge, 'guess', 0xffffffff) }, lookup).result).toBe('badResponse');
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge, undefined, 1) }, lookup).result).toBe('ok');
  });

  it('answers stale for right credentials on an expired nonce, and badResponse for wrong ones', () => {
    const { clock, server, lookup } = setup({ nonceTtlMs: 60_000 });
    const challenge = server.challenge();
    clock.ms += 60_000;
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge) }, lookup).result).toBe('ok');
    clock.ms += 1;
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge, undefined, 2) }, lookup)).toEqual({ result: 'stale', username: '1001' });
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge, 'wrong', 3) }, lookup).result).toBe('badResponse');
    expect(server.challenge({ stale: true })).toMatch(/, stale=true$/);
  });

  it('refuses a tampered nonce and a nonce signed with another secret', () => {
    const { server, lookup } = setup();
    const nonce = /nonce="([^"]+)"/.exec(server.challenge())![1]!;
    const flipped = (nonce[3] === 'A' ? 'B' : 'A');
    const tampered = `Digest realm="${REALM}", nonce="${nonce.slice(0, 3)}${flipped}${nonce.slice(4)}", qop="auth"`;
    expect(server.verify({ method: 'REGISTER', authorization: authorize(tampered) }, lookup).result).toBe('badResponse');

    const other = new DigestServer({ realm: REALM, secret: Buffer.alloc(32, 9), now: () => 1_700_000_000_000 });
    expect(server.verify({ method: 'REGISTER', authorization: authorize(other.challenge()) }, lookup).result).toBe('badResponse');
  });

  it('refuses a wrong password, another method and another realm', () => {
    const { server, lookup } = setup();
    const challenge = server.challenge();
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge, 'wrong') }, lookup)).toEqual({ result: 'badResponse', username: '1001' });
    expect(server.verify({ method: 'INVITE', authorization: authorize(challenge) }, lookup).result).toBe('badResponse');
    const otherRealm = authorize(challenge).replace(`realm="${REALM}"`, 'realm="elsewhere"');
    expect(server.verify({ method: 'REGISTER', authorization: otherRealm }, lookup)).toEqual({ result: 'wrongRealm', username: '1001' });
  });

  it('gives an unknown user the same shape of answer as a wrong password, after the same work', () => {
    const { server, lookup } = setup();
    const challenge = server.challenge();
    let lookups = 0;
    const counting = (username: string, realm: string) => {
      lookups++;
      return lookup(username, realm);
    };
    const unknown = server.verify({ method: 'REGISTER', authorization: authorize(challenge, 'x', 1, 'nobody') }, counting);
    const wrong = server.verify({ method: 'REGISTER', authorization: authorize(challenge, 'x', 2) }, counting);
    expect(unknown).toEqual({ result: 'unknownUser', username: 'nobody' });
    expect(Object.keys(unknown)).toEqual(Object.keys(wrong));
    expect(lookups).toBe(2);
  });

  it('requires qop=auth with nc and cnonce, a uri, the configured algorithm and the opaque value', () => {
    const { server, lookup } = setup({ opaque: 'op' });
    const good = authorize(server.challenge());
    expect(server.verify({ method: 'REGISTER', authorization: good }, lookup).result).toBe('ok');
    const variants = [
      good.replace(/, qop=auth/, ''),
      good.replace(/, nc=00000001/, ''),
      good.replace(/, nc=00000001/, ', nc=1'),
      good.replace(/, cnonce="c0ffee"/, ''),
      good.replace(/, uri="[^"]*"/, ''),
      good.replace('algorithm=MD5', 'algorithm=SHA-256'),
      good.replace('opaque="op"', 'opaque="other"'),
      good.replace('qop=auth', 'qop=auth-int'),
    ];
    for (const authorization of variants) expect(server.verify({ method: 'REGISTER', authorization }, lookup).result, authorization).toBe('malformed');
  });

  it('never throws on malformed headers', () => {
    const { server, lookup } = setup();
    const inputs = [
      undefined,
      '',
      '   ',
      'Digest',
      'Basic dXNlcjpwYXNz',
      'Digest username',
      'Digest username=',
      'Digest username="unterminated',
      'Digest username="a\\',
      'Digest ,,,',
      'Digest username="a" realm="b"',
      'Digest username="a", username="b"',
      'NTLM username="1001"',
      'Digest username="1001", realm="pbx.example.com", nonce="!!!", uri="sip:x", response="r", qop=auth, nc=00000001, cnonce="c"',
      'Digest username="1001", realm="pbx.example.com", nonce="AAAA", uri="sip:x", response="", qop=auth, nc=00000001, cnonce="c"',
      `Digest username="${'a'.repeat(5000)}"`,
      'Digest username="é", realm="pbx.example.com", nonce="x", uri="sip:x", response="\u0000", qop=auth, nc=ffffffff, cnonce="c"',
    ];
    const results = inputs.map((authorization) => server.verify({ method: 'REGISTER', authorization }, lookup).result);
    expect(results.slice(0, 3)).toEqual(['missing', 'missing', 'missing']);
    for (const result of results.slice(3)) expect(['malformed', 'badResponse']).toContain(result);
  });

  it('keeps at most maxTrackedNonces counts and re-challenges nonces whose count it forgot', () => {
    const { clock, server, lookup } = setup({ maxTrackedNonces: 10 });
    const challenges: string[] = [];
    for (let i = 0; i < 25; i++) {
      clock.ms += 1;
      const challenge = server.challenge();
      challenges.push(challenge);
      expect(server.verify({ method: 'REGISTER', authorization: authorize(challenge) }, lookup).result).toBe('ok');
      expect(server.trackedNonces).toBeLessThanOrEqual(10);
    }
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenges[0]!, undefined, 1) }, lookup).result).toBe('stale');
    expect(server.verify({ method: 'REGISTER', authorization: authorize(challenges[24]!, undefined, 1) }, lookup).result).toBe('replay');
  });

  it('drops expired nonces first when it needs room', () => {
    const { clock, server, lookup } = setup({ maxTrackedNonces: 3, nonceTtlMs: 1_000 });
    for (let i = 0; i < 3; i++) expect(server.verify({ method: 'REGISTER', authorization: authorize(server.challenge()) }, lookup).result).toBe('ok');
    clock.ms += 2_000;
    const fresh = server.challenge();
    expect(server.verify({ method: 'REGISTER', authorization: authorize(fresh) }, lookup).result).toBe('ok');
    expect(server.trackedNonces).toBe(1);
  });

  it('refuses a short secret and a realm that cannot be quoted', () => {
    expect(() => new DigestServer({ realm: REALM, secret: Buffer.alloc(16), now: Date.now })).toThrow(/at least 32/);
    expect(() => new DigestServer({ realm: 'a"b', secret: SECRET, now: Date.now })).toThrow(/realm/);
  });
});

describe('DigestServer under mutated input', () => {
  it('never throws and never accepts a mutated header', () => {
    const { server, lookup } = setup();
    const good = authorize(server.challenge(), undefined, 1);
    let seed = 0x2545f491;
    const random = (below: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % below;
    };
    const alphabet = '"\\,= \t\r\n\u0000aZ9=,"é';
    for (let i = 0; i < 2_000; i++) {
      const chars = [...good];
      for (let edits = 1 + random(4); edits > 0; edits--) {
        const at = random(chars.length);
        const kind = random(3);
        if (kind === 0) chars.splice(at, 1);
        else if (kind === 1) chars.splice(at, 0, alphabet[random(alphabet.length)]!);
        else chars[at] = alphabet[random(alphabet.length)]!;
      }
      const mutated = chars.join('');
      if (mutated === good) continue;
      const verdict = server.verify({ method: 'REGISTER', authorization: mutated }, lookup);
      if (verdict.result === 'ok') {
        // Only edits outside what the response covers (spacing, quoting, an unknown parameter) may still be accepted.
        const covered = (header: string) => {
          const params = parseAuthHeader(header)?.params ?? {};
          return ['username', 'realm', 'nonce', 'uri', 'response', 'qop', 'nc', 'cnonce'].map((name) => params[name]);
        };
        expect(covered(mutated)).toEqual(covered(good));
      }
    }
  });
});
