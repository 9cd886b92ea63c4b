import type { SipMessage } from '../types.js';

/**
 * Valid SIP messages of the kinds OpenCCC exchanges with carriers and desk phones, for parser,
 * transport and fuzz tests. Each text uses CRLF line ends and a correct Content-Length.
 */
export interface CorpusEntry {
  name: string;
  /** The wire form; shared by every test in the process, so copy it before changing bytes. */
  data: Buffer;
}

const SDP_OFFER = [
  'v=0',
  'o=carrier 2890844526 2890844526 IN IP4 198.51.100.7',
  's=-',
  'c=IN IP4 198.51.100.7',
  't=0 0',
  'm=audio 49170 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');

const SDP_ANSWER = [
  'v=0',
  'o=openccc 1 1 IN IP4 203.0.113.10',
  's=OpenCCC',
  'c=IN IP4 203.0.113.10',
  't=0 0',
  'm=audio 40000 RTP/AVP 8 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=sendrecv',
  '',
].join('\r\n');

/** Joins header lines and a body, with the Content-Length the body needs. */
function message(lines: ReadonlyArray<string>, body = ''): Buffer {
  const head = [...lines, `Content-Length: ${Buffer.byteLength(body)}`, '', ''].join('\r\n');
  return Buffer.from(head + body, 'utf8');
}

const CALL = [
  'From: "Carrier" <sip:+14155550100@carrier.example.net>;tag=a73kszlfl',
  'To: <sip:+18005550199@pbx.openccc.example>',
  'Call-ID: 3848276298220188511@carrier.example.net',
];

export const SIP_CORPUS: ReadonlyArray<CorpusEntry> = [
  {
    name: 'INVITE with SDP offer',
    data: message(
      [
        'INVITE sip:+18005550199@pbx.openccc.example SIP/2.0',
        'Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK74bf9;rport',
        'Max-Forwards: 70',
        ...CALL,
        'CSeq: 1 INVITE',
        'Contact: <sip:+14155550100@198.51.100.7:5060>',
        'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO',
        'Supported: timer, 100rel',
        'Content-Type: application/sdp',
      ],
      SDP_OFFER,
    ),
  },
  {
    name: '100 Trying',
    data: message(['SIP/2.0 100 Trying', 'Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK74bf9;rport=5060;received=198.51.100.7', ...CALL, 'CSeq: 1 INVITE']),
  },
  {
    name: '180 Ringing',
    data: message([
      'SIP/2.0 180 Ringing',
      'Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK74bf9;rport=5060',
      CALL[0]!,
      'To: <sip:+18005550199@pbx.openccc.example>;tag=8321234356',
      CALL[2]!,
      'CSeq: 1 INVITE',
      'Contact: <sip:gw@203.0.113.10:5060>',
    ]),
  },
  {
    name: '200 OK with SDP answer',
    data: message(
      [
        'SIP/2.0 200 OK',
        'Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK74bf9;rport=5060',
        'Record-Route: <sip:edge1.openccc.example;lr>, <sip:edge2.openccc.example;lr>',
        CALL[0]!,
        'To: <sip:+18005550199@pbx.openccc.example>;tag=8321234356',
        CALL[2]!,
        'CSeq: 1 INVITE',
        'Contact: <sip:gw@203.0.113.10:5060;transport=udp>',
        'Content-Type: application/sdp',
      ],
      SDP_ANSWER,
    ),
  },
  {
    name: 'ACK in dialog',
    data: message([
      'ACK sip:+14155550100@198.51.100.7:5060 SIP/2.0',
      'Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK74bfa',
      'Route: <sip:edge2.openccc.example;lr>',
      'Max-Forwards: 70',
      CALL[0]!,
      'To: <sip:+18005550199@pbx.openccc.example>;tag=8321234356',
      CALL[2]!,
      'CSeq: 1 ACK',
    ]),
  },
  {
    name: 'BYE over TCP',
    data: message([
      'BYE sip:gw@203.0.113.10:5060;transport=tcp SIP/2.0',
      'Via: SIP/2.0/TCP [2001:db8::7]:5060;branch=z9hG4bKnashds7',
      'Max-Forwards: 70',
      CALL[0]!,
      'To: <sip:+18005550199@pbx.openccc.example>;tag=8321234356',
      CALL[2]!,
      'CSeq: 2 BYE',
    ]),
  },
  {
    name: 'CANCEL',
    data: message([
      'CANCEL sip:+18005550199@pbx.openccc.example SIP/2.0',
      'Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK74bf9;rport',
      'Max-Forwards: 70',
      ...CALL,
      'CSeq: 1 CANCEL',
    ]),
  },
  {
    name: 'REGISTER from a desk phone',
    data: message([
      'REGISTER sip:pbx.openccc.example SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.44:5062;branch=z9hG4bK-524287-1---d8754z-;rport',
      'Max-Forwards: 70',
      'Contact: "Desk 1001" <sip:1001@192.0.2.44:5062;rinstance=1b8c1c5d>;expires=3600;+sip.instance="<urn:uuid:00000000-0000-1000-8000-0004f2a1b2c3>"',
      'To: "Desk 1001" <sip:1001@pbx.openccc.example>',
      'From: "Desk 1001" <sip:1001@pbx.openccc.example>;tag=9fxced76sl',
      'Call-ID: ZmQ2NjVkYjQ4ZjQ2',
      'CSeq: 2 REGISTER',
      'Authorization: Digest username="1001", realm="openccc", nonce="5f8d9e0a", uri="sip:pbx.openccc.example", response="6629fae49393a05397450978507c4ef1", algorithm=MD5, qop=auth, nc=00000001, cnonce="0a4f113b"',
      'User-Agent: Yealink SIP-T46U 108.86.0.45',
      'Expires: 3600',
    ]),
  },
  {
    name: '401 with a digest challenge',
    data: message([
      'SIP/2.0 401 Unauthorized',
      'Via: SIP/2.0/UDP 192.0.2.44:5062;branch=z9hG4bK-524287-1---d8754z-;rport=5062;received=192.0.2.44',
      'To: "Desk 1001" <sip:1001@pbx.openccc.example>;tag=b27e1a1d33761e85',
      'From: "Desk 1001" <sip:1001@pbx.openccc.example>;tag=9fxced76sl',
      'Call-ID: ZmQ2NjVkYjQ4ZjQ2',
      'CSeq: 1 REGISTER',
      'WWW-Authenticate: Digest realm="openccc", nonce="5f8d9e0a", algorithm=MD5, qop="auth"',
    ]),
  },
  {
    name: 'OPTIONS keep-alive with compact headers',
    data: message([
      'OPTIONS sip:carrier.example.net SIP/2.0',
      'v: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bKopt1',
      'Max-Forwards: 70',
      'f: <sip:ping@pbx.openccc.example>;tag=op1',
      't: <sip:carrier.example.net>',
      'i: opt-77@203.0.113.10',
      'CSeq: 101 OPTIONS',
      'Accept: application/sdp',
    ]),
  },
  {
    name: 'INFO with DTMF',
    data: message(
      [
        'INFO sip:gw@203.0.113.10:5060 SIP/2.0',
        'Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKinfo1',
        'Max-Forwards: 70',
        CALL[0]!,
        'To: <sip:+18005550199@pbx.openccc.example>;tag=8321234356',
        CALL[2]!,
        'CSeq: 3 INFO',
        'Content-Type: application/dtmf-relay',
      ],
      'Signal=5\r\nDuration=160\r\n',
    ),
  },
  {
    name: 'REFER for a blind transfer',
    data: message([
      'REFER sip:+14155550100@198.51.100.7:5060 SIP/2.0',
      'Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bKref1',
      'Max-Forwards: 70',
      'From: <sip:+18005550199@pbx.openccc.example>;tag=8321234356',
      'To: "Carrier" <sip:+14155550100@carrier.example.net>;tag=a73kszlfl',
      CALL[2]!,
      'CSeq: 1 REFER',
      'Refer-To: <sip:+14155550123@carrier.example.net>',
      'Referred-By: <sip:agent-17@pbx.openccc.example>',
      'Contact: <sip:gw@203.0.113.10:5060>',
    ]),
  },
  {
    name: '486 Busy Here',
    data: message([
      'SIP/2.0 486 Busy Here',
      'Via: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bKout9, SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKin9',
      'From: <sip:queue@pbx.openccc.example>;tag=q1',
      'To: <sip:1001@192.0.2.44:5062>;tag=ph1',
      'Call-ID: out-9@203.0.113.10',
      'CSeq: 1 INVITE',
    ]),
  },
];

/** A corpus entry by name; throws for an unknown name (a test's mistake). */
export function corpusMessage(name: string): Buffer {
  const entry = SIP_CORPUS.find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`no corpus message named ${name}`);
  return entry.data;
}

/** A plain description of a message for deep equality in tests (headers in order, body as hex). */
export function messageSnapshot(message: SipMessage): Record<string, unknown> {
  const start = message.kind === 'request' ? { method: message.method, uri: message.uri } : { status: message.status, reason: message.reason };
  return { kind: message.kind, ...start, headers: message.headers.entries().map(([name, value]) => [name, value]), body: message.body.toString('hex') };
}
