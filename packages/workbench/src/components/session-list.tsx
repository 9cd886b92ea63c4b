import type { Translate } from '../i18n.js';
import { Panel } from './panel.js';
import { describeSession, sessionTypeKey } from './session-info.js';

/** Every session in progress (`state.sessions`), rendered generically. */
export function SessionList({ sessions, t }: { sessions: unknown[]; t: Translate }) {
  return (
    <Panel id="sessions" title={t('sessions')} class={`sessions-panel${sessions.length ? '' : ' is-empty'}`}>
      {sessions.length === 0 ? (
        <p class="empty" data-testid="no-sessions">
          {t('noSessions')}
        </p>
      ) : (
        <ul class="session-list" data-testid="session-list">
          {sessions.map((item, index) => {
            const info = describeSession(item, index);
            const typeKey = sessionTypeKey(info.type);
            return (
              <li key={info.sessionId} class="session-item" data-session-id={info.sessionId}>
                <span class="session-peer">{info.peer || t('unknownPeer')}</span>
                <span class="session-type">{typeKey ? t(typeKey) : info.type}</span>
                <span class="session-id mono">{info.sessionId}</span>
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}
