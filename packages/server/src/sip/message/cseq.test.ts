import { describe, expect, it } from 'vitest';
import { formatCSeq, parseCSeq } from './cseq.js';

describe('parseCSeq', () => {
  it('reads the number and method, with any amount of white space between', () => {
    expect(parseCSeq('4711 INVITE')).toEqual({ seq: 4711, method: 'INVITE' });
    expect(parseCSeq('  0 \t ACK ')).toEqual({ seq: 0, method: 'ACK' });
    expect(parseCSeq(`${2 ** 31 - 1} BYE`)).toEqual({ seq: 2 ** 31 - 1, method: 'BYE' });
  });

  it.each(['', 'INVITE', '1', '-1 INVITE', `${2 ** 31} INVITE`, '99999999999 INVITE', '1 INV ITE', '1 INV:ITE', '1.5 INVITE'])(
    'refuses %j',
    (value) => {
      expect(parseCSeq(value)).toBeNull();
    },
  );

  it('round-trips through formatCSeq', () => {
    const cseq = { seq: 12, method: 'REGISTER' };
    expect(parseCSeq(formatCSeq(cseq))).toEqual(cseq);
  });
});
