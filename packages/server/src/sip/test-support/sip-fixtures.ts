import { SipHeaders, type SipRequest } from '../types.js';

export interface RequestFixture {
  method?: string;
  branch: string;
  uri?: string;
  fromTag?: string;
  toTag?: string;
  callId?: string;
  cseq?: number;
  /** The Via's sent-by; `127.0.0.1:5060` (side `a` of a memory pair) unless told. */
  sentBy?: string;
  transport?: 'UDP' | 'TCP';
  route?: string[];
}

/** A well-formed out-of-dialog request from side `a` of a memory pair to side `b`, for tests. */
export function requestFixture(fixture: RequestFixture): SipRequest {
  const method = fixture.method ?? 'INVITE';
  const headers = new SipHeaders([
    ['Via', `SIP/2.0/${fixture.transport ?? 'UDP'} ${fixture.sentBy ?? '127.0.0.1:5060'};branch=${fixture.branch}`],
    ['Max-Forwards', '70'],
    ['From', `"Alice" <sip:alice@127.0.0.1>;tag=${fixture.fromTag ?? 'alice-1'}`],
    ['To', `<sip:bob@127.0.0.2>${fixture.toTag === undefined ? '' : `;tag=${fixture.toTag}`}`],
    ['Call-ID', fixture.callId ?? 'call-1@127.0.0.1'],
    ['CSeq', `${fixture.cseq ?? 1} ${method}`],
  ]);
  for (const route of fixture.route ?? []) headers.append('Route', route);
  headers.append('Contact', '<sip:alice@127.0.0.1:5060>');
  return { kind: 'request', method, uri: fixture.uri ?? 'sip:bob@127.0.0.2', headers, body: Buffer.alloc(0) };
}
