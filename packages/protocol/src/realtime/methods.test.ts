import { describe, expect, it } from 'vitest';
import { AGENT_METHODS, CALL_METHODS, LOCAL_CALL_METHODS, isRealtimeMethod } from './messages.js';

describe('realtime methods', () => {
  it('the server answers every Agent.* and Call.* method of the lists', () => {
    for (const method of [...AGENT_METHODS, ...CALL_METHODS]) expect(isRealtimeMethod(method)).toBe(true);
  });

  it('the microphone methods stay in the workbench, and other names are not methods', () => {
    for (const method of [...LOCAL_CALL_METHODS, 'Agent.getStatus', 'Call.dial', 'call.accept', '', '__proto__', 'constructor']) expect(isRealtimeMethod(method)).toBe(false);
  });

  it('lists each method once, and no method in two lists', () => {
    const all = [...AGENT_METHODS, ...CALL_METHODS, ...LOCAL_CALL_METHODS];
    expect(new Set(all).size).toBe(all.length);
  });
});
