import { TOKEN } from './lexer.js';

/** A CSeq value: sequence number and method (RFC 3261 §20.16). */
export interface CSeq {
  seq: number;
  method: string;
}

const CSEQ = /^(\d{1,10})[ \t]+(\S+)$/;

/** Parses `4711 INVITE`; null when malformed or the number is not below 2**31. */
export function parseCSeq(value: string): CSeq | null {
  const match = CSEQ.exec(value.trim());
  if (!match) return null;
  const [, digits = '', method = ''] = match;
  const seq = Number(digits);
  if (seq >= 2 ** 31 || !TOKEN.test(method)) return null;
  return { seq, method };
}

/** `4711 INVITE`. */
export function formatCSeq(cseq: CSeq): string {
  return `${cseq.seq} ${cseq.method}`;
}
