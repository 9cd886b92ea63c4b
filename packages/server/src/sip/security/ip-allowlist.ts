import { BlockList, isIP } from 'node:net';

/**
 * Source address allowlists for IP-authenticated trunks and trusted peers: IPv4 and IPv6 CIDRs,
 * with IPv4-mapped IPv6 addresses (`::ffff:192.0.2.1`, as a dual-stack socket reports an IPv4
 * peer) matched against the IPv4 entries, and mapped entries stored as IPv4.
 */

export type IpFamily = 'ipv4' | 'ipv6';

export interface Cidr {
  address: string;
  prefix: number;
  family: IpFamily;
}

const MAPPED_PREFIX = /^(?:::|(?:0{1,4}:){5})ffff:(.+)$/i;

/** `10.0.0.0/8`, `2001:db8::/32`, or a single address (a /32 or /128); null when it is neither. */
export function parseCidr(text: string): Cidr | null {
  const [addressText = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const family = familyOf(addressText);
  if (!family) return null;
  const width = family === 'ipv4' ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (prefix > width) return null;
  const mapped = family === 'ipv6' ? unmapIpv4(addressText) : null;
  if (mapped !== null) return prefix >= 96 ? { address: mapped, prefix: prefix - 96, family: 'ipv4' } : { address: addressText.toLowerCase(), prefix, family };
  return { address: family === 'ipv6' ? addressText.toLowerCase() : addressText, prefix, family };
}

/** A fixed set of CIDRs, built once from configuration. */
export class IpAllowlist {
  private readonly list = new BlockList();
  readonly size: number;

  /** @throws RangeError naming the first entry that is not an address or CIDR. */
  constructor(entries: ReadonlyArray<string>) {
    for (const entry of entries) {
      const cidr = parseCidr(entry);
      if (!cidr) throw new RangeError(`IP allowlist entry ${JSON.stringify(entry)} is not an IPv4 or IPv6 address or CIDR (e.g. 203.0.113.0/24, 2001:db8::/32).`);
      this.list.addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
    this.size = entries.length;
  }

  /** Whether `address` (a socket's remote address) falls in an entry; false for anything that is not an IP address. */
  has(address: string): boolean {
    const family = familyOf(address);
    if (!family) return false;
    const mapped = family === 'ipv6' ? unmapIpv4(address) : null;
    return mapped !== null ? this.list.check(mapped, 'ipv4') : this.list.check(address, family);
  }
}

function familyOf(address: string): IpFamily | null {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a00:1` or `::ffff:10.0.0.1`), else null. */
function unmapIpv4(address: string): string | null {
  const tail = MAPPED_PREFIX.exec(address)?.[1];
  if (tail === undefined) return null;
  if (isIP(tail) === 4) return tail;
  const groups = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
  if (!groups) return null;
  const high = Number.parseInt(groups[1]!, 16);
  const low = Number.parseInt(groups[2]!, 16);
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}
