import type { Translate } from '../i18n.js';
import type { CallView, Phone, PhoneState } from '../phone.js';
import { formatNumber } from '../phone-number.js';
import { Banner } from './banner.js';
import { Icon } from './icons.js';

/** An incoming call ringing: who calls, Answer and Decline. */
export function IncomingScreen({ phone, state, t }: { phone: Phone; state: PhoneState; t: Translate }) {
  const call = state.call as CallView;
  return (
    <section class="call-screen incoming" data-testid="incoming" aria-live="assertive">
      <div class="call-head">
        <div class="avatar ringing" aria-hidden="true">
          <Icon name="phone" />
        </div>
        <p class="call-direction">{t('incomingTitle')}</p>
        <p class="call-peer" data-testid="incoming-from">
          {formatNumber(call.peer)}
        </p>
        <p class="call-status">{t('incomingFor', { number: formatNumber(state.registered ?? state.number) })}</p>
      </div>
      {!state.ringAudible && (
        <Banner tone="info" testId="ring-silent">
          {t('ringSilent')}
        </Banner>
      )}
      <div class="call-actions two">
        <button type="button" class="round-button hangup" data-testid="reject" onClick={() => phone.reject()}>
          <Icon name="hangup" />
          <span class="round-label">{t('reject')}</span>
        </button>
        <button type="button" class="round-button call" data-testid="answer" onClick={() => void phone.answer()}>
          <Icon name="phone" />
          <span class="round-label">{t('answer')}</span>
        </button>
      </div>
    </section>
  );
}
