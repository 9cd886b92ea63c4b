import { formatDuration } from '../format.js';
import { endText, type Translate } from '../i18n.js';
import type { LastCall as LastCallInfo } from '../phone.js';
import { formatNumber } from '../phone-number.js';

const QUIET = new Set(['hangup', 'remoteHangup', 'cancelled', 'rejected']);

/** How the last call ended, in one line above the dialer. */
export function LastCall({ call, t, onDismiss }: { call: LastCallInfo; t: Translate; onDismiss: () => void }) {
  const tone = QUIET.has(call.reason) ? 'quiet' : 'notable';
  return (
    <div class={`last-call ${tone}`} data-testid="last-call" data-reason={call.reason} title={call.message || undefined}>
      <div class="last-call-text">
        <span class="last-call-title">
          {t('lastCall')} · {t(call.direction === 'outbound' ? 'outgoing' : 'incoming')} {formatNumber(call.peer)}
        </span>
        <span class="last-call-reason">
          {endText(t, call.reason)}
          {call.talkMs !== null && ` · ${t('talkTime')} ${formatDuration(call.talkMs)}`}
        </span>
      </div>
      <button type="button" class="banner-close" aria-label={t('dismiss')} title={t('dismiss')} onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
