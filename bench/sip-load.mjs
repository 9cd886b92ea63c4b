#!/usr/bin/env node
// The load generator of `bench:sip`, in a child process of its own so its CPU is never the
// server's. Two roles (argv):
//
//   --carrier  a carrier's SIP trunk: raw SIP over UDP (INVITE with a PCMU offer, ACK, BYE, with
//              RFC 3261 retransmissions of INVITE and BYE) plus one RTP socket per call, sending
//              20 ms G.711 µ-law at real time (50 packets/s) to the address the 200 OK's SDP names;
//   --agents   the scripted agents' RTP sockets: each answers a call (the benchmark tells it the
//              server's leg port after Call.accept) and sends 50 packets/s back;
//   --phones   desk phones: REGISTER with digest (one SIP socket for all, the way the gateway
//              reaches a phone through the flow its REGISTER came in on), answer every INVITE at
//              once (200 OK with a PCMU offer to the late-offer INVITE, the answer in the ACK) and
//              echo every RTP packet back to where it came from, as `sipp -rtp_echo` does.
//
// Both count packets over a measurement window: a packet sent in window w carries w in its first
// payload byte (the gateway relays PCMU to a PCMU agent leg byte for byte), and a receiver counts
// the packets of the current window, so loss is exact: what one side sent in the window against
// what the other side received of it. Packets of no window (queue music before the answer, a
// transcoded frame) are counted as datagrams only.
//
// IPC (the benchmark sends, the generator answers with the same type unless noted):
//   {type:'open', count}                 → {type:'opened', ports}       agents: RTP sockets
//   {type:'targets', targets:{i: port}}  → {type:'targeted'}            agents: where socket i sends
//   {type:'dial', calls, target:{address, port}, to, cps, bindAddress}
//                                        → {type:'dialled', established, failed, failures, setupMs}
//   {type:'measure', window}             → {type:'measuring'}
//   {type:'report'}                      → {type:'report', sent, received, datagrams, skippedTicks, cpuMs, elapsedMs, rssMb}
//                                          (elapsedMs and cpuMs: the window up to the report, before the 300 ms for packets in flight)
//   {type:'register', target, extensions:[{id, domain, password}], cps, bindAddress}
//                                        → {type:'registered', registered, failed, failures}   phones
//   {type:'phones'}                      → {type:'phones', answered, ended}                     phones
//   {type:'late'}                        → {type:'late', late}               packets of the last window received after its report
//   {type:'hangup'}                      → {type:'hungUp', ended, unanswered}   carrier: BYE every call
//   {type:'stop'}                        → {type:'stopped'}              close every socket
//   {type:'exit'}
import { createHash, randomBytes } from 'node:crypto';
import { udpSocket } from './lib/net.mjs';

const FRAME_BYTES = 160;
const PACKET_BYTES = 12 + FRAME_BYTES;
const T1_MS = 500;
/** Timer B / F: 64 × T1. */
const TRANSACTION_TIMEOUT_MS = 64 * T1_MS;

// ─── RTP endpoints (both roles) ─────────────────────────────────────────────────────────────────

/** A set of RTP sockets sending 50 packets/s each to their targets, counting what they receive. */
class RtpEndpoints {
  constructor() {
    this.endpoints = [];
    this.timers = [];
    this.window = 0; // marked on packets sent while measuring
    this.counting = 0; // the window receivers count
    this.frame = Buffer.alloc(FRAME_BYTES, 0xff); // µ-law silence
    this.ssrcBase = randomBytes(4).readUInt32BE(0);
    this.skippedTicks = 0; // 20 ms sending rounds of a slot given up while measuring
    this.lastWindow = 0; // a window reported: its packets arriving later are counted as late
    this.late = 0;
  }

  async add(address) {
    const socket = await udpSocket(address);
    const endpoint = { socket, index: this.endpoints.length, sequence: 0, target: null, sent: 0, received: 0, datagrams: 0 };
    socket.on('message', (packet) => {
      endpoint.datagrams++;
      if (packet.length !== PACKET_BYTES) return;
      if (this.counting !== 0 && packet[12] === this.counting) endpoint.received++;
      else if (this.lastWindow !== 0 && packet[12] === this.lastWindow) this.late++;
    });
    socket.on('error', () => undefined);
    this.endpoints.push(endpoint);
    return endpoint;
  }

  /**
   * Sends from every endpoint with a target, spread over four 5 ms slots. A late timer sends the
   * packets that fell due meanwhile (up to 100 ms of them; beyond that they are counted as
   * skipped), so the offered rate holds when this process is not scheduled on time.
   */
  start() {
    if (this.timers.length > 0) return;
    const packet = Buffer.alloc(PACKET_BYTES);
    const sendSlot = (slot) => {
      for (let i = slot; i < this.endpoints.length; i += 4) {
        const endpoint = this.endpoints[i];
        if (endpoint.target === null) continue;
        endpoint.sequence = (endpoint.sequence + 1) & 0xffff;
        packet[0] = 0x80;
        packet[1] = 0; // PCMU
        packet.writeUInt16BE(endpoint.sequence, 2);
        packet.writeUInt32BE((endpoint.sequence * FRAME_BYTES) >>> 0, 4);
        packet.writeUInt32BE((this.ssrcBase + endpoint.index) >>> 0, 8);
        this.frame.copy(packet, 12);
        packet[12] = this.window;
        if (this.window !== 0) endpoint.sent++;
        endpoint.socket.send(packet, endpoint.target.port, endpoint.target.address);
      }
    };
    for (let slot = 0; slot < 4; slot++) {
      this.timers.push(
        setTimeout(() => {
          const startedAt = performance.now();
          let ticks = 0;
          const tick = () => {
            const due = Math.floor((performance.now() - startedAt) / 20) + 1;
            const owed = due - ticks;
            ticks = due;
            if (owed > 5 && this.window !== 0) this.skippedTicks += owed - 5;
            for (let k = Math.min(owed, 5); k > 0; k--) sendSlot(slot);
          };
          tick();
          this.timers.push(setInterval(tick, 20));
        }, slot * 5),
      );
    }
  }

  measure(window) {
    this.skippedTicks = 0;
    this.lastWindow = 0;
    this.late = 0;
    for (const endpoint of this.endpoints) endpoint.sent = endpoint.received = endpoint.datagrams = 0;
    this.window = window;
    this.counting = window;
  }

  /** Stops marking, lets the packets in flight land (300 ms), then totals the window. */
  async report() {
    this.window = 0;
    await new Promise((resolve) => setTimeout(resolve, 300));
    this.lastWindow = this.counting;
    this.counting = 0;
    let sent = 0;
    let received = 0;
    let datagrams = 0;
    for (const endpoint of this.endpoints) {
      sent += endpoint.sent;
      received += endpoint.received;
      datagrams += endpoint.datagrams;
    }
    return { sent, received, datagrams, skippedTicks: this.skippedTicks };
  }

  close() {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    for (const endpoint of this.endpoints) endpoint.socket.close();
    this.endpoints = [];
  }
}

// ─── the carrier's SIP (UAC) ────────────────────────────────────────────────────────────────────

const token = () => randomBytes(6).toString('hex');

/** The first value of a header (compact forms included) in a SIP message's head. */
function header(head, name, compact) {
  const pattern = new RegExp(`^(?:${name}${compact ? `|${compact}` : ''})[ \\t]*:[ \\t]*(.*)$`, 'im');
  return pattern.exec(head)?.[1]?.trim() ?? null;
}

/** Splits a datagram into its start line, head and body. */
function parseSip(buffer) {
  const text = buffer.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end + 4);
  const startLine = head.slice(0, head.indexOf('\r\n'));
  return { startLine, head, body };
}

/** The RTP address and port an SDP body names for its audio. */
function sdpAudio(body) {
  const address = /^c=IN IP4 ([^\s]+)/m.exec(body)?.[1];
  const port = Number(/^m=audio (\d+)/m.exec(body)?.[1]);
  return address && port > 0 ? { address, port } : null;
}

class Carrier {
  constructor() {
    this.rtp = new RtpEndpoints();
    this.calls = new Map(); // Call-ID → call
    this.socket = null;
  }

  async dial({ calls, target, to, cps, bindAddress }) {
    if (!this.socket) {
      this.socket = await udpSocket(bindAddress);
      this.socket.on('message', (message, remote) => this.onMessage(message, remote));
      this.socket.on('error', () => undefined);
      this.local = this.socket.address();
    }
    this.target = target;
    const startedAt = performance.now();
    const settled = [];
    for (let i = 0; i < calls; i++) {
      const due = startedAt + (i * 1000) / cps;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const endpoint = await this.rtp.add(bindAddress);
      settled.push(this.invite(endpoint, to, `0086139${String(i).padStart(8, '0')}`));
    }
    const outcomes = await Promise.all(settled);
    const failures = outcomes.filter((o) => o !== 'ok');
    this.rtp.start();
    return {
      established: outcomes.length - failures.length,
      failed: failures.length,
      failures: [...new Set(failures)].slice(0, 5),
      setupMs: performance.now() - startedAt,
    };
  }

  invite(endpoint, to, from) {
    const { address } = this.local;
    const callId = `${token()}${token()}@${address}`;
    const call = {
      callId,
      endpoint,
      fromTag: token(),
      toTag: null,
      remoteTarget: `sip:${to}@${this.target.address}:${this.target.port}`,
      to,
      from,
      state: 'calling',
      settle: null,
      retransmit: null,
      bye: null,
    };
    this.calls.set(callId, call);
    const sdp = [
      'v=0',
      `o=carrier ${Date.now()} 1 IN IP4 ${address}`,
      's=-',
      `c=IN IP4 ${address}`,
      't=0 0',
      `m=audio ${endpoint.socket.address().port} RTP/AVP 0`,
      'a=rtpmap:0 PCMU/8000',
      'a=ptime:20',
      'a=sendrecv',
      '',
    ].join('\r\n');
    call.inviteBranch = `z9hG4bK${token()}`;
    const invite = this.request(call, 'INVITE', 1, call.inviteBranch, `sip:${to}@${this.target.address}:${this.target.port}`, sdp);
    return new Promise((resolve) => {
      call.settle = (outcome) => {
        if (call.settle === null) return;
        call.settle = null;
        this.stopRetransmit(call);
        resolve(outcome);
      };
      this.send(invite);
      this.retransmit(call, invite, () => call.settle?.('no answer (Timer B)'));
    });
  }

  request(call, method, cseq, branch, requestUri, body = '') {
    const { address, port } = this.local;
    const lines = [
      `${method} ${requestUri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${address}:${port};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:${call.from}@${address}>;tag=${call.fromTag}`,
      `To: <sip:${call.to}@${this.target.address}:${this.target.port}>${call.toTag ? `;tag=${call.toTag}` : ''}`,
      `Call-ID: ${call.callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:${call.from}@${address}:${port}>`,
      'User-Agent: openccc-bench-carrier',
    ];
    if (body) lines.push('Content-Type: application/sdp');
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
    return Buffer.from(lines.join('\r\n'), 'latin1');
  }

  send(message) {
    this.socket.send(message, this.target.port, this.target.address);
  }

  /** Timer A / E: T1, doubling (capped at T2 = 4 s for a non-INVITE), until stopped or 64 × T1. */
  retransmit(call, message, giveUp, capMs = Infinity) {
    const started = performance.now();
    let interval = T1_MS;
    const tick = () => {
      if (performance.now() - started >= TRANSACTION_TIMEOUT_MS) return giveUp();
      this.send(message);
      interval = Math.min(interval * 2, capMs);
      call.retransmit = setTimeout(tick, interval);
    };
    call.retransmit = setTimeout(tick, interval);
  }

  stopRetransmit(call) {
    clearTimeout(call.retransmit);
    call.retransmit = null;
  }

  onMessage(message, remote) {
    const { startLine, head, body } = parseSip(message);
    const callId = header(head, 'Call-ID', 'i');
    const call = callId ? this.calls.get(callId) : undefined;
    if (startLine.startsWith('SIP/2.0 ')) {
      if (!call) return;
      const status = Number(startLine.slice(8, 11));
      const method = header(head, 'CSeq')?.split(/\s+/)[1];
      if (method === 'INVITE') this.inviteResponse(call, status, head, body);
      else if (method === 'BYE' && status >= 200) {
        this.stopRetransmit(call);
        call.bye?.('ended');
      }
      return;
    }
    // A request from the server: its BYE of a call, or an OPTIONS ping.
    const method = startLine.split(' ')[0];
    if (method === 'ACK') return;
    const response = [
      `SIP/2.0 ${call || method === 'OPTIONS' ? '200 OK' : '481 Call/Transaction Does Not Exist'}`,
      ...head.split('\r\n').filter((line) => /^(Via|v|From|f|To|t|Call-ID|i|CSeq)\s*:/i.test(line)),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    this.socket.send(Buffer.from(response, 'latin1'), remote.port, remote.address);
    if (call && method === 'BYE' && call.state !== 'ended') {
      call.state = 'ended';
      call.endpoint.target = null;
      call.endedByServer = true;
      call.settle?.('BYE before the answer');
    }
  }

  inviteResponse(call, status, head, body) {
    if (status < 200) {
      // A provisional answer stops Timer A; Timer B still runs.
      if (call.state === 'calling') {
        call.state = 'proceeding';
        this.stopRetransmit(call);
        call.retransmit = setTimeout(() => call.settle?.('no final answer (Timer B)'), TRANSACTION_TIMEOUT_MS);
      }
      return;
    }
    const toHeader = header(head, 'To', 't') ?? '';
    call.toTag ??= /;\s*tag=([^;>\s]+)/i.exec(toHeader)?.[1] ?? null;
    if (status >= 300) {
      // ACK of a non-2xx final answer: same branch as the INVITE, hop by hop.
      this.send(this.request(call, 'ACK', 1, call.inviteBranch, `sip:${call.to}@${this.target.address}:${this.target.port}`));
      if (call.state !== 'ended') {
        call.state = 'ended';
        call.settle?.(`${status} ${head.slice(12, head.indexOf('\r\n'))}`);
      }
      return;
    }
    const contact = /<([^>]+)>/.exec(header(head, 'Contact', 'm') ?? '')?.[1];
    if (contact) call.remoteTarget = contact;
    // Every 2xx (a retransmission too) gets an ACK, a new transaction.
    call.ackBranch ??= `z9hG4bK${token()}`;
    this.send(this.request(call, 'ACK', 1, call.ackBranch, call.remoteTarget));
    if (call.state === 'calling' || call.state === 'proceeding') {
      const media = sdpAudio(body);
      if (!media) {
        call.state = 'ended';
        call.settle?.('200 OK without an audio address');
        return;
      }
      call.state = 'confirmed';
      call.endpoint.target = media;
      call.settle?.('ok');
    }
  }

  /** Sends BYE on every confirmed call and waits for the 200s (or Timer F). */
  async hangup() {
    const endings = [];
    let unanswered = 0;
    for (const call of this.calls.values()) {
      call.endpoint.target = null;
      if (call.state !== 'confirmed') {
        if (call.state !== 'ended') unanswered++;
        this.stopRetransmit(call);
        continue;
      }
      call.state = 'ending';
      const bye = this.request(call, 'BYE', 2, `z9hG4bK${token()}`, call.remoteTarget);
      endings.push(
        new Promise((resolve) => {
          call.bye = (outcome) => {
            call.bye = null;
            call.state = 'ended';
            resolve(outcome);
          };
          this.send(bye);
          this.retransmit(call, bye, () => call.bye?.('no answer to BYE'), 4000);
        }),
      );
    }
    const outcomes = await Promise.all(endings);
    return { ended: outcomes.filter((o) => o === 'ended').length, failed: outcomes.filter((o) => o !== 'ended').length, unanswered };
  }

  close() {
    for (const call of this.calls.values()) this.stopRetransmit(call);
    this.calls.clear();
    this.rtp.close();
    this.socket?.close();
    this.socket = null;
  }
}

// ─── desk phones (REGISTER with digest, answer, echo) ───────────────────────────────────────────

const md5 = (text) => createHash('md5').update(text).digest('hex');

/** Digest parameters of a WWW-Authenticate / Proxy-Authenticate value. */
function challengeOf(value) {
  const params = {};
  for (const match of value.replace(/^Digest\s+/i, '').matchAll(/([a-z-]+)=("([^"]*)"|[^,\s]+)/gi)) params[match[1].toLowerCase()] = match[3] ?? match[2];
  return params;
}

class Phones {
  constructor() {
    this.rtp = new RtpEndpoints();
    this.phones = new Map(); // extension id → {endpoint, …}
    this.registrations = new Map(); // Call-ID → pending REGISTER
    this.calls = new Map(); // Call-ID → answered call
    this.answered = 0;
    this.ended = 0;
  }

  async register({ target, extensions, cps, bindAddress }) {
    this.target = target;
    this.socket = await udpSocket(bindAddress);
    this.socket.on('message', (message, remote) => this.onMessage(message, remote));
    this.socket.on('error', () => undefined);
    this.local = this.socket.address();
    const startedAt = performance.now();
    const outcomes = [];
    for (let i = 0; i < extensions.length; i++) {
      const due = startedAt + (i * 1000) / cps;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const extension = extensions[i];
      const endpoint = await this.rtp.add(bindAddress);
      // An echo: every RTP packet goes back where it came from.
      endpoint.socket.on('message', (packet, remote) => endpoint.socket.send(packet, remote.port, remote.address));
      this.phones.set(extension.id, { ...extension, endpoint });
      outcomes.push(this.registerOne(extension));
    }
    const results = await Promise.all(outcomes);
    const failures = results.filter((r) => r !== 'ok');
    return { registered: results.length - failures.length, failed: failures.length, failures: [...new Set(failures)].slice(0, 5) };
  }

  registerOne(extension) {
    const callId = `${token()}@${this.local.address}`;
    const reg = { extension, callId, tag: token(), cseq: 1, retransmit: null };
    this.registrations.set(callId, reg);
    return new Promise((resolve) => {
      reg.settle = (outcome) => {
        clearTimeout(reg.retransmit);
        this.registrations.delete(callId);
        resolve(outcome);
      };
      this.sendRegister(reg, null);
    });
  }

  sendRegister(reg, authorization) {
    const { address, port } = this.local;
    const { id, domain } = reg.extension;
    const message = Buffer.from(
      [
        `REGISTER sip:${domain} SIP/2.0`,
        `Via: SIP/2.0/UDP ${address}:${port};branch=z9hG4bK${token()};rport`,
        'Max-Forwards: 70',
        `From: <sip:${id}@${domain}>;tag=${reg.tag}`,
        `To: <sip:${id}@${domain}>`,
        `Call-ID: ${reg.callId}`,
        `CSeq: ${reg.cseq} REGISTER`,
        `Contact: <sip:${id}@${address}:${port}>`,
        'Expires: 3600',
        ...(authorization ? [`Authorization: ${authorization}`] : []),
        'User-Agent: openccc-bench-phone',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      'latin1',
    );
    let interval = T1_MS;
    let elapsed = 0;
    const send = () => {
      this.socket.send(message, this.target.port, this.target.address);
      if (elapsed >= TRANSACTION_TIMEOUT_MS) return reg.settle('no answer to REGISTER');
      reg.retransmit = setTimeout(send, interval);
      elapsed += interval;
      interval = Math.min(interval * 2, 4000);
    };
    clearTimeout(reg.retransmit);
    send();
  }

  onMessage(message, remote) {
    const { startLine, head } = parseSip(message);
    const callId = header(head, 'Call-ID', 'i') ?? '';
    if (startLine.startsWith('SIP/2.0 ')) {
      const reg = this.registrations.get(callId);
      if (!reg) return;
      const status = Number(startLine.slice(8, 11));
      if (status < 200) return;
      if (status === 401 && reg.cseq === 1) {
        const challenge = challengeOf(header(head, 'WWW-Authenticate') ?? '');
        const { id, domain, password } = reg.extension;
        const uri = `sip:${domain}`;
        const cnonce = token();
        const nc = '00000001';
        const ha1 = md5(`${id}:${challenge.realm}:${password}`);
        const ha2 = md5(`REGISTER:${uri}`);
        const qop = challenge.qop ? 'auth' : null;
        const response = qop ? md5(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${challenge.nonce}:${ha2}`);
        const fields = [`username="${id}"`, `realm="${challenge.realm}"`, `nonce="${challenge.nonce}"`, `uri="${uri}"`, `response="${response}"`, 'algorithm=MD5'];
        if (qop) fields.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
        if (challenge.opaque !== undefined) fields.push(`opaque="${challenge.opaque}"`);
        reg.cseq = 2;
        this.sendRegister(reg, `Digest ${fields.join(', ')}`);
      } else {
        reg.settle(status === 200 ? 'ok' : `${status} ${head.slice(12, head.indexOf('\r\n'))}`);
      }
      return;
    }
    const method = startLine.split(' ')[0];
    const call = this.calls.get(callId);
    if (method === 'ACK') {
      if (call && !call.acked) {
        call.acked = true;
        clearTimeout(call.retransmit);
        this.answered++;
      }
      return;
    }
    if (method === 'INVITE' && call) {
      // A retransmitted INVITE: the same answer again.
      this.socket.send(call.answer, remote.port, remote.address);
      return;
    }
    if (method === 'INVITE') return this.answer(startLine, head, callId, remote);
    const reply = (status) =>
      this.socket.send(
        Buffer.from([`SIP/2.0 ${status}`, ...head.split('\r\n').filter((line) => /^(Via|v|From|f|To|t|Call-ID|i|CSeq)\s*:/i.test(line)), 'Content-Length: 0', '', ''].join('\r\n'), 'latin1'),
        remote.port,
        remote.address,
      );
    if (method === 'BYE') {
      reply(call ? '200 OK' : '481 Call/Transaction Does Not Exist');
      if (call && !call.ended) {
        call.ended = true;
        clearTimeout(call.retransmit);
        this.ended++;
      }
      return;
    }
    reply(method === 'OPTIONS' || method === 'CANCEL' ? '200 OK' : '405 Method Not Allowed');
  }

  /** Answers at once: 200 OK with our offer (the INVITE has none), sent again until the ACK. */
  answer(startLine, head, callId, remote) {
    const user = /^INVITE sip:([^@;>]+)@/.exec(startLine)?.[1];
    const phone = user ? this.phones.get(user) : undefined;
    const { address, port } = this.local;
    const lines = head.split('\r\n').filter((line) => /^(Via|v|From|f|Call-ID|i|CSeq)\s*:/i.test(line));
    const to = (header(head, 'To', 't') ?? '') + `;tag=${token()}`;
    if (!phone) {
      const response = [`SIP/2.0 404 Not Found`, ...lines, `To: ${to}`, 'Content-Length: 0', '', ''].join('\r\n');
      return this.socket.send(Buffer.from(response, 'latin1'), remote.port, remote.address);
    }
    const sdp = [
      'v=0',
      `o=phone ${Date.now()} 1 IN IP4 ${address}`,
      's=-',
      `c=IN IP4 ${address}`,
      't=0 0',
      `m=audio ${phone.endpoint.socket.address().port} RTP/AVP 0`,
      'a=rtpmap:0 PCMU/8000',
      'a=ptime:20',
      'a=sendrecv',
      '',
    ].join('\r\n');
    const answer = Buffer.from(
      ['SIP/2.0 200 OK', ...lines, `To: ${to}`, `Contact: <sip:${user}@${address}:${port}>`, 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(sdp)}`, '', sdp].join('\r\n'),
      'latin1',
    );
    const call = { answer, acked: false, ended: false, retransmit: null };
    this.calls.set(callId, call);
    let interval = T1_MS;
    let elapsed = 0;
    const send = () => {
      this.socket.send(answer, remote.port, remote.address);
      if (elapsed >= TRANSACTION_TIMEOUT_MS) return;
      call.retransmit = setTimeout(send, interval);
      elapsed += interval;
      interval = Math.min(interval * 2, 4000);
    };
    send();
  }

  close() {
    for (const reg of this.registrations.values()) clearTimeout(reg.retransmit);
    for (const call of this.calls.values()) clearTimeout(call.retransmit);
    this.calls.clear();
    this.rtp.close();
    this.socket?.close();
  }
}

// ─── IPC ────────────────────────────────────────────────────────────────────────────────────────

const role = process.argv.includes('--carrier') ? 'carrier' : process.argv.includes('--phones') ? 'phones' : 'agents';
let carrier = role === 'carrier' ? new Carrier() : null;
let agents = role === 'agents' ? new RtpEndpoints() : null;
let phones = role === 'phones' ? new Phones() : null;
let window = { cpu: process.cpuUsage(), at: performance.now() };
const rtp = () => (carrier ? carrier.rtp : phones ? phones.rtp : agents);

process.on('message', async (message) => {
  switch (message.type) {
    case 'open': {
      const ports = [];
      for (let i = 0; i < message.count; i++) ports.push((await agents.add(message.bindAddress ?? '127.0.0.1')).socket.address().port);
      agents.start();
      return process.send({ type: 'opened', ports });
    }
    case 'targets':
      for (const [i, port] of Object.entries(message.targets)) agents.endpoints[Number(i)].target = { address: message.address ?? '127.0.0.1', port };
      return process.send({ type: 'targeted' });
    case 'register':
      return process.send({ type: 'registered', ...(await phones.register(message)) });
    case 'phones':
      return process.send({ type: 'phones', answered: phones.answered, ended: phones.ended });
    case 'dial':
      return process.send({ type: 'dialled', ...(await carrier.dial(message)) });
    case 'measure':
      rtp().measure(message.window);
      window = { cpu: process.cpuUsage(), at: performance.now() };
      return process.send({ type: 'measuring' });
    case 'report': {
      const elapsedMs = performance.now() - window.at;
      const cpu = process.cpuUsage(window.cpu);
      const counts = await rtp().report();
      return process.send({ type: 'report', ...counts, cpuMs: (cpu.user + cpu.system) / 1000, elapsedMs, rssMb: process.memoryUsage().rss / 1048576 });
    }
    case 'late':
      return process.send({ type: 'late', late: rtp().late });
    case 'hangup':
      return process.send({ type: 'hungUp', ...(await carrier.hangup()) });
    case 'stop':
      if (carrier) {
        carrier.close();
        carrier = new Carrier();
      } else if (phones) {
        phones.close();
        phones = new Phones();
      } else {
        agents.close();
        agents = new RtpEndpoints();
      }
      return process.send({ type: 'stopped' });
    case 'exit':
      return process.exit(0);
  }
});
process.send({ type: 'ready' });
