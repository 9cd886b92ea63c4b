import { describe, expect, it } from 'vitest';
import type { SipStatus, Trunk } from './sip-api.js';
import { formFieldOf, newTrunkForm, numberOrText, splitList, trunkBody, trunkForm } from './trunk-form-model.js';

const DEFAULTS: SipStatus['trunkDefaults'] = { port: 5060, transport: 'udp', expires: 3600, maxConcurrentCalls: 30, dialPlan: { allow: ['86'], deny: ['979', '870'] } };

const REGISTER_TRUNK: Trunk = {
  id: 3,
  name: 'carrier',
  kind: 'register',
  allow: ['192.0.2.0/24'],
  outbound: null,
  register: { registrar: 'sip.carrier.example:5060', username: 'acct', realm: null, expires: 600, passwordSet: true },
  callerIdNumbers: ['00864000001234'],
  dialPlan: { allow: [], deny: ['979'] },
  maxConcurrentCalls: 8,
  enabled: false,
  registration: null,
};

describe('the trunk form', () => {
  it('starts a new trunk from the server defaults and sends every setting', () => {
    const form = { ...newTrunkForm(DEFAULTS), name: ' carrier-a ', allow: '192.0.2.10\n198.51.100.0/24, 203.0.113.1', host: 'sip.carrier-a.example ' };
    expect(trunkBody(form, false)).toEqual({
      name: 'carrier-a',
      kind: 'ip',
      enabled: true,
      allow: ['192.0.2.10', '198.51.100.0/24', '203.0.113.1'],
      register: null,
      outbound: { host: 'sip.carrier-a.example', port: 5060, transport: 'udp' },
      callerIdNumbers: [],
      dialPlan: { allow: ['86'], deny: ['979', '870'] },
      maxConcurrentCalls: 30,
    });
  });

  it('edits a register trunk: the saved password is kept unless a new one is typed', () => {
    const form = trunkForm(REGISTER_TRUNK, DEFAULTS);
    expect(form).toMatchObject({ kind: 'register', password: '', expires: '600', outbound: false, port: '5060', dialAllow: '', dialDeny: '979', enabled: false });
    const body = trunkBody(form, true);
    expect(body['register']).toEqual({ registrar: 'sip.carrier.example:5060', username: 'acct', realm: null, expires: 600 });
    expect(body).toMatchObject({ outbound: null, dialPlan: { allow: [], deny: ['979'] }, callerIdNumbers: ['00864000001234'], maxConcurrentCalls: 8, enabled: false });
    expect(trunkBody({ ...form, password: 'n3w', realm: ' carrier ' }, true)['register']).toEqual({ registrar: 'sip.carrier.example:5060', username: 'acct', password: 'n3w', realm: 'carrier', expires: 600 });
    // A new trunk always sends the password, empty or not, for the server to judge.
    expect(trunkBody(form, false)['register']).toMatchObject({ password: '' });
    // Made an ip trunk: the registration goes.
    expect(trunkBody({ ...form, kind: 'ip' }, true)['register']).toBeNull();
  });

  it('sends numbers as numbers, leaves empty ones out and passes anything else on for the server to refuse', () => {
    expect(numberOrText(' 5070 ')).toBe(5070);
    expect(numberOrText('')).toBeUndefined();
    expect(numberOrText('50a')).toBe('50a');
    expect(numberOrText('-1')).toBe('-1');
    const body = trunkBody({ ...newTrunkForm(DEFAULTS), port: '', maxCalls: 'many' }, false);
    expect(body['outbound']).toEqual({ host: '', transport: 'udp' });
    expect(body['maxConcurrentCalls']).toBe('many');
  });

  it('splits lists on lines, commas, semicolons and spaces, Chinese punctuation too', () => {
    expect(splitList('86，0086；+1、 1\n\n 44')).toEqual(['86', '0086', '+1', '1', '44']);
    expect(splitList('  ')).toEqual([]);
  });

  it('points each server field at its control', () => {
    expect(formFieldOf('register.password')).toBe('password');
    expect(formFieldOf('outbound.port')).toBe('port');
    expect(formFieldOf('callerIdNumbers')).toBe('callerIds');
    expect(formFieldOf('dialPlan.deny')).toBe('dialDeny');
    expect(formFieldOf('register')).toBe('register');
    expect(formFieldOf('enabled')).toBe('form');
    expect(formFieldOf(undefined)).toBe('form');
  });
});
