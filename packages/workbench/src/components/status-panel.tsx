import type { SdkStatus } from '@openccc/protocol';
import { useEffect, useState } from 'preact/hooks';
import { errorText, type Translate } from '../i18n.js';
import type { Session, SessionState } from '../session.js';
import { AfterCall } from './after-call.js';
import { Panel } from './panel.js';
import { RestReason, type ReasonValue } from './rest-reason.js';
import { STATUS_LABELS, displayReason, reasonChoice } from './status-labels.js';
import { useAction } from './use-action.js';

const CHOICES: Array<Exclude<SdkStatus, 'busy' | 'offline'>> = ['free', 'notReady', 'rest', 'arrange'];

/** Current status (coloured), the four settable statuses, the break reason, and online/offline. */
export function StatusPanel({ session, state, t }: { session: Session; state: SessionState; t: Translate }) {
  const { status, reason, language } = state;
  const action = useAction();
  const [reasonValue, setReasonValue] = useState<ReasonValue>(() => reasonChoice(status === 'rest' ? reason : ''));

  // Follow the server when the break reason changes elsewhere (another tab, the host page).
  useEffect(() => {
    if (status === 'rest') setReasonValue(reasonChoice(reason));
  }, [status, reason]);

  const reasonText = (value: ReasonValue): string => {
    if (!value.choice) return '';
    if (value.choice === 'restReasonOther') return value.custom.trim() || t('restReasonOther');
    return t(value.choice as Parameters<Translate>[0]);
  };

  const setStatus = (next: SdkStatus, value: ReasonValue = reasonValue) =>
    action.run(() => session.call('Agent.setStatus', next === 'rest' ? { status: next, restReason: reasonText(value) } : { status: next }));

  const offline = status === 'offline';
  const locked = offline || status === 'busy';
  const hint = offline ? t('statusHintOffline') : status === 'busy' ? t('statusHintBusy') : '';

  return (
    <Panel id="status" title={t('status')} class="status-panel">
      <div class="status-current-row">
        <p class="status-pill" data-status={status} aria-live="polite">
          <span class="status-dot" aria-hidden="true" />
          <span class="visually-hidden">{t('currentStatus')}: </span>
          <span class="status-text" data-testid="status-current">
            {t(STATUS_LABELS[status])}
          </span>
          {status === 'rest' && reason && <span class="status-reason">{displayReason(language, reason)}</span>}
        </p>
        {offline ? (
          <button type="button" class="button primary" data-testid="go-online" disabled={action.pending} onClick={() => void action.run(() => session.call('Agent.online', {}))}>
            {t('goOnline')}
          </button>
        ) : (
          <button type="button" class="button ghost" data-testid="go-offline" disabled={action.pending || status === 'busy'} onClick={() => void action.run(() => session.call('Agent.offline', {}))}>
            {t('goOffline')}
          </button>
        )}
      </div>
      {status === 'arrange' && state.statusUntil !== null && <AfterCall until={state.statusUntil} since={state.statusSince} t={t} />}
      <div class="status-buttons" role="group" aria-label={t('changeStatus')}>
        {CHOICES.map((choice) => (
          <button
            key={choice}
            type="button"
            class="status-button"
            data-status={choice}
            data-testid={`status-${choice}`}
            aria-pressed={status === choice}
            disabled={locked || action.pending}
            onClick={() => void setStatus(choice)}
          >
            {t(STATUS_LABELS[choice])}
          </button>
        ))}
      </div>
      <RestReason
        value={reasonValue}
        disabled={action.pending || status === 'busy'}
        t={t}
        onChange={setReasonValue}
        onCommit={(value) => {
          if (status === 'rest' && reasonText(value) !== reason) void setStatus('rest', value);
        }}
      />
      {hint && <p class="hint">{hint}</p>}
      {action.error && (
        <p class="error" role="alert" data-testid="error" data-detail={action.error.message}>
          {errorText(language, action.error)}
        </p>
      )}
    </Panel>
  );
}
