import type { MessageKey } from '../i18n.js';

/** What the UI shows of one entry of `state.sessions` (whose exact shape the call engine will fix). */
export interface SessionInfo {
  sessionId: string;
  type: string;
  peer: string;
}

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

export function describeSession(item: unknown, index: number): SessionInfo {
  const o = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
  const peer =
    text(o['peer']) ||
    text(o['peerPhoneNumber']) ||
    text(o['callerPhoneNumber']) ||
    text(o['calleePhoneNumber']) ||
    text(o['peerUserId']) ||
    text(o['protectedCaller']) ||
    text(o['protectedCallee']);
  return { sessionId: text(o['sessionId']) || `#${index + 1}`, type: text(o['type']), peer };
}

export function sessionTypeKey(type: string): MessageKey | null {
  if (type === 'phone') return 'sessionTypePhone';
  if (type === 'internal') return 'sessionTypeInternal';
  return null;
}
