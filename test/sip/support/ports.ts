import dgram from 'node:dgram';
import net from 'node:net';

/** Transport protocols a port must be free on. */
export type PortProtocol = 'udp' | 'tcp';

export interface FreePortOptions {
  /** Address the port must be free on (default 127.0.0.1). */
  host?: string;
  /** Protocols the port must be free on, all at once (default both: SIP listens on UDP and TCP). */
  protocols?: readonly PortProtocol[];
  /**
   * Consecutive ports needed from the returned one on (default 1). The first is even, as RTP
   * wants; sipp's `-mp P` binds P and P+2, so ask for 4.
   */
  span?: number;
  /** Attempts before giving up (default 50). */
  attempts?: number;
}

/** Ports already handed out by this process, so two callers never get the same one before either binds it. */
const handedOut = new Set<number>();

/**
 * A port (or a run of consecutive ports) free right now on every requested protocol.
 *
 * The kernel picks a candidate (bind to port 0); the rest of the span and the other
 * protocols are then tried on the same numbers. The port is released before returning, so
 * another process can still take it: bind it promptly.
 */
export async function findFreePort(options: FreePortOptions = {}): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const protocols = options.protocols ?? ['udp', 'tcp'];
  const span = options.span ?? 1;
  const attempts = options.attempts ?? 50;
  if (protocols.length === 0) throw new Error('findFreePort: name at least one protocol');
  if (!Number.isInteger(span) || span < 1) throw new Error(`findFreePort: span must be a positive integer, got ${span}`);

  for (let attempt = 0; attempt < attempts; attempt++) {
    const candidate = await kernelPort(protocols[0]!, host);
    const first = span > 1 && candidate % 2 === 1 ? candidate + 1 : candidate;
    const last = first + span - 1;
    if (last > 65_535) continue;
    if (overlapsHandedOut(first, last)) continue;
    if (await allFree(first, last, protocols, host)) {
      for (let port = first; port <= last; port++) handedOut.add(port);
      return first;
    }
  }
  throw new Error(
    `findFreePort: no ${span > 1 ? `run of ${span} ports` : 'port'} free on ${protocols.join('+')} ${host} after ${attempts} attempts`,
  );
}

function overlapsHandedOut(first: number, last: number): boolean {
  for (let port = first; port <= last; port++) if (handedOut.has(port)) return true;
  return false;
}

async function allFree(first: number, last: number, protocols: readonly PortProtocol[], host: string): Promise<boolean> {
  const held: Array<() => Promise<void>> = [];
  try {
    for (let port = first; port <= last; port++) {
      for (const protocol of protocols) {
        const release = await tryBind(protocol, host, port);
        if (!release) return false;
        held.push(release);
      }
    }
    return true;
  } finally {
    await Promise.all(held.map((release) => release()));
  }
}

async function kernelPort(protocol: PortProtocol, host: string): Promise<number> {
  const probe = protocol === 'udp' ? await bindUdp(host, 0) : await bindTcp(host, 0);
  if (!probe) throw new Error(`findFreePort: cannot bind ${protocol} on ${host}`);
  await probe.release();
  return probe.port;
}

async function tryBind(protocol: PortProtocol, host: string, port: number): Promise<(() => Promise<void>) | undefined> {
  const bound = protocol === 'udp' ? await bindUdp(host, port) : await bindTcp(host, port);
  return bound?.release;
}

interface Bound {
  port: number;
  release: () => Promise<void>;
}

function bindUdp(host: string, port: number): Promise<Bound | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false });
    socket.once('error', () => {
      socket.close();
      resolve(undefined);
    });
    socket.bind(port, host, () => {
      resolve({
        port: socket.address().port,
        release: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}

function bindTcp(host: string, port: number): Promise<Bound | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        resolve(undefined);
        return;
      }
      resolve({
        port: address.port,
        release: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
