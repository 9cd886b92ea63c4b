import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createResponse } from '../message/build.js';
import { parseSipMessage } from '../message/parse.js';
import { SipHeaders, SipTransportError, type Endpoint, type Received, type SipRequest, type SipResponse } from '../types.js';
import { responseTarget, SipSocketTransport, type SipSocketTransportOptions } from './socket-transport.js';

const log = pino({ level: 'silent' });
const open: Array<{ close(): unknown }> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

async function transport(options: Partial<SipSocketTransportOptions> = {}): Promise<SipSocketTransport> {
  const started = await SipSocketTransport.listen({ address: '127.0.0.1', udpPort: 0, tcpPort: 0, log, ...options });
  open.push(started);
  return started;
}

function nextMessage(sip: SipSocketTransport): Promise<Received> {
  return new Promise((resolve) => sip.onMessage(resolve));
}

function nextError(sip: SipSocketTransport): Promise<SipTransportError> {
  return new Promise((resolve) => sip.onError(resolve));
}

function request(via: string, { method = 'OPTIONS', uri = 'sip:1002@example.com', callId = 'call-1', cseq = '1 OPTIONS', body = '' } = {}): string {
  return [
    `${method} ${uri} SIP/2.0`,
    `Via: ${via}`,
    'From: <sip:1001@example.com>;tag=f1',
    'To: <sip:1002@example.com>',
    `Call-ID: ${callId}`,
    `CSeq: ${cseq}`,
    'Max-Forwards: 70',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

function parsedResponse(data: Buffer | string): SipResponse {
  const parsed = parseSipMessage(Buffer.from(data));
  if (!parsed.ok || parsed.message.kind !== 'response') throw new Error(`not a response: ${String(data)}`);
  return parsed.message;
}

async function udpPeer(): Promise<dgram.Socket & { next(): Promise<Buffer>; sendTo(data: string, to: Endpoint): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  open.push(socket);
  const queue: Buffer[] = [];
  const waiting: Array<(data: Buffer) => void> = [];
  socket.on('message', (data) => {
    const waiter = waiting.shift();
    if (waiter) waiter(data);
    else queue.push(data);
  });
  return Object.assign(socket, {
    next: () => new Promise<Buffer>((resolve) => (queue.length > 0 ? resolve(queue.shift()!) : waiting.push(resolve))),
    sendTo: (data: string, to: Endpoint) => new Promise<void>((resolve, reject) => socket.send(data, to.port, to.address, (error) => (error ? reject(error) : resolve()))),
  });
}

/** A TCP client that collects what it receives and knows when the server closed it. */
async function tcpPeer(to: Endpoint): Promise<{ socket: net.Socket; received: () => string; waitFor: (text: string) => Promise<string>; closed: Promise<string> }> {
  const socket = net.connect({ host: to.address, port: to.port });
  open.push({ close: () => socket.destroy() });
  let data = '';
  const watchers = new Set<() => void>();
  socket.on('data', (chunk: Buffer) => {
    data += chunk.toString('latin1');
    for (const watcher of watchers) watcher();
  });
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(data)));
  await once(socket, 'connect');
  const waitFor = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (data.includes(text)) {
          watchers.delete(check);
          resolve(data);
        }
      };
      watchers.add(check);
      void closed.then(() => (data.includes(text) ? resolve(data) : reject(new Error(`closed before "${JSON.stringify(text)}": ${data}`))));
      check();
    });
  return { socket, received: () => data, waitFor, closed };
}

async function write(socket: net.Socket, data: string): Promise<void> {
  await new Promise<void>((resolve, reject) => socket.write(data, (error) => (error ? reject(error) : resolve())));
}

describe('SipSocketTransport over UDP', () => {
  it('stamps received and rport on a request and sends the answer back to its source', async () => {
    const sip = await transport();
    const peer = await udpPeer();
    const arrived = nextMessage(sip);
    await peer.sendTo(request('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKu1;rport'), sip.local('udp'));
    const received = await arrived;
    const peerPort = peer.address().port;
    expect(received.message.headers.get('Via')).toBe(`SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKu1;rport=${peerPort};received=127.0.0.1`);
    expect(received.source).toEqual({ transport: 'udp', address: '127.0.0.1', port: peerPort });
    expect(received.flowId).toBe(`udp:${sip.local('udp').port}:127.0.0.1:${peerPort}`);

    const req = received.message as SipRequest;
    const target = responseTarget(req, received);
    expect(target).toEqual({ transport: 'udp', address: '127.0.0.1', port: peerPort });
    sip.send(createResponse(req, 200), target, received.flowId);
    const answer = parsedResponse(await peer.next());
    expect(answer.status).toBe(200);
    expect(answer.headers.get('Via')).toBe(received.message.headers.get('Via'));
  });

  it('answers a malformed request 400 with the reason and does not deliver it', async () => {
    const sip = await transport();
    const delivered: Received[] = [];
    sip.onMessage((received) => delivered.push(received));
    const peer = await udpPeer();
    await peer.sendTo(request('SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKbad;rport', { uri: 'not-a-uri' }), sip.local('udp'));
    const answer = parsedResponse(await peer.next());
    expect(answer.status).toBe(400);
    expect(answer.reason).toMatch(/^Bad Request \(.*URI.*\)$/i);
    expect(answer.headers.get('Via')).toBe(`SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKbad;rport=${peer.address().port};received=127.0.0.1`);
    expect(answer.headers.get('Call-ID')).toBe('call-1');
    expect(delivered).toEqual([]);
  });

  it('drops what admit refuses before parsing: no delivery, no 400', async () => {
    const admitted: Endpoint[] = [];
    // Banned for its first two datagrams (admit runs when the server reads them, in order).
    const sip = await transport({
      admit: (source) => {
        admitted.push(source);
        return admitted.length > 2;
      },
    });
    const delivered: Received[] = [];
    sip.onMessage((received) => delivered.push(received));
    const peer = await udpPeer();
    await peer.sendTo(request('SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKb1;rport', { callId: 'while-banned', uri: 'bad' }), sip.local('udp'));
    await peer.sendTo(request('SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKb2;rport', { callId: 'while-banned' }), sip.local('udp'));
    await peer.sendTo(request('SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKb3;rport', { callId: 'after-ban', uri: 'bad' }), sip.local('udp'));
    // Datagrams are handled in order: had the first been answered, its 400 would arrive first.
    expect(parsedResponse(await peer.next()).headers.get('Call-ID')).toBe('after-ban');
    expect(delivered).toEqual([]);
    expect(admitted).toHaveLength(3);
  });

  it('keeps delivering when a handler throws, and refuses a source whose admit check throws', async () => {
    let checks = 0;
    const sip = await transport({
      admit: () => {
        checks += 1;
        if (checks === 1) throw new Error('ban list unavailable');
        return true;
      },
    });
    sip.onMessage(() => {
      throw new Error('handler bug');
    });
    const delivered: Received[] = [];
    const second = new Promise<void>((resolve) =>
      sip.onMessage((received) => {
        delivered.push(received);
        if (delivered.length === 2) resolve();
      }),
    );
    const peer = await udpPeer();
    for (const callId of ['refused', 'first', 'second']) await peer.sendTo(request('SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKh;rport', { callId }), sip.local('udp'));
    await second;
    expect(delivered.map((received) => received.message.headers.get('Call-ID'))).toEqual(['first', 'second']);
  });

  it('reports a message too big for a datagram through onError', async () => {
    const sip = await transport();
    const failed = nextError(sip);
    const to: Endpoint = { transport: 'udp', address: '127.0.0.1', port: 9 };
    const big: SipRequest = {
      kind: 'request',
      method: 'MESSAGE',
      uri: 'sip:a@example.com',
      headers: new SipHeaders([['Via', 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKbig']]),
      body: Buffer.alloc(70_000, 0x61),
    };
    sip.send(big, to);
    const error = await failed;
    expect(error).toBeInstanceOf(SipTransportError);
    expect(error.endpoint).toEqual(to);
    expect(error.message).toMatch(/does not fit a UDP datagram/);
  });
});

describe('SipSocketTransport over TCP', () => {
  it('frames several messages in one chunk and one split across writes, and answers on the same connection', async () => {
    const sip = await transport();
    const delivered: Received[] = [];
    const third = new Promise<void>((resolve) =>
      sip.onMessage((received) => {
        delivered.push(received);
        if (delivered.length === 3) resolve();
      }),
    );
    const peer = await tcpPeer(sip.local('tcp'));
    const first = request('SIP/2.0/TCP 10.0.0.5;branch=z9hG4bKt1', { callId: 'a', body: 'v=0\r\n' });
    const second = request('SIP/2.0/TCP 10.0.0.5;branch=z9hG4bKt2', { callId: 'b' });
    const split = request('SIP/2.0/TCP 10.0.0.5;branch=z9hG4bKt3', { callId: 'c', body: 'hello' });
    await write(peer.socket, first + second + split.slice(0, 7));
    await write(peer.socket, split.slice(7, 60));
    await write(peer.socket, split.slice(60));
    await third;
    expect(delivered.map((received) => received.message.headers.get('Call-ID'))).toEqual(['a', 'b', 'c']);
    expect(delivered[0]?.message.body.toString()).toBe('v=0\r\n');
    expect(new Set(delivered.map((received) => received.flowId)).size).toBe(1);
    const last = delivered[2]!;
    expect(last.message.headers.get('Via')).toBe('SIP/2.0/TCP 10.0.0.5;branch=z9hG4bKt3;received=127.0.0.1');

    const req = last.message as SipRequest;
    sip.send(createResponse(req, 200), responseTarget(req, last), last.flowId);
    expect(parsedResponse(await peer.waitFor('\r\n\r\n')).headers.get('Call-ID')).toBe('c');
  });

  it('answers a CRLF CRLF keep-alive with CRLF', async () => {
    const sip = await transport();
    const peer = await tcpPeer(sip.local('tcp'));
    await write(peer.socket, '\r\n\r\n');
    expect(await peer.waitFor('\r\n')).toBe('\r\n');
  });

  it('answers a malformed request 400 and closes the connection', async () => {
    const sip = await transport();
    const peer = await tcpPeer(sip.local('tcp'));
    await write(peer.socket, request('SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKm', { uri: 'not-a-uri' }) + request('SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKn'));
    // One 400, and the well-formed request after it is never read: the connection is closed.
    const answer = parsedResponse(await peer.closed);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('Via')).toBe('SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKm');
  });

  it('closes a connection whose message outgrows the limit, after a 400 when the start shows where to answer', async () => {
    const sip = await transport({ limits: { maxMessageBytes: 1_024 } });
    const answerable = await tcpPeer(sip.local('tcp'));
    const start = request('SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKo', { method: 'INVITE', cseq: '1 INVITE' }).replace(/Content-Length: 0\r\n\r\n$/, '');
    await write(answerable.socket, `${start}X-Filler: ${'a'.repeat(2_000)}`);
    const answer = parsedResponse(await answerable.closed);
    expect(answer.status).toBe(400);
    expect(answer.reason).toMatch(/larger than 1024/);

    const garbage = await tcpPeer(sip.local('tcp'));
    await write(garbage.socket, 'x'.repeat(2_000));
    expect(await garbage.closed).toBe('');
  });

  it('closes connections admit refuses without reading them', async () => {
    const refused: Endpoint[] = [];
    const sip = await transport({
      admit: (source) => {
        refused.push(source);
        return false;
      },
    });
    const peer = await tcpPeer(sip.local('tcp'));
    const port = peer.socket.localPort;
    expect(await peer.closed).toBe('');
    expect(refused).toEqual([{ transport: 'tcp', address: '127.0.0.1', port }]);
  });

  it('checks admit again for each message and drops the connection once it refuses', async () => {
    let calls = 0;
    const sip = await transport({ admit: () => ++calls === 1 });
    const delivered: Received[] = [];
    sip.onMessage((received) => delivered.push(received));
    const peer = await tcpPeer(sip.local('tcp'));
    await write(peer.socket, request('SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKa', { uri: 'bad' }));
    expect(await peer.closed).toBe('');
    expect(delivered).toEqual([]);
    expect(calls).toBe(2);
  });

  it('caps connections per address, keeping the ones already open', async () => {
    const sip = await transport({ maxTcpConnectionsPerIp: 2 });
    const first = await tcpPeer(sip.local('tcp'));
    const second = await tcpPeer(sip.local('tcp'));
    const third = await tcpPeer(sip.local('tcp'));
    expect(await third.closed).toBe('');
    await write(first.socket, '\r\n\r\n');
    await write(second.socket, '\r\n\r\n');
    expect(await first.waitFor('\r\n')).toBe('\r\n');
    expect(await second.waitFor('\r\n')).toBe('\r\n');
  });

  it('caps connections overall, refusing outbound ones too', async () => {
    const sip = await transport({ maxTcpConnections: 1 });
    const first = await tcpPeer(sip.local('tcp'));
    const second = await tcpPeer(sip.local('tcp'));
    expect(await second.closed).toBe('');
    const failed = nextError(sip);
    const to: Endpoint = { transport: 'tcp', address: '127.0.0.1', port: 9 };
    sip.send(createResponse(optionsRequest('z9hG4bKcap'), 200), to);
    expect((await failed).message).toMatch(/1 connections already open/);
    await write(first.socket, '\r\n\r\n');
    expect(await first.waitFor('\r\n')).toBe('\r\n');
  });

  it('drops a connection whose peer stops reading instead of queueing without bound', async () => {
    const sip = await transport();
    const arrived = nextMessage(sip);
    const peer = await tcpPeer(sip.local('tcp'));
    peer.socket.pause();
    await write(peer.socket, request('SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKslow'));
    const { flowId, source } = await arrived;
    const errors: SipTransportError[] = [];
    sip.onError((error) => errors.push(error));
    const big: SipRequest = { ...optionsRequest('z9hG4bKbig'), method: 'MESSAGE', body: Buffer.alloc(60_000, 0x61) };
    // Far more than the kernel buffers hold: the queue beyond them reaches the cap.
    for (let i = 0; i < 500 && errors.length === 0; i++) sip.send(big, source, flowId);
    expect(errors[0]?.message).toMatch(/peer is not reading/);
    // Once it reads again, the peer finds what the kernel held, then the end of the connection.
    peer.socket.resume();
    expect((await peer.closed).length).toBeGreaterThan(0);
  });

  it('closes a silent connection after the idle time', async () => {
    const sip = await transport({ idleTcpMs: 50 });
    const peer = await tcpPeer(sip.local('tcp'));
    expect(await peer.closed).toBe('');
  });

  it('opens a connection for an outbound request, gets the answer on it and reuses it', async () => {
    const client = await transport();
    const server = await transport();
    const serverGot = nextMessage(server);
    client.send(optionsRequest('z9hG4bKout1'), server.local('tcp'));
    const first = await serverGot;

    const clientGot = nextMessage(client);
    const req = first.message as SipRequest;
    server.send(createResponse(req, 200), responseTarget(req, first), first.flowId);
    const answer = await clientGot;
    expect(answer.message).toMatchObject({ kind: 'response', status: 200 });
    expect(answer.source).toEqual(server.local('tcp'));

    const serverGotAgain = nextMessage(server);
    client.send(optionsRequest('z9hG4bKout2'), server.local('tcp'));
    expect((await serverGotAgain).flowId).toBe(first.flowId);
    // The client's flow id for its connection also routes a send, whatever `to` says.
    const serverGotThird = nextMessage(server);
    client.send(optionsRequest('z9hG4bKout3'), { transport: 'tcp', address: '127.0.0.1', port: 9 }, answer.flowId);
    expect((await serverGotThird).flowId).toBe(first.flowId);
  });

  it('reports a refused connection through onError', async () => {
    const sip = await transport();
    const closedPort = await freeTcpPort();
    const failed = nextError(sip);
    const to: Endpoint = { transport: 'tcp', address: '127.0.0.1', port: closedPort };
    sip.send(optionsRequest('z9hG4bKrefused'), to);
    const error = await failed;
    expect(error).toBeInstanceOf(SipTransportError);
    expect(error.endpoint).toEqual(to);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('closes every connection on close()', async () => {
    const sip = await transport({ udpPort: 0, tcpPort: 0 });
    const peer = await tcpPeer(sip.local('tcp'));
    await write(peer.socket, '\r\n\r\n');
    await peer.waitFor('\r\n');
    await sip.close();
    expect(await peer.closed).toBe('\r\n');
    await sip.close();
  });

  it('fails to listen when the TCP port is taken, releasing the UDP port it bound', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    open.push(taken);
    const port = (taken.address() as net.AddressInfo).port;
    await expect(SipSocketTransport.listen({ address: '127.0.0.1', udpPort: port, log })).rejects.toThrow(/EADDRINUSE/);
    const udp = dgram.createSocket('udp4');
    open.push(udp);
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, '127.0.0.1', resolve);
    });
  });

  it('listens on UDP only when tcpPort is null', async () => {
    const sip = await transport({ tcpPort: null });
    expect(sip.local('udp').port).toBeGreaterThan(0);
    expect(() => sip.local('tcp')).toThrow(/does not listen on TCP/);
    const failed = nextError(sip);
    sip.send(optionsRequest('z9hG4bKnotcp'), { transport: 'tcp', address: '127.0.0.1', port: 5060 });
    expect((await failed).message).toMatch(/TCP is not enabled/);
  });
});

function optionsRequest(branch: string): SipRequest {
  return {
    kind: 'request',
    method: 'OPTIONS',
    uri: 'sip:1002@example.com',
    headers: new SipHeaders([
      ['Via', `SIP/2.0/TCP 127.0.0.1;branch=${branch}`],
      ['From', '<sip:1001@example.com>;tag=f1'],
      ['To', '<sip:1002@example.com>'],
      ['Call-ID', branch],
      ['CSeq', '1 OPTIONS'],
      ['Max-Forwards', '70'],
    ]),
    body: Buffer.alloc(0),
  };
}

async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}
