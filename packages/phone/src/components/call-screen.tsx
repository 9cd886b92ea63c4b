import { useEffect, useState } from 'preact/hooks';
import { dtmfKey, formatDuration } from '../format.js';
import type { Translate } from '../i18n.js';
import type { CallView, Phone, PhoneState } from '../phone.js';
import { formatNumber } from '../phone-number.js';
import { Banner } from './banner.js';
import { Icon } from './icons.js';
import { Keypad } from './keypad.js';

/** Re-renders every second while active. */
export function useNow(active: boolean, now: () => number): number {
  const [time, setTime] = useState(now);
  useEffect(() => {
    if (!active) return undefined;
    setTime(now());
    const timer = window.setInterval(() => setTime(now()), 1000);
    return () => window.clearInterval(timer);
  }, [active, now]);
  return time;
}

const PHASE_KEYS = {
  preparing: 'phasePreparing',
  dialing: 'phaseDialing',
  ringing: 'phaseRinging',
  connected: 'phaseConnected',
  answering: 'phaseAnswering',
  incoming: 'incomingTitle',
} as const;

function answeredText(call: CallView, t: Translate): string | null {
  if (call.phase !== 'connected' || !call.answeredBy || call.answeredBy === 'self') return null;
  if (call.agentRinging) return t('agentRinging');
  return call.answeredBy === 'system' ? t('answeredBySystem') : t('answeredByAgent', { agent: call.answeredBy });
}

/** A call being placed, answered or in progress: who, its state and timer, the in-call keypad, mute and hang-up. */
export function CallScreen({ phone, state, t, now }: { phone: Phone; state: PhoneState; t: Translate; now: () => number }) {
  const call = state.call as CallView;
  const connected = call.phase === 'connected';
  const time = useNow(true, now);
  const since = connected && call.connectedAt !== null ? call.connectedAt : call.startedAt;

  // Digits typed on the keyboard go out as DTMF while connected (not while typing in a field).
  useEffect(() => {
    if (!connected) return undefined;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.ctrlKey || event.metaKey || event.altKey || target?.closest('input, textarea, select')) return;
      const digit = dtmfKey(event.key);
      if (digit) phone.sendDigit(digit);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [connected, phone]);

  const answered = answeredText(call, t);
  return (
    <section class={`call-screen phase-${call.phase}`} data-testid="call-screen" data-phase={call.phase} aria-live="polite">
      <div class="call-head">
        <div class={`avatar${connected ? '' : ' pulsing'}`} aria-hidden="true">
          <Icon name="phone" />
        </div>
        <p class="call-direction">{t(call.direction === 'outbound' ? 'outgoing' : 'incoming')}</p>
        <p class="call-peer" data-testid="call-peer">
          {formatNumber(call.peer)}
        </p>
        <p class="call-status">
          <span data-testid="call-status">{t(PHASE_KEYS[call.phase])}</span>
          <span class="call-timer" role="timer" aria-label={t('callTimer')} data-testid="call-timer">
            {formatDuration(time - since)}
          </span>
        </p>
        {answered && (
          <p class={`call-answered${call.agentRinging ? ' waiting' : ''}`} data-testid="answered-by">
            {answered}
          </p>
        )}
      </div>
      {call.withoutMicrophone && (
        <Banner tone="warn" testId="no-microphone">
          {t('withoutMicrophone')}
        </Banner>
      )}
      {connected && call.audio === 'failed' && <Banner tone="error">{t('audioFailed')}</Banner>}
      {connected && (
        <div class="in-call-keys">
          <p class="digits-sent" data-testid="digits-sent" aria-label={t('keysSent')}>
            {call.digits.slice(-16) || (call.audio === 'connecting' ? t('audioConnecting') : '\u00a0')}
          </p>
          <Keypad compact label={t('keypad')} testId="dtmf-keypad" onKey={(key) => phone.sendDigit(key)} />
        </div>
      )}
      <div class="call-actions">
        {connected && (
          <button type="button" class={`round-button toggle${call.muted ? ' on' : ''}`} aria-pressed={call.muted} data-testid="mute" onClick={() => phone.setMuted(!call.muted)}>
            <Icon name={call.muted ? 'micOff' : 'mic'} />
            <span class="round-label">{t(call.muted ? 'unmute' : 'mute')}</span>
          </button>
        )}
        <button type="button" class="round-button hangup" data-testid="hangup" onClick={() => phone.hangup()}>
          <Icon name="hangup" />
          <span class="round-label">{t('hangup')}</span>
        </button>
      </div>
    </section>
  );
}
