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
