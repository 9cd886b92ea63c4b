import type { SignedOutReason } from '@openccc/protocol';
import { errorText, type MessageKey, type Translate } from '../i18n.js';
import type { SessionState } from '../session.js';
import { Notice } from './notice.js';

const SIGNED_OUT: Record<SignedOutReason, MessageKey> = {
  elsewhere: 'signedOutElsewhere',
  forced: 'signedOutForced',
  expired: 'signedOutExpired',
  deleted: 'signedOutDeleted',
  logout: 'signedOutLogout',
};

/** Everything that is not the login form or the signed-in view. */
export function PhaseNotice({ state, t }: { state: SessionState; t: Translate }) {
  switch (state.phase) {
    case 'signedOut':
      return (
        <Notice
          testId="signed-out"
          tone={state.signedOutReason === 'logout' ? 'info' : 'warn'}
          title={t('signedOutTitle')}
          action={
            !state.embedded && (
              <button type="button" class="button primary" data-testid="sign-in-again" onClick={() => location.reload()}>
                {t('signInAgain')}
              </button>
            )
          }
        >
          {t(SIGNED_OUT[state.signedOutReason ?? 'logout'])}
        </Notice>
      );
    case 'failed':
      return (
        <Notice tone="error" title={t('failedTitle')}>
          <span data-testid="error" data-detail={state.error?.message}>
            {state.error ? errorText(state.language, state.error) : t('errInternal')}
          </span>
        </Notice>
      );
    case 'loggingIn':
      return (
        <Notice spinner>
          {t('loggingIn')}
        </Notice>
      );
    default:
      return (
        <Notice spinner>
          {t('waitingForHost')}
        </Notice>
      );
  }
}
