import { describe, expect, it } from 'vitest';
import {
  checkInDialogRequest,
  confirm,
  createAck2xx,
  createInDialogRequest,
  dialogFromUacResponse,
  dialogFromUasInvite,
  dialogNextHop,
  dialogProblem,
  DialogError,
  responseWithRecordRoute,
  refreshTarget,
  Retransmit2xx,
  terminate,
  type Dialog,
} from './dialog.js';
import { ManualScheduler } from './test-support/manual-scheduler.js';
import { SipHeaders, type SipRequest, type SipResponse } from './types.js';

function request(method: string, uri: string, headers: Array<[string, string]>): SipRequest {
  return { kind: 'request', method, uri, headers: new SipHeaders(headers), body: Buffer.alloc(0) };
}

function response(status: number, headers: Array<[string, string]>): SipResponse {
  return { kind: 'response', status, reason: 'X', headers: new SipHeaders(headers), body: Buffer.alloc(0) };
}

const INVITE = request('INVITE', 'sip:8001@pbx.example.com', [
  ['Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKp2;received=10.0.0.1'],
  ['Via', 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKa1'],
  ['Record-Route', '<sip:p2.example.com;lr>'],
  ['Record-Route', '<sip:p1.example.com;lr>'],
  ['Max-Forwards', '69'],
  ['From', '"Carol" <sip:carol@carrier.example>;tag=from-1'],
  ['To', '<sip:8001@pbx.example.com>'],
  ['Call-ID', 'call-1@192.0.2.10'],
  ['CSeq', '101 INVITE'],
  ['Contact', '<sip:carol@192.0.2.10:5070;transport=udp>'],
  ['Authorization', 'Digest username="carol", realm="r", nonce="n", uri="sip:8001@pbx.example.com", response="00"'],
]);

describe('dialogFromUasInvite', () => {
  it('takes the route set in order, the remote target from Contact and the remote CSeq from the INVITE', () => {
    const dialog = dialogFromUasInvite(INVITE, 'local-1');
    expect(dialog).toEqual<Dialog>({
      callId: 'call-1@192.0.2.10',
      localTag: 'local-1',
      remoteTag: 'from-1',
      localUri: 'sip:8001@pbx.example.com',
      remoteUri: 'sip:carol@carrier.example',
      localSeq: 0,
      remoteSeq: 101,
      remoteTarget: 'sip:carol@192.0.2.10:5070;transport=udp',
      routeSet: ['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>'],
      secure: false,
      role: 'uas',
      state: 'early',
    });
  });

  it('marks a sips: Request-URI secure', () => {
    const sips = { ...INVITE, uri: 'sips:8001@pbx.example.com' };
    expect(dialogFromUasInvite(sips, 'l').secure).toBe(true);
  });

  it('refuses an INVITE without a From tag or a Contact, and says which', () => {
    const noTag = request('INVITE', 'sip:a@b', [...INVITE.headers.entries()].map(([n, v]): [string, string] => [n, n === 'From' ? '<sip:carol@carrier.example>' : v]));
    expect(dialogProblem(noTag)).toBe('Missing From tag');
    expect(() => dialogFromUasInvite(noTag, 'l')).toThrow(DialogError);
    const noContact = { ...INVITE, headers: INVITE.headers.clone().delete('Contact') };
    expect(dialogProblem(noContact)).toBe('Missing Contact');
    expect(dialogProblem(INVITE)).toBeNull();
  });
});

const OUT_INVITE = request('INVITE', 'sip:+15551234@carrier.example', [
  ['Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKout'],
  ['From', '<sip:openccc@pbx.example.com>;tag=ours'],
  ['To', '<sip:+15551234@carrier.example>'],
  ['Call-ID', 'out-1'],
  ['CSeq', '7 INVITE'],
  ['Contact', '<sip:openccc@10.0.0.1:5060>'],
  ['Proxy-Authorization', 'Digest username="trunk", realm="c", nonce="n", uri="sip:+15551234@carrier.example", response="11"'],
]);

function answer(status: number, recordRoute: string[], contact = '<sip:gw@198.51.100.7:5060>'): SipResponse {
  return response(status, [
    ['Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKout'],
    ...recordRoute.map((route): [string, string] => ['Record-Route', route]),
    ['From', '<sip:openccc@pbx.example.com>;tag=ours'],
    ['To', '<sip:+15551234@carrier.example>;tag=theirs'],
    ['Call-ID', 'out-1'],
    ['CSeq', '7 INVITE'],
    ['Contact', contact],
  ]);
}

describe('dialogFromUacResponse', () => {
  it('reverses Record-Route, takes the remote tag from To, and is early for a 1xx and confirmed for a 2xx', () => {
    const early = dialogFromUacResponse(OUT_INVITE, answer(183, ['<sip:edge2.example;lr>', '<sip:edge1.example;lr>']));
    expect(early).toMatchObject({
      callId: 'out-1',
      localTag: 'ours',
      remoteTag: 'theirs',
      localSeq: 7,
      remoteSeq: null,
      remoteTarget: 'sip:gw@198.51.100.7:5060',
      routeSet: ['<sip:edge1.example;lr>', '<sip:edge2.example;lr>'],
      role: 'uac',
      state: 'early',
    });
    expect(dialogFromUacResponse(OUT_INVITE, answer(200, [])).state).toBe('confirmed');
  });

  it('refuses a response without a To tag', () => {
    const untagged = answer(180, []);
    untagged.headers.set('To', '<sip:+15551234@carrier.example>');
    expect(() => dialogFromUacResponse(OUT_INVITE, untagged)).toThrow(/To tag/);
  });
});

describe('confirm and terminate', () => {
  it('confirms a UAC early dialog with the 2xx route set and target', () => {
    const early = dialogFromUacResponse(OUT_INVITE, answer(180, ['<sip:old.example;lr>'], '<sip:early@198.51.100.7>'));
    const confirmed = confirm(early, answer(200, ['<sip:new.example;lr>'], '<sip:final@198.51.100.8>'));
    expect(confirmed).toMatchObject({ state: 'confirmed', routeSet: ['<sip:new.example;lr>'], remoteTarget: 'sip:final@198.51.100.8' });
    expect(early.state).toBe('early');
  });

  it("moves a UAC dialog's target to the Contact of its re-INVITE's 2xx, and keeps it when there is none", () => {
    const dialog = dialogFromUacResponse(OUT_INVITE, answer(200, []));
    expect(refreshTarget(dialog, answer(200, [], '<sip:moved@198.51.100.50>')).remoteTarget).toBe('sip:moved@198.51.100.50');
    const noContact = answer(200, []);
    noContact.headers.delete('Contact');
    expect(refreshTarget(dialog, noContact)).toBe(dialog);
  });

  it('keeps a UAS dialog as it is apart from its state, and never revives a terminated one', () => {
    const dialog = dialogFromUasInvite(INVITE, 'l');
    expect(confirm(dialog)).toEqual({ ...dialog, state: 'confirmed' });
    expect(confirm(terminate(dialog)).state).toBe('terminated');
  });
});

describe('createInDialogRequest', () => {
  const VIA = 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKnew;rport';

  it('loose routing: the remote target is the Request-URI, the route set the Route headers, the first route the next hop', () => {
    const dialog = confirm(dialogFromUasInvite(INVITE, 'local-1'));
    const { request: bye, dialog: after, nextHop } = createInDialogRequest(dialog, 'BYE', { via: VIA });
    expect(bye.method).toBe('BYE');
    expect(bye.uri).toBe('sip:carol@192.0.2.10:5070;transport=udp');
    expect(bye.headers.getAll('Route')).toEqual(['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
    expect(nextHop).toBe('sip:p2.example.com;lr');
    expect(bye.headers.get('Via')).toBe(VIA);
    expect(bye.headers.get('From')).toBe('<sip:8001@pbx.example.com>;tag=local-1');
    expect(bye.headers.get('To')).toBe('<sip:carol@carrier.example>;tag=from-1');
    expect(bye.headers.get('Call-ID')).toBe('call-1@192.0.2.10');
    expect(bye.headers.get('CSeq')).toBe('1 BYE');
    expect(bye.headers.get('Max-Forwards')).toBe('70');
    expect(bye.body.length).toBe(0);
    expect(after.localSeq).toBe(1);
    expect(dialog.localSeq).toBe(0);
    expect(createInDialogRequest(after, 'INFO', { via: VIA }).request.headers.get('CSeq')).toBe('2 INFO');
  });

  it('strict routing: the first route becomes the Request-URI and the remote target the last Route', () => {
    const dialog: Dialog = { ...confirm(dialogFromUasInvite(INVITE, 'l')), routeSet: ['<sip:strict.example;maddr=203.0.113.1>', '<sip:p1.example.com;lr>'] };
    const { request: bye, nextHop } = createInDialogRequest(dialog, 'BYE', { via: VIA });
    expect(bye.uri).toBe('sip:strict.example;maddr=203.0.113.1');
    expect(bye.headers.getAll('Route')).toEqual(['<sip:p1.example.com;lr>', '<sip:carol@192.0.2.10:5070;transport=udp>']);
    expect(nextHop).toBe('sip:strict.example;maddr=203.0.113.1');
    expect(dialogNextHop(dialog)).toBe(nextHop);
  });

  it('without a route set goes straight to the remote target', () => {
    const dialog = dialogFromUacResponse(OUT_INVITE, answer(200, []));
    const built = createInDialogRequest(dialog, 'BYE', { via: VIA, maxForwards: 10, headers: [['Reason', 'Q.850;cause=16']] });
    expect(built.nextHop).toBe('sip:gw@198.51.100.7:5060');
    expect(built.request.headers.has('Route')).toBe(false);
    expect(built.request.headers.get('Max-Forwards')).toBe('10');
    expect(built.request.headers.get('Reason')).toBe('Q.850;cause=16');
    expect(built.request.headers.get('CSeq')).toBe('8 BYE');
  });

  it('writes a body with its type, and refuses a body without a type', () => {
    const dialog = dialogFromUacResponse(OUT_INVITE, answer(200, []));
    const sdp = Buffer.from('v=0\r\n');
    const reinvite = createInDialogRequest(dialog, 'INVITE', { via: VIA, contact: '<sip:openccc@10.0.0.1>', body: sdp, contentType: 'application/sdp' }).request;
    expect(reinvite.headers.get('Content-Type')).toBe('application/sdp');
    expect(reinvite.headers.get('Contact')).toBe('<sip:openccc@10.0.0.1>');
    expect(reinvite.body).toBe(sdp);
    expect(() => createInDialogRequest(dialog, 'INFO', { via: VIA, body: sdp })).toThrow(DialogError);
  });

  it('does not advance the local CSeq for ACK or CANCEL', () => {
    const dialog = dialogFromUacResponse(OUT_INVITE, answer(200, []));
    for (const method of ['ACK', 'CANCEL']) {
      const built = createInDialogRequest(dialog, method, { via: VIA });
      expect(built.request.headers.get('CSeq')).toBe(`7 ${method}`);
      expect(built.dialog.localSeq).toBe(7);
    }
  });
});

describe('createAck2xx', () => {
  it("uses the INVITE's CSeq number and credentials, the route set and the new branch", () => {
    const dialog = dialogFromUacResponse(OUT_INVITE, answer(200, ['<sip:edge2.example;lr>', '<sip:edge1.example;lr>']));
    const later = createInDialogRequest(dialog, 'INFO', { via: 'SIP/2.0/UDP h;branch=z9hG4bKi' }).dialog;
    const ack = createAck2xx(later, OUT_INVITE, 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKack');
    expect(ack.method).toBe('ACK');
    expect(ack.uri).toBe('sip:gw@198.51.100.7:5060');
    expect(ack.headers.get('CSeq')).toBe('7 ACK');
    expect(ack.headers.get('Via')).toBe('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKack');
    expect(ack.headers.getAll('Route')).toEqual(['<sip:edge1.example;lr>', '<sip:edge2.example;lr>']);
    expect(ack.headers.get('Proxy-Authorization')).toBe(OUT_INVITE.headers.get('Proxy-Authorization'));
    expect(ack.headers.get('To')).toBe('<sip:+15551234@carrier.example>;tag=theirs');
    expect(ack.body.length).toBe(0);
  });

  it('carries an SDP answer when given one', () => {
    const dialog = dialogFromUacResponse(OUT_INVITE, answer(200, []));
    const ack = createAck2xx(dialog, OUT_INVITE, 'SIP/2.0/UDP h;branch=z9hG4bKa', Buffer.from('v=0\r\n'));
    expect(ack.headers.get('Content-Type')).toBe('application/sdp');
    expect(ack.body.toString()).toBe('v=0\r\n');
  });
});

describe('checkInDialogRequest', () => {
  const dialog = confirm(dialogFromUasInvite(INVITE, 'local-1'));
  function inDialog(method: string, seq: number, extra: Array<[string, string]> = [], fromTag = 'from-1'): SipRequest {
    return request(method, 'sip:8001@10.0.0.1', [
      ['Via', 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKx'],
      ['From', `<sip:carol@carrier.example>;tag=${fromTag}`],
      ['To', '<sip:8001@pbx.example.com>;tag=local-1'],
      ['Call-ID', 'call-1@192.0.2.10'],
      ['CSeq', `${seq} ${method}`],
      ...extra,
    ]);
  }

  it('accepts a later request and records its CSeq', () => {
    const result = checkInDialogRequest(dialog, inDialog('BYE', 102));
    expect(result).toEqual({ ok: true, dialog: { ...dialog, remoteSeq: 102 } });
  });

  it('answers 500 to a request whose CSeq went back', () => {
    expect(checkInDialogRequest(dialog, inDialog('INFO', 100))).toMatchObject({ ok: false, status: 500 });
  });

  it('lets the ACK of the INVITE through with the same CSeq', () => {
    expect(checkInDialogRequest(dialog, inDialog('ACK', 101))).toEqual({ ok: true, dialog });
  });

  it('answers 481 to another dialog, and to any request once the dialog ended', () => {
    expect(checkInDialogRequest(dialog, inDialog('BYE', 102, [], 'someone-else'))).toMatchObject({ ok: false, status: 481 });
    expect(checkInDialogRequest(terminate(dialog), inDialog('BYE', 102))).toMatchObject({ ok: false, status: 481 });
  });

  it('takes a re-INVITE Contact as the new remote target', () => {
    const result = checkInDialogRequest(dialog, inDialog('INVITE', 102, [['Contact', '<sip:carol@192.0.2.99:5070>']]));
    expect(result.ok && result.dialog.remoteTarget).toBe('sip:carol@192.0.2.99:5070');
  });

  it('accepts the first request a UAC dialog receives, whatever its number', () => {
    const uac = dialogFromUacResponse(OUT_INVITE, answer(200, []));
    const bye = request('BYE', 'sip:openccc@10.0.0.1', [
      ['From', '<sip:+15551234@carrier.example>;tag=theirs'],
      ['To', '<sip:openccc@pbx.example.com>;tag=ours'],
      ['Call-ID', 'out-1'],
      ['CSeq', '1 BYE'],
    ]);
    expect(checkInDialogRequest(uac, bye)).toMatchObject({ ok: true, dialog: { remoteSeq: 1 } });
  });
});

describe('responseWithRecordRoute', () => {
  const ok = response(200, [
    ['Via', 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKp2;received=10.0.0.1'],
    ['Via', 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKa1'],
    ['From', '"Carol" <sip:carol@carrier.example>;tag=from-1'],
    ['To', '<sip:8001@pbx.example.com>;tag=local-1'],
    ['Contact', '<sip:8001@10.0.0.1>'],
  ]);

  it('copies Record-Route in order after the Vias of a 1xx or 2xx, leaving the original alone', () => {
    for (const status of [180, 200]) {
      const copied = responseWithRecordRoute(INVITE, { ...ok, status });
      expect(copied.headers.getAll('Record-Route')).toEqual(['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
      expect(copied.headers.entries().map(([name]) => name)).toEqual(['Via', 'Via', 'Record-Route', 'Record-Route', 'From', 'To', 'Contact']);
    }
    expect(ok.headers.has('Record-Route')).toBe(false);
  });

  it('leaves a 100 and an error response as they are', () => {
    const trying = { ...ok, status: 100 };
    const busy = { ...ok, status: 486 };
    expect(responseWithRecordRoute(INVITE, trying)).toBe(trying);
    expect(responseWithRecordRoute(INVITE, busy)).toBe(busy);
  });
});

describe('Retransmit2xx', () => {
  function setup(): { scheduler: ManualScheduler; sends: number[]; timeouts: number[]; retransmit: Retransmit2xx } {
    const scheduler = new ManualScheduler();
    const sends: number[] = [];
    const timeouts: number[] = [];
    const retransmit = new Retransmit2xx({
      scheduler,
      timers: { t1: 500, t2: 4000 },
      resend: () => sends.push(scheduler.now),
      onTimeout: () => timeouts.push(scheduler.now),
    });
    return { scheduler, sends, timeouts, retransmit };
  }

  it('resends at T1, then doubling intervals capped at T2, and times out at 64·T1', () => {
    const { scheduler, sends, timeouts, retransmit } = setup();
    retransmit.start();
    scheduler.advance(40_000);
    expect(sends).toEqual([500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
    expect(timeouts).toEqual([32_000]);
    expect(retransmit.active).toBe(false);
    expect(scheduler.pending).toBe(0);
  });

  it('stops resending once acknowledged and never times out', () => {
    const { scheduler, sends, timeouts, retransmit } = setup();
    retransmit.start();
    scheduler.advance(2000);
    retransmit.acked();
    scheduler.advance(60_000);
    expect(sends).toEqual([500, 1500]);
    expect(timeouts).toEqual([]);
    expect(scheduler.pending).toBe(0);
  });
});
