import { describe, expect, it } from 'vitest';
import { createResponse } from '../message/build.js';
import { requestFixture } from '../test-support/sip-fixtures.js';
import { clientKey, mergeKey, responseKey, serverKey } from './keys.js';

describe('transaction keys', () => {
  it('matches a response by branch and CSeq method, so a CANCEL’s answer does not reach its INVITE', () => {
    const invite = requestFixture({ branch: 'z9hG4bK-1' });
    const cancel = requestFixture({ method: 'CANCEL', branch: 'z9hG4bK-1' });
    expect(responseKey(createResponse(invite, 180))).toBe(clientKey('z9hG4bK-1', 'INVITE'));
    expect(responseKey(createResponse(cancel, 200))).toBe(clientKey('z9hG4bK-1', 'CANCEL'));
  });

  it('gives an ACK its INVITE’s server key, and a CANCEL its own unless asked for the INVITE’s', () => {
    const invite = requestFixture({ branch: 'z9hG4bK-2' });
    const ack = requestFixture({ method: 'ACK', branch: 'z9hG4bK-2', toTag: 't' });
    const cancel = requestFixture({ method: 'CANCEL', branch: 'z9hG4bK-2' });
    expect(serverKey(ack)).toBe(serverKey(invite));
    expect(serverKey(cancel)).not.toBe(serverKey(invite));
    expect(serverKey(cancel, 'INVITE')).toBe(serverKey(invite));
  });

  it('tells apart the same branch from another sent-by (§17.2.3)', () => {
    expect(serverKey(requestFixture({ branch: 'z9hG4bK-3', sentBy: '192.0.2.1:5060' }))).not.toBe(serverKey(requestFixture({ branch: 'z9hG4bK-3', sentBy: '192.0.2.2:5060' })));
  });

  it('keys an RFC 2543 request on Request-URI, From tag, Call-ID, CSeq number and top Via', () => {
    const base = serverKey(requestFixture({ branch: 'old' }));
    expect(serverKey(requestFixture({ branch: 'old' }))).toBe(base);
    expect(serverKey(requestFixture({ branch: 'old', uri: 'sip:carol@127.0.0.2' }))).not.toBe(base);
    expect(serverKey(requestFixture({ branch: 'old', fromTag: 'other' }))).not.toBe(base);
    expect(serverKey(requestFixture({ branch: 'old', callId: 'other' }))).not.toBe(base);
    expect(serverKey(requestFixture({ branch: 'old', cseq: 2 }))).not.toBe(base);
    expect(serverKey(requestFixture({ branch: 'old2' }))).not.toBe(base);
  });

  it('has no server key without Via or CSeq', () => {
    const request = requestFixture({ branch: 'z9hG4bK-4' });
    request.headers.delete('CSeq');
    expect(serverKey(request)).toBeNull();
  });

  it('spots merges only outside a dialog, by From tag, Call-ID and CSeq', () => {
    expect(mergeKey(requestFixture({ branch: 'z9hG4bK-5' }))).toBe(mergeKey(requestFixture({ branch: 'z9hG4bK-6' })));
    expect(mergeKey(requestFixture({ branch: 'z9hG4bK-5', cseq: 2 }))).not.toBe(mergeKey(requestFixture({ branch: 'z9hG4bK-6' })));
    expect(mergeKey(requestFixture({ branch: 'z9hG4bK-7', toTag: 'in-dialog' }))).toBeNull();
  });
});
