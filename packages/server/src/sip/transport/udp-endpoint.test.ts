import { existsSync, readFileSync } from 'node:fs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { UDP_RECEIVE_BUFFER_BYTES } from './defaults.js';
import { UdpEndpoint } from './udp-endpoint.js';

const RMEM_MAX = '/proc/sys/net/core/rmem_max';

describe('UdpEndpoint', () => {
  let endpoint: UdpEndpoint | undefined;
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  it.runIf(existsSync(RMEM_MAX))('asks the kernel for a receive buffer large enough for bursts, up to what it allows', async () => {
    endpoint = await UdpEndpoint.bind('127.0.0.1', 0, () => undefined, pino({ level: 'silent' }));
    const allowed = Number(readFileSync(RMEM_MAX, 'utf8').trim());
    // Linux reserves twice the size granted (bookkeeping), and reports that.
    expect(endpoint.receiveBufferBytes).toBeGreaterThanOrEqual(2 * Math.min(UDP_RECEIVE_BUFFER_BYTES, allowed));
  });

  it('still receives datagrams with the larger buffer', async () => {
    const received: Buffer[] = [];
    let arrived: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (arrived = resolve));
    endpoint = await UdpEndpoint.bind('127.0.0.1', 0, (data) => {
      received.push(data);
      if (received.length === 3) arrived();
    }, pino({ level: 'silent' }));
    const sender = await UdpEndpoint.bind('127.0.0.1', 0, () => undefined, pino({ level: 'silent' }));
    const errors: unknown[] = [];
    for (const text of ['one', 'two', 'three']) sender.send(Buffer.from(text), endpoint.local, (error) => errors.push(error));
    await all;
    await sender.close();
    expect(errors).toEqual([]);
    expect(received.map(String).sort()).toEqual(['one', 'three', 'two']);
  });
});
