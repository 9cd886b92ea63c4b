import type { CallView } from '../call-desk.js';
import { errorText, type Translate } from '../i18n.js';
import type { Session, SessionState } from '../session.js';
import { CallFacts } from './call-facts.js';
import { formatDuration, peerText, stateKey, typeKey } from './call-labels.js';
import { Icon } from './icons.js';
import { SoundHint } from './sound-hint.js';
import { useAction } from './use-action.js';
import { useNow } from './use-now.js';

/** The last seconds of an offer show in red. */
const URGENT_MS = 10_000;

export interface Sound {
  blocked: boolean;
  enable: () => void;
}

/** An offer: who calls, on which line, what they chose in the IVR, how long it still rings; answer or decline. */
export function RingingCall({ session, state, call, sound, t }: { session: Session; state: SessionState; call: CallView; sound: Sound; t: Translate }) {
  const action = useAction();
  const now = useNow(call.ringUntil !== null);
  const { sessionId } = call;
  const left = call.ringUntil === null ? null : Math.max(0, call.ringUntil - now);
  const total = call.ringUntil === null ? 0 : Math.max(1, call.ringUntil - call.startedAt);
  const kind = typeKey(call.type);
  const error = action.error && (action.error.code === 'deviceError' && state.microphonePermission === 'denied' ? t('microphoneDenied') : errorText(state.language, action.error));

  return (
    <div class="call-card ringing" data-testid="ringing-call" data-session-id={sessionId}>
      <p class="visually-hidden" role="alert">
        {t(stateKey(call))}: {peerText(call.peer, t)}
      </p>
      <div class="call-head">
        <span class="call-avatar ringing" aria-hidden="true">
          <Icon name="call" />
        </span>
        <div class="call-who">
          <p class="call-peer" data-testid="call-peer">
            {peerText(call.peer, t)}
          </p>
          {kind && <p class="call-sub">{t(kind)}</p>}
        </div>
        {left !== null && (
          <p class={`ring-left${left <= URGENT_MS ? ' urgent' : ''}`} role="timer">
            <span class="ring-left-label">{t('ringTimeLeft')}</span>
            <span class="mono" data-testid="ring-countdown">
              {formatDuration(Math.ceil(left / 1000))}
            </span>
          </p>
        )}
      </div>
      {left !== null && (
        <div class={`ring-bar${left <= URGENT_MS ? ' urgent' : ''}`} aria-hidden="true">
          <span style={{ width: `${Math.min(100, (left / total) * 100)}%` }} />
        </div>
      )}
      <CallFacts call={call} t={t} />
      {sound.blocked && <SoundHint text="soundBlocked" onEnable={sound.enable} t={t} />}
      <div class="call-answer">
        <button type="button" class="button call big" data-testid="call-accept" disabled={action.pending} onClick={() => void action.run(() => session.call('Call.accept', { sessionId }))}>
          <Icon name="call" />
          {t('accept')}
        </button>
        <button type="button" class="button danger big" data-testid="call-decline" disabled={action.pending} onClick={() => void action.run(() => session.call('Call.hungUp', { sessionId }))}>
          <Icon name="callEnd" />
          {t('decline')}
        </button>
      </div>
      {error && (
        <p class="error" role="alert" data-testid="call-error" data-detail={action.error?.message}>
          {error}
        </p>
      )}
    </div>
  );
}
