import { describe, expect, it } from 'vitest';
import { CliError } from './output.js';
import { defaultServer, parseCallArgs, phoneUrl, randomNumber, type CallOptions } from './commands-call.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}): CallOptions => {
  const options = parseCallArgs(argv, env, () => 0.5);
  if (options === 'help') throw new Error('unexpected help');
  return options;
};

const refusal = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
  try {
    parseCallArgs(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as Error).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
};

describe('openccc call arguments', () => {
  it('dials with defaults: a random 0086139 number, the local server, digits a second after answering', () => {
    expect(parse(['--to', '4001234567'])).toEqual({
      mode: 'dial',
      to: '4001234567',
      from: '008613955555555',
      url: 'ws://127.0.0.1:8080/phone/v1',
      urlSource: 'default',
      dtmf: null,
      dtmfAfterMs: 1000,
      play: null,
      tone: null,
      hangupAfterMs: null,
      listenFor: [],
      waitMs: 60_000,
      answerAfterMs: 0,
      codec: 'PCMU',
      json: false,
    });
  });

  it('reads every option', () => {
    expect(
      parse(['--to', '+86 400-123-4567', '--from', '13900001111', '--server', 'https://ccc.example.com', '--dtmf', '1,2#a', '--dtmf-after', '2.5', '--tone', '440', '--hangup-after', '30', '--listen-for', '450, 1000,450', '--wait', '10', '--codec', 'pcma', '--json']),
    ).toMatchObject({
      to: '+864001234567',
      from: '13900001111',
      url: 'wss://ccc.example.com/phone/v1',
      urlSource: 'flag',
      dtmf: '1,2#A',
      dtmfAfterMs: 2500,
      tone: 440,
      hangupAfterMs: 30_000,
      listenFor: [450, 1000],
      waitMs: 10_000,
      codec: 'PCMA',
      json: true,
    });
    expect(parse(['--to', '4001', '--play', 'hello.wav'])).toMatchObject({ play: 'hello.wav', tone: null });
  });

  it('answers calls to --from, waiting without a limit unless told', () => {
    expect(parse(['--answer', '--from', '008613900002222'])).toMatchObject({ mode: 'answer', to: null, from: '008613900002222', waitMs: null, answerAfterMs: 0 });
    expect(parse(['--answer', '--from', '13900002222', '--wait', '30', '--answer-after', '3'])).toMatchObject({ waitMs: 30_000, answerAfterMs: 3000 });
  });

  it('refuses what it cannot do, saying what it takes', () => {
    expect(refusal([])).toContain('Give --to <number> to dial, or --answer --from <number>');
    expect(refusal(['--answer'])).toContain('--answer needs --from <number>');
    expect(refusal(['--answer', '--from', '139', '--to', '4001'])).toContain('--answer waits for a call to --from; it takes no --to.');
    expect(refusal(['--to', 'hotline'])).toContain('--to takes a phone number');
    expect(refusal(['--to', '12'])).toContain('--to takes a phone number');
    expect(refusal(['--to', '4001', '--play', 'a.wav', '--tone', '440'])).toContain('--play or --tone, not both');
    expect(refusal(['--to', '4001', '--dtmf', '12x'])).toContain('--dtmf takes DTMF digits');
    expect(refusal(['--to', '4001', '--tone', '5000'])).toContain('--tone takes frequencies in Hz from 50 to 3900');
    expect(refusal(['--to', '4001', '--listen-for', '450,,1000'])).toContain('--listen-for takes frequencies');
    expect(refusal(['--to', '4001', '--hangup-after=-1'])).toContain('--hangup-after takes seconds');
    expect(refusal(['--to', '4001', '--wait', 'soon'])).toContain('--wait takes seconds');
    expect(refusal(['--to', '4001', '--codec', 'opus'])).toContain('--codec is PCMU or PCMA');
    expect(refusal(['--to', '4001', '--answer-after', '2'])).toContain('--answer-after goes with --answer');
    expect(refusal(['--to', '4001', '--server', 'ftp://x'])).toContain('--server must be an http(s) or ws(s) URL');
    expect(refusal(['--to', '4001', '--server', 'not a url'])).toContain('--server takes a URL');
    expect(refusal(['--to', '4001', '--loud'])).toContain("Unknown option '--loud'");
    expect(refusal(['4001'])).toContain('Unexpected argument');
  });

  it('prints its usage for --help', () => {
    expect(parseCallArgs(['--help'], {})).toBe('help');
    expect(parseCallArgs(['-h'], {})).toBe('help');
  });
});

describe('the server the phone connects to', () => {
  it('turns a server URL into its phone endpoint', () => {
    expect(phoneUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/phone/v1');
    expect(phoneUrl('https://ccc.example.com/')).toBe('wss://ccc.example.com/phone/v1');
    expect(phoneUrl('https://example.com/openccc/')).toBe('wss://example.com/openccc/phone/v1');
    expect(phoneUrl('ws://10.0.0.5:9000')).toBe('ws://10.0.0.5:9000/phone/v1');
    expect(phoneUrl('wss://proxy.example.com/custom/path')).toBe('wss://proxy.example.com/custom/path');
    expect(phoneUrl('http://[::1]:8080?x=1#y')).toBe('ws://[::1]:8080/phone/v1');
  });

  it('defaults to the server `openccc start` runs with the same environment', () => {
    expect(defaultServer({})).toEqual({ url: 'http://127.0.0.1:8080', source: 'default' });
    expect(defaultServer({ OPENCCC_PORT: '9000' })).toEqual({ url: 'http://127.0.0.1:9000', source: 'environment' });
    expect(defaultServer({ OPENCCC_HOST: '0.0.0.0', OPENCCC_PORT: '9000' })).toEqual({ url: 'http://127.0.0.1:9000', source: 'environment' });
    expect(defaultServer({ OPENCCC_HOST: '::' })).toEqual({ url: 'http://[::1]:8080', source: 'environment' });
    expect(defaultServer({ OPENCCC_PUBLIC_URL: 'https://ccc.example.com/' })).toEqual({ url: 'https://ccc.example.com', source: 'environment' });
    expect(parse(['--to', '4001'], { OPENCCC_PORT: '9000' })).toMatchObject({ url: 'ws://127.0.0.1:9000/phone/v1', urlSource: 'environment' });
  });

  it('makes random numbers of the 0086139 form', () => {
    expect(randomNumber(() => 0)).toBe('008613900000000');
    expect(randomNumber(() => 0.999)).toBe('008613999999999');
    expect(randomNumber()).toMatch(/^0086139\d{8}$/);
  });
});
