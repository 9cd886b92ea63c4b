/**
 * Reads the UDP payloads out of a classic libpcap file (Ethernet, IPv4), so tests can replay what a
 * real endpoint sent: sipp's bundled `g711a.pcap` (PCMA at 30 ms) and `dtmf_2833_*.pcap` (RFC 4733).
 */
import { existsSync, readFileSync } from 'node:fs';

/** Where Debian's sip-tester package puts sipp's pcaps; CI installs it. */
export const SIPP_PCAP_FOLDER = '/usr/share/sip-tester';

export function sippPcapAvailable(name: string): boolean {
  return existsSync(`${SIPP_PCAP_FOLDER}/${name}`);
}

/** The UDP payloads of a pcap, in capture order. */
export function readPcapUdpPayloads(path: string): Buffer[] {
  const file = readFileSync(path);
  const magic = file.readUInt32LE(0);
  const littleEndian = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!littleEndian && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d) throw new Error(`${path} is not a classic pcap file`);
  const u32 = (offset: number) => (littleEndian ? file.readUInt32LE(offset) : file.readUInt32BE(offset));
  if (u32(20) !== 1) throw new Error(`${path}: only Ethernet captures are read`);
  const payloads: Buffer[] = [];
  for (let offset = 24; offset + 16 <= file.length; ) {
    const captured = u32(offset + 8);
    const frame = file.subarray(offset + 16, offset + 16 + captured);
    offset += 16 + captured;
    if (frame.length < 14 + 20 + 8 || frame.readUInt16BE(12) !== 0x0800) continue;
    const ip = frame.subarray(14);
    if (ip[9] !== 17) continue;
    const udp = ip.subarray(((ip[0] as number) & 0x0f) * 4);
    payloads.push(Buffer.from(udp.subarray(8, udp.readUInt16BE(4))));
  }
  return payloads;
}
