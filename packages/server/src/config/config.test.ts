import { describe, expect, it } from 'vitest';
import { ConfigError, resolveServerConfig } from './config.js';

describe('resolveServerConfig: legacy signatures and the body budget', () => {
  it('accepts v1 signatures and holds 64 MB of bodies by default', () => {
    const config = resolveServerConfig({}, {});
    expect(config.legacySignatures).toBe(true);
    expect(config.bodyBudgetBytes).toBe(64 * 1024 * 1024);
  });

  it('reads --legacy-signatures before OPENCCC_LEGACY_SIGNATURES', () => {
    expect(resolveServerConfig({ 'legacy-signatures': 'off' }, {}).legacySignatures).toBe(false);
    expect(resolveServerConfig({}, { OPENCCC_LEGACY_SIGNATURES: 'off' }).legacySignatures).toBe(false);
    expect(resolveServerConfig({ 'legacy-signatures': 'on' }, { OPENCCC_LEGACY_SIGNATURES: 'off' }).legacySignatures).toBe(true);
    expect(() => resolveServerConfig({ 'legacy-signatures': 'sometimes' }, {})).toThrow(ConfigError);
    expect(() => resolveServerConfig({ 'legacy-signatures': 'sometimes' }, {})).toThrow(/--legacy-signatures \/ OPENCCC_LEGACY_SIGNATURES must be on or off/);
  });

  it('reads --body-budget in megabytes, at least one 10 MB body', () => {
    expect(resolveServerConfig({ 'body-budget': '128' }, {}).bodyBudgetBytes).toBe(128 * 1024 * 1024);
    expect(resolveServerConfig({}, { OPENCCC_BODY_BUDGET_MB: '10' }).bodyBudgetBytes).toBe(10 * 1024 * 1024);
    expect(() => resolveServerConfig({ 'body-budget': '9' }, {})).toThrow(/--body-budget \/ OPENCCC_BODY_BUDGET_MB must be an integer from 10/);
  });
});

describe('resolveServerConfig: SIP', () => {
  it('is off by default, listening on the host at 5060, the domain localhost when the host is an address', () => {
    expect(resolveServerConfig({}, {}).sip).toEqual({ enabled: false, address: '127.0.0.1', port: 5060, domain: 'localhost', outboundProxy: '127.0.0.1:5060', advertisedAddress: null, trustedProxies: [], maxCalls: 1000, cps: 100 });
  });

  it('reads flags before environment variables', () => {
    const flags = { sip: 'on', 'sip-address': '192.0.2.5', 'sip-port': '5080', 'sip-domain': 'SIP.Example.com', 'sip-max-calls': '50', 'sip-cps': '5' };
    expect(resolveServerConfig(flags, { OPENCCC_SIP: 'off', OPENCCC_SIP_PORT: '5090' }).sip).toEqual({
      enabled: true,
      address: '192.0.2.5',
      port: 5080,
      domain: 'sip.example.com',
      outboundProxy: '192.0.2.5:5080',
      advertisedAddress: null,
      trustedProxies: [],
      maxCalls: 50,
      cps: 5,
    });
    const env = { OPENCCC_SIP: 'on', OPENCCC_SIP_ADDRESS: '::1', OPENCCC_SIP_PORT: '5090', OPENCCC_SIP_DOMAIN: 'pbx.example.org', OPENCCC_SIP_MAX_CALLS: '7', OPENCCC_SIP_CPS: '3' };
    expect(resolveServerConfig({}, env).sip).toEqual({ enabled: true, address: '::1', port: 5090, domain: 'pbx.example.org', outboundProxy: '[::1]:5090', advertisedAddress: null, trustedProxies: [], maxCalls: 7, cps: 3 });
  });

  it('takes the domain from the host or the public URL when they are names, and advertises a name for a wildcard bind', () => {
    expect(resolveServerConfig({ host: 'ccc.example.com' }, {}).sip).toMatchObject({ domain: 'ccc.example.com', address: 'ccc.example.com', outboundProxy: 'ccc.example.com:5060' });
    expect(resolveServerConfig({ host: '0.0.0.0', 'public-url': 'https://ccc.example.net/' }, {}).sip).toMatchObject({ domain: 'ccc.example.net', address: '0.0.0.0', outboundProxy: 'ccc.example.net:5060' });
    // A wildcard bind is advertised by the name peers reach; the edge's addresses are believed.
    expect(resolveServerConfig({ host: '0.0.0.0', 'public-url': 'https://ccc.example.net/', 'sip-trusted-proxies': ' 10.0.0.5, 10.1.0.0/16 ' }, {}).sip).toMatchObject({ advertisedAddress: 'ccc.example.net', trustedProxies: ['10.0.0.5', '10.1.0.0/16'] });
    expect(resolveServerConfig({ 'sip-advertised-address': '198.51.100.7' }, {}).sip.advertisedAddress).toBe('198.51.100.7');
  });

  it('refuses a domain that is an address, and out-of-range numbers, saying which setting', () => {
    expect(() => resolveServerConfig({ 'sip-domain': '192.0.2.1' }, {})).toThrow(/--sip-domain \/ OPENCCC_SIP_DOMAIN must be a host name such as sip.example.com, not "192.0.2.1"/);
    expect(() => resolveServerConfig({ sip: 'maybe' }, {})).toThrow(/--sip \/ OPENCCC_SIP must be on or off/);
    expect(() => resolveServerConfig({ 'sip-port': '70000' }, {})).toThrow(/--sip-port \/ OPENCCC_SIP_PORT must be an integer from 0 to 65535/);
    expect(() => resolveServerConfig({ 'sip-trusted-proxies': '10.0.0.5,edge.example.com' }, {})).toThrow(/--sip-trusted-proxies \/ OPENCCC_SIP_TRUSTED_PROXIES must list addresses or CIDRs such as 10.0.0.5 or 10.0.0.0\/24, not "edge.example.com"/);
    expect(() => resolveServerConfig({ 'sip-max-calls': '0' }, {})).toThrow(/--sip-max-calls/);
    expect(() => resolveServerConfig({}, { OPENCCC_SIP_CPS: 'fast' })).toThrow(ConfigError);
  });
});
