import type { Translate } from '../i18n.js';
import { Panel } from './panel.js';
import { describeSession, sessionTypeKey } from './session-info.js';

/** The call in progress: the first of `state.sessions`, or the empty state. */
export function CurrentCall({ sessions, t }: { sessions: unknown[]; t: Translate }) {
  const current = sessions.length > 0 ? describeSession(sessions[0], 0) : null;
  const typeKey = current ? sessionTypeKey(current.type) : null;
  return (
    <Panel id="current-call" title={t('currentCall')} class={`call-panel${current ? '' : ' is-empty'}`}>
      {current ? (
        <div class="call-card" data-testid="current-call" data-session-id={current.sessionId}>
          <p class="call-peer">{current.peer || t('unknownPeer')}</p>
          <dl class="facts">
            <dt>{t('sessionType')}</dt>
            <dd>{typeKey ? t(typeKey) : current.type || '—'}</dd>
            <dt>{t('sessionId')}</dt>
            <dd class="mono">{current.sessionId}</dd>
          </dl>
        </div>
      ) : (
        <p class="empty" data-testid="no-call">
          {t('noCall')}
        </p>
      )}
    </Panel>
  );
}
