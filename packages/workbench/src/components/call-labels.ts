import type { CallView } from '../call-desk.js';
import type { EndReason } from '../call-state.js';
import type { Language, MessageKey, Translate } from '../i18n.js';

export function typeKey(type: string): MessageKey | null {
  if (type === 'phone') return 'sessionTypePhone';
  if (type === 'voip') return 'sessionTypeVoip';
  if (type === 'internal') return 'sessionTypeInternal';
  return null;
}

export function stateKey(call: Pick<CallView, 'state' | 'type'>): MessageKey {
  switch (call.state) {
    case 'ringing':
      return call.type === 'internal' ? 'callIncomingInternal' : 'callIncoming';
    case 'dialing':
      return 'callDialing';
    case 'held':
      return 'callHeld';
    default:
      return 'callTalking';
  }
}

export const END_KEYS: Record<EndReason, MessageKey> = {
  peerHungUp: 'endPeerHungUp',
  agentHungUp: 'endAgentHungUp',
  declined: 'endDeclined',
  missed: 'endMissed',
  answeredElsewhere: 'endAnsweredElsewhere',
  cancelled: 'endCancelled',
  noAnswer: 'endNoAnswer',
  transferred: 'endTransferred',
  admin: 'endAdmin',
  timeout: 'endTimeout',
  unknown: 'endUnknown',
};

/** Calls that never became a conversation. */
export const UNANSWERED: ReadonlySet<EndReason> = new Set(['declined', 'missed', 'answeredElsewhere', 'cancelled', 'noAnswer']);

export function peerText(peer: string, t: Translate): string {
  return peer || t('unknownPeer');
}

/** 0:07, 12:34, 1:02:03. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours > 0 ? `${hours}:${two(minutes)}:${two(s % 60)}` : `${minutes}:${two(s % 60)}`;
}

/** A start time: the clock time today, the date and time before. */
export function formatStart(at: number, language: Language, now: number): string {
  const date = new Date(at);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay ? { hour: '2-digit', minute: '2-digit', hour12: false } : { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false };
  return new Intl.DateTimeFormat(language, options).format(date);
}
