import { describe, expect, it } from 'vitest';
import { isScannerUserAgent } from './scanner.js';

describe('isScannerUserAgent', () => {
  it.each(['friendly-scanner', 'Friendly-Scanner', 'sipvicious', 'SIPVicious 0.3.4', 'sipcli/v1.8', 'VaxSIPUserAgent/3.1', 'pplsip', 'sundayddr', 'iWar', 'iWar/1.0'])('flags %s', (ua) => {
    expect(isScannerUserAgent(ua)).toBe(true);
  });

  it.each([undefined, '', 'sipsak 0.9.8', 'baresip v3.10.1 (x86_64/linux)', 'Yealink SIP-T46U 108.86.0.20', 'Linphone/5.2.0', 'sipp', 'MySipClient 1.0', 'Zoiper rv2.10', 'Asterisk PBX 20.5.0', 'iWarp phone'])('lets %s through', (ua) => {
    expect(isScannerUserAgent(ua)).toBe(false);
  });
});
