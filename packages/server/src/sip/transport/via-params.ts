import { hostAddress, type Via } from '../message/via.js';

/** A Via parameter (names are lower-cased by the parser): undefined when absent, null when a flag. */
export function viaParam(via: Via, name: 'received' | 'rport'): string | null | undefined {
  return Object.hasOwn(via.params, name) ? via.params[name] : undefined;
}

/** Whether a Via host names the given socket address (case-insensitive, IPv6 brackets ignored). */
export function sameHost(host: string, address: string): boolean {
  return hostAddress(host).toLowerCase() === hostAddress(address).toLowerCase();
}
