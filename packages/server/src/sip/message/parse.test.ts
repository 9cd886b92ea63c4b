import { describe, expect, it } from 'vitest';
import type { SipMessage, SipRequest, SipResponse } from '../types.js';
import { parseSipMessage } from './parse.js';
import { serializeSipMessage } from './serialize.js';
import { messageSnapshot, SIP_CORPUS } from './test-corpus.js';

/** Lines joined with CRLF; the caller writes the empty line and Content-Length itself. */
function wire(...lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

const DIALOG = ['From: <sip:caller@carrier.example>;tag=c1', 'To: <sip:1001@pbx.example>', 'Call-ID: torture-1@carrier.example'];
const VIA = 'Via: SIP/2.0/UDP 198.51.100.7;branch=z9hG4bKt1';

/** A minimal valid request with the given extra headers and body. */
function request(extra: string[] = [], body = '', method = 'OPTIONS'): Buffer {
  return wire(`${method} sip:1001@pbx.example SIP/2.0`, VIA, ...DIALOG, `CSeq: 1 ${method}`, ...extra, `Content-Length: ${Buffer.byteLength(body)}`, '', body);
}

function parsed(data: Buffer): SipMessage {
  const result = parseSipMessage(data);
  if (!result.ok) throw new Error(`expected a message, got: ${result.error}`);
  return result.message;
}

function parsedRequest(data: Buffer): SipRequest {
  const message = parsed(data);
  if (message.kind !== 'request') throw new Error('expected a request');
  return message;
}

function refusal(data: Buffer, limits?: Parameters<typeof parseSipMessage>[1]): string {
  const result = parseSipMessage(data, limits);
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

describe('parseSipMessage: valid messages', () => {
  it.each(SIP_CORPUS.map((entry) => [entry.name, entry.data] as const))('parses the corpus message %s', (_name, data) => {
    expect(parseSipMessage(data).ok).toBe(true);
  });

  it('reads a request line, headers in order and the body', () => {
    const message = parsedRequest(request(['Content-Type: text/plain'], 'hello', 'MESSAGE'));
    expect(message).toMatchObject({ kind: 'request', method: 'MESSAGE', uri: 'sip:1001@pbx.example' });
    expect(message.headers.entries().map(([name]) => name)).toEqual(['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Content-Type', 'Content-Length']);
    expect(message.body.toString()).toBe('hello');
  });

  it('reads a status line, keeping the reason phrase as written, even empty', () => {
    const response = parsed(wire('SIP/2.0 183 Session  Progress ', VIA, ...DIALOG, 'CSeq: 1 INVITE', '', '')) as SipResponse;
    expect(response).toMatchObject({ kind: 'response', status: 183, reason: 'Session  Progress ' });
    expect((parsed(wire('SIP/2.0 200 ', VIA, ...DIALOG, 'CSeq: 1 INVITE', '', '')) as SipResponse).reason).toBe('');
  });

  it('accepts unusual spacing and casing in headers', () => {
    const message = parsed(
      wire(
        'OPTIONS sip:1001@pbx.example sip/2.0',
        'vIa   :SIP / 2.0 / udp 198.51.100.7 ; branch = z9hG4bKsp',
        'FROM:<sip:caller@carrier.example>;tag=c1',
        'to :\t<sip:1001@pbx.example>',
        'call-id:    torture-2  ',
        'cseq: 0009   OPTIONS',
        'max-FORWARDS: 0',
        'x-UNKNOWN-header:   kept ; as written',
        '',
        '',
      ),
    );
    expect(message.headers.entries()).toEqual([
      ['Via', 'SIP / 2.0 / udp 198.51.100.7 ; branch = z9hG4bKsp'],
      ['From', '<sip:caller@carrier.example>;tag=c1'],
      ['To', '<sip:1001@pbx.example>'],
      ['Call-ID', 'torture-2'],
      ['CSeq', '0009   OPTIONS'],
      ['Max-Forwards', '0'],
      ['X-Unknown-Header', 'kept ; as written'],
      ['Content-Length', '0'],
    ]);
  });

  it('unfolds continuation lines into one space', () => {
    const message = parsed(request(['Subject: a call', '   about\tnothing', '\tin particular', 'Via: SIP/2.0/UDP', ' 192.0.2.9;branch=z9hG4bKfold']));
    expect(message.headers.get('Subject')).toBe('a call about\tnothing in particular');
    expect(message.headers.getAll('Via')[1]).toBe('SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKfold');
  });

  it('expands every compact form', () => {
    const message = parsed(
      wire(
        'INVITE sip:1001@pbx.example SIP/2.0',
        'v: SIP/2.0/UDP 198.51.100.7;branch=z9hG4bKc',
        'f: <sip:caller@carrier.example>;tag=c1',
        't: <sip:1001@pbx.example>',
        'i: compact@carrier.example',
        'CSeq: 1 INVITE',
        'm: <sip:caller@198.51.100.7>',
        'c: application/sdp',
        'e: identity',
        's: compact',
        'k: timer',
        'o: refer',
        'u: talk',
        'r: <sip:x@y>',
        'b: <sip:z@y>',
        'x: 1800',
        'l: 5',
        '',
        'v=0\r\n',
      ),
    );
    expect(message.headers.entries().map(([name]) => name)).toEqual([
      'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Content-Type', 'Content-Encoding', 'Subject', 'Supported',
      'Event', 'Allow-Events', 'Refer-To', 'Referred-By', 'Session-Expires', 'Content-Length',
    ]);
    expect(message.body.toString()).toBe('v=0\r\n');
  });

  it('splits comma lists of the multi-value headers, honouring quotes and brackets', () => {
    const message = parsed(
      request([
        'Via: SIP/2.0/UDP a.example;branch=z9hG4bKa, SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKb;x="1,2" ,SIP/2.0/UDP c.example;branch=z9hG4bKc',
        'Contact: "Doe, John" <sip:jo,hn@a.example;x=1>;q=0.5, <sip:john@b.example>',
        'Allow: INVITE,ACK , BYE',
        'Route: <sip:e1.example;lr>,<sip:e2.example;lr>',
        'Supported:',
        'Accept: application/sdp, text/plain',
      ]),
    );
    expect(message.headers.getAll('Via')).toEqual([
      'SIP/2.0/UDP 198.51.100.7;branch=z9hG4bKt1',
      'SIP/2.0/UDP a.example;branch=z9hG4bKa',
      'SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKb;x="1,2"',
      'SIP/2.0/UDP c.example;branch=z9hG4bKc',
    ]);
    expect(message.headers.getAll('Contact')).toEqual(['"Doe, John" <sip:jo,hn@a.example;x=1>;q=0.5', '<sip:john@b.example>']);
    expect(message.headers.getAll('Allow')).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(message.headers.getAll('Route')).toEqual(['<sip:e1.example;lr>', '<sip:e2.example;lr>']);
    expect(message.headers.getAll('Supported')).toEqual(['']);
    expect(message.headers.getAll('Accept')).toEqual(['application/sdp, text/plain']);
  });

  it('keeps the Contact wildcard whole', () => {
    expect(parsed(request(['Contact: *', 'Expires: 0'], '', 'REGISTER')).headers.getAll('Contact')).toEqual(['*']);
  });

  it('accepts escaped characters and IPv6 in the Request-URI, and an unknown scheme', () => {
    expect(parsedRequest(wire('INVITE sip:%61lice;npdi@[2001:db8::10]:5060;user=phone SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 INVITE', '', '')).uri).toBe(
      'sip:%61lice;npdi@[2001:db8::10]:5060;user=phone',
    );
    expect(parsedRequest(wire('OPTIONS urn:service:sos SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 OPTIONS', '', '')).uri).toBe('urn:service:sos');
  });

  it('accepts quoted display names with escapes and non-ASCII text', () => {
    const message = parsed(
      wire('OPTIONS sip:1001@pbx.example SIP/2.0', VIA, 'From: "J\\"ö\\\\rg, <boss>" <sip:j@carrier.example>;tag=c1', DIALOG[1]!, DIALOG[2]!, 'CSeq: 1 OPTIONS', '', ''),
    );
    expect(message.headers.get('From')).toBe('"J\\"ö\\\\rg, <boss>" <sip:j@carrier.example>;tag=c1');
  });

  it('accepts escaped URI headers in a Contact, an escaped NUL in the Request-URI and a UTF-8 reason phrase', () => {
    const message = parsedRequest(
      wire('INVITE sip:null-%00-null@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 INVITE', 'Contact: <sip:a@b.example?Route=%3Csip:c.example%3E&Subject=hi%20there>', '', ''),
    );
    expect(message.uri).toBe('sip:null-%00-null@pbx.example');
    expect(message.headers.get('Contact')).toBe('<sip:a@b.example?Route=%3Csip:c.example%3E&Subject=hi%20there>');
    expect((parsed(wire('SIP/2.0 200 Très bien', VIA, ...DIALOG, 'CSeq: 1 INVITE', '', '')) as SipResponse).reason).toBe('Très bien');
  });

  it('accepts long values within the limits', () => {
    const tag = 'x'.repeat(2_000);
    const message = parsed(wire('OPTIONS sip:1001@pbx.example SIP/2.0', VIA, `From: <sip:caller@carrier.example>;tag=${tag}`, DIALOG[1]!, `Call-ID: ${'c'.repeat(4_000)}`, 'CSeq: 1 OPTIONS', '', ''));
    expect(message.headers.get('From')).toContain(tag);
  });

  it('accepts an unknown method whose CSeq matches', () => {
    expect(parsedRequest(request([], '', 'NEWMETHOD')).method).toBe('NEWMETHOD');
  });

  it('skips CRLFs before the start line', () => {
    expect(parsed(Buffer.concat([Buffer.from('\r\n\r\n'), request()])).kind).toBe('request');
  });

  it('takes the rest of a datagram as the body when Content-Length is absent, and records its length', () => {
    const message = parsed(wire('MESSAGE sip:1001@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 MESSAGE', '', 'hi there'));
    expect(message.body.toString()).toBe('hi there');
    expect(message.headers.getAll('Content-Length')).toEqual(['8']);
  });

  it('cuts a body longer than Content-Length (RFC 3261 §18.3)', () => {
    const message = parsed(wire('MESSAGE sip:1001@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 MESSAGE', 'Content-Length: 2', '', 'hi there'));
    expect(message.body.toString()).toBe('hi');
  });

  it('accepts a repeated identical Content-Length and leading zeros', () => {
    const message = parsed(wire('MESSAGE sip:1001@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 MESSAGE', 'l: 02', 'Content-Length: 02', '', 'hi'));
    expect(message.headers.getAll('Content-Length')).toEqual(['2']);
  });

  it('copies the body out of the datagram', () => {
    const data = request([], 'body');
    const message = parsed(data);
    data.fill(0);
    expect(message.body.toString()).toBe('body');
  });
});

describe('parseSipMessage: refusals', () => {
  it('refuses a Content-Length larger than the body', () => {
    expect(refusal(wire('MESSAGE sip:1001@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 MESSAGE', 'Content-Length: 50', '', 'short'))).toMatch(
      /Content-Length 50 but the body has 5 bytes/,
    );
  });

  it.each([['-1'], ['99999999999'], ['4294967296000'], ['1e3'], ['abc'], ['']])('refuses Content-Length %j', (value) => {
    expect(refusal(wire('MESSAGE sip:1001@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 MESSAGE', `Content-Length: ${value}`, '', 'x'))).toMatch(
      /Content-Length/,
    );
  });

  it('refuses differing Content-Length values', () => {
    expect(refusal(request(['l: 2'], 'abc'))).toMatch(/differ/);
  });

  it.each(['Via', 'From', 'To', 'Call-ID', 'CSeq'])('refuses a request without %s', (name) => {
    const lines = ['OPTIONS sip:1001@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 OPTIONS'].filter((line) => !line.startsWith(`${name}:`));
    expect(refusal(wire(...lines, '', ''))).toBe(`missing ${name}`);
  });

  it.each(['Via', 'From', 'To', 'Call-ID', 'CSeq'])('refuses a response without %s', (name) => {
    const lines = ['SIP/2.0 200 OK', VIA, ...DIALOG, 'CSeq: 1 OPTIONS'].filter((line) => !line.startsWith(`${name}:`));
    expect(refusal(wire(...lines, '', ''))).toBe(`missing ${name}`);
  });

  it('accepts a request without Max-Forwards but refuses one above 255', () => {
    expect(parseSipMessage(request()).ok).toBe(true);
    expect(refusal(request(['Max-Forwards: 300']))).toMatch(/Max-Forwards/);
  });

  it('refuses a CSeq method that differs from the request method', () => {
    expect(refusal(wire('INVITE sip:1001@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 BYE', '', ''))).toMatch(/CSeq method BYE/);
    expect(refusal(wire('invite sip:1001@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 INVITE', '', ''))).toMatch(/CSeq method/);
  });

  it.each([
    ['INVITE sip:alice smith@pbx.example SIP/2.0', 'spaces in the Request-URI'],
    ['INVITE <sip:1001@pbx.example> SIP/2.0', 'Request-URI in brackets'],
    ['INVITE  sip:1001@pbx.example SIP/2.0', 'two spaces'],
    ['INVITE sip:1001@pbx.example SIP/2.0 ', 'a trailing space'],
    ['INVITE sip:1001@pbx.example SIP/3.0', 'another version'],
    ['INVITE sip:1001@pbx.example;lr SIP/2.0', 'no problem'],
    ['INVITE sip:1001@pbx.example:99999 SIP/2.0', 'port out of range'],
    ['INVITE 1001@pbx.example SIP/2.0', 'no scheme'],
    ['INV"TE sip:1001@pbx.example SIP/2.0', 'a quote in the method'],
  ])('handles the request line %j (%s)', (line, reason) => {
    const result = parseSipMessage(wire(line, VIA, ...DIALOG, 'CSeq: 1 INVITE', '', ''));
    expect(result.ok).toBe(reason === 'no problem');
  });

  it.each([['SIP/2.0 99 Odd'], ['SIP/2.0 700 Odd'], ['SIP/2.0 2000 Odd'], ['SIP/2.0 200'], ['SIP/1.0 200 OK'], ['SIP/2.0  200 OK']])(
    'refuses the status line %j',
    (line) => {
      expect(parseSipMessage(wire(line, VIA, ...DIALOG, 'CSeq: 1 INVITE', '', '')).ok).toBe(false);
    },
  );

  it.each([
    [['From: <sip:a@b>;tag=1', 'From: <sip:c@d>;tag=2'], /more than one From/],
    [['Via: SIP/2.0/UDP a.example;branch="open, SIP/2.0/UDP b'], /unterminated/],
    [['Via: not a via'], /malformed Via/],
    [['Contact: <sip:a@b'], /unterminated/],
    [['Contact: "x" sip:a@b'], /malformed Contact/],
    [['Route: nonsense'], /malformed Route/],
    [['No colon here'], /malformed header line/],
    [['Bad Name: x'], /malformed header line/],
    [[': empty name'], /malformed header line/],
    [['Subject: a\u0000b'], /control character/],
    [['Subject: a\rb'], /control character/],
    [['Subject: a\nb'], /control character/],
  ])('refuses the headers %j', (extra, error) => {
    expect(refusal(request(extra))).toMatch(error);
  });

  it('refuses a % that is no escape in the Request-URI, and an overlarge CSeq', () => {
    expect(refusal(wire('OPTIONS sip:100%@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 OPTIONS', '', ''))).toMatch(/Request-URI/);
    expect(refusal(wire('OPTIONS sip:1001@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 4294967296 OPTIONS', '', ''))).toMatch(/malformed CSeq/);
  });

  it('refuses a continuation line right after the start line', () => {
    expect(refusal(wire('OPTIONS sip:1001@pbx.example SIP/2.0', ' folded', VIA, ...DIALOG, 'CSeq: 1 OPTIONS', '', ''))).toMatch(/continuation/);
  });

  it('refuses a message whose headers do not end with an empty line', () => {
    expect(refusal(wire('OPTIONS sip:1001@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 OPTIONS', ''))).toMatch(/empty line/);
    expect(refusal(Buffer.from(request().toString().replaceAll('\r\n', '\n')))).toMatch(/empty line/);
  });

  it('refuses an empty Call-ID or one with a space', () => {
    expect(refusal(wire('OPTIONS sip:1001@pbx.example SIP/2.0', VIA, DIALOG[0]!, DIALOG[1]!, 'Call-ID: a b', 'CSeq: 1 OPTIONS', '', ''))).toMatch(/Call-ID/);
    expect(refusal(wire('OPTIONS sip:1001@pbx.example SIP/2.0', VIA, DIALOG[0]!, DIALOG[1]!, 'Call-ID:', 'CSeq: 1 OPTIONS', '', ''))).toMatch(/Call-ID/);
  });

  it('refuses invalid UTF-8 and binary junk', () => {
    expect(refusal(Buffer.concat([request(['Subject: ']).subarray(0, 20), Buffer.from([0xc3, 0x28]), request().subarray(20)]))).toMatch(/UTF-8/);
    expect(parseSipMessage(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a])).ok).toBe(false);
    expect(parseSipMessage(Buffer.alloc(0)).ok).toBe(false);
    expect(parseSipMessage(Buffer.from('\r\n\r\n\r\n')).ok).toBe(false);
  });
});

describe('parseSipMessage: limits', () => {
  it('refuses a message over maxMessageBytes', () => {
    expect(refusal(request([], 'x'.repeat(100)), { maxMessageBytes: 200 })).toMatch(/exceeds the limit of 200/);
    expect(refusal(Buffer.alloc(70_000, 0x41))).toMatch(/65535/);
  });

  it('refuses a header line over maxHeaderLineBytes, also when folded or compact', () => {
    expect(refusal(request([`Subject: ${'x'.repeat(8_200)}`]))).toMatch(/8192/);
    expect(refusal(request(['Subject: a', ...Array.from({ length: 100 }, () => ` ${'y'.repeat(100)}`)]))).toMatch(/8192/);
    expect(refusal(request([`s:${'x'.repeat(8_188)}`]))).toMatch(/Subject value exceeds/);
    expect(parseSipMessage(request([`Subject: ${'x'.repeat(8_000)}`])).ok).toBe(true);
  });

  it('counts split list entries and the added Content-Length against maxHeaders', () => {
    expect(refusal(request([`Allow: ${Array.from({ length: 130 }, () => 'INFO').join(',')}`]))).toMatch(/more than 128 headers/);
    const six = wire('OPTIONS sip:1001@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 OPTIONS', 'Subject: s', '', '');
    expect(parseSipMessage(six, { maxHeaders: 7 }).ok).toBe(true);
    expect(refusal(six, { maxHeaders: 6 })).toMatch(/more than 6 headers/);
  });

  it('refuses a body over maxBodyBytes, declared or not', () => {
    expect(refusal(request([], 'x'.repeat(40_000)))).toMatch(/32768/);
    expect(refusal(wire('MESSAGE sip:1001@pbx.example SIP/2.0', VIA, ...DIALOG, 'CSeq: 1 MESSAGE', '', 'x'.repeat(101)), { maxBodyBytes: 100 })).toMatch(
      /body of 101 bytes/,
    );
  });
});

describe('serializeSipMessage', () => {
  it.each(SIP_CORPUS.map((entry) => [entry.name, entry.data] as const))('writes the corpus message %s back as it was', (_name, data) => {
    expect(serializeSipMessage(parsed(data)).toString('utf8')).toBe(data.toString('utf8').replace(/^([fitv]): /gm, (_m, c: string) =>
      `${{ f: 'From', i: 'Call-ID', t: 'To', v: 'Via' }[c]}: `,
    ).replace(/^(Via|Allow|Supported|Record-Route): (.*)$/gm, (_m, name: string, list: string) =>
      list.split(', ').map((item) => `${name}: ${item}`).join('\r\n'),
    ));
  });

  it('round-trips messages that needed normalising', () => {
    const data = wire('MESSAGE sip:1001@pbx.example SIP/2.0', 'v: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2', ...DIALOG, 'CSeq: 1 MESSAGE', 'Subject: x', ' y', '', 'trailing body');
    const first = parsed(data);
    expect(messageSnapshot(parsed(serializeSipMessage(first)))).toEqual(messageSnapshot(first));
  });

  it('sets Content-Length from the body in place, or appends it, without changing the message', () => {
    const message = parsed(request(['Subject: s'], 'abc'));
    message.body = Buffer.from('abcdef');
    const text = serializeSipMessage(message).toString();
    expect(text).toMatch(/\r\nContent-Length: 6\r\n\r\nabcdef$/);
    expect(message.headers.get('Content-Length')).toBe('3');
    message.headers.delete('Content-Length');
    expect(serializeSipMessage(message).toString()).toMatch(/Subject: s\r\nContent-Length: 6\r\n\r\n/);
  });

  it('writes a response status line and canonical names', () => {
    const response = parsed(wire('SIP/2.0 404 Not Found', 'via: SIP/2.0/UDP a;branch=z9hG4bK1', 'f: <sip:a@b>;tag=1', 't: <sip:c@d>', 'call-id: x', 'cseq: 1 INVITE', '', ''));
    expect(serializeSipMessage(response).toString()).toBe(
      'SIP/2.0 404 Not Found\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n',
    );
  });
});
