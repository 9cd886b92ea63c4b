import type { RecentCall } from '../recent-calls.js';
import { errorText, type Translate } from '../i18n.js';
import type { Session, SessionState } from '../session.js';
import { END_KEYS, UNANSWERED, formatDuration, formatStart, peerText } from './call-labels.js';
import { Icon } from './icons.js';
import { Panel } from './panel.js';
import { useAction } from './use-action.js';
import { useNow } from './use-now.js';

/** What a call back places: a phone call to a number, an internal call to an agent. */
function callBack(session: Session, call: RecentCall): Promise<unknown> {
  if (call.type === 'internal') return session.call('Call.startInternalCall', { calleeUserId: call.peer });
  return session.call('Call.startOutboundCall', { phoneNumber: call.peer });
}

const callable = (call: RecentCall) => !!call.peer && (call.type === 'internal' || (call.type === 'phone' && /^[0-9*#+]+$/.test(call.peer)));

/** The agent's last calls in this browser: who, which way, when, how long, how it ended; call back in one click. */
export function RecentCalls({ session, state, t }: { session: Session; state: SessionState; t: Translate }) {
  const list = state.recentCalls;
  const action = useAction();
  // Only to tell today's calls from older ones.
  const now = useNow(list.length > 0, 60_000);
  const busy = state.calls.length > 0 || action.pending;
  const clear = list.length > 0 && (
    <button type="button" class="button link small" data-testid="recent-clear" onClick={() => session.clearRecentCalls()}>
      {t('clearRecent')}
    </button>
  );

  return (
    <Panel id="recent" title={t('recentCalls')} class={`recent-panel${list.length ? '' : ' is-empty'}`} actions={clear}>
      {list.length === 0 ? (
        <p class="empty" data-testid="no-recent-calls">
          {t('noRecentCalls')}
        </p>
      ) : (
        <ul class="recent-list" data-testid="recent-calls">
          {list.map((call) => {
            const unanswered = UNANSWERED.has(call.reason);
            // Only an offer the agent did not take counts as missed; an unanswered outbound call is just unanswered.
            const missed = unanswered && call.direction === 'in';
            const peer = peerText(call.peer, t);
            return (
              <li key={call.sessionId} class={`recent-item${missed ? ' missed' : ''}`} data-reason={call.reason} data-direction={call.direction}>
                <span class="recent-icon" aria-hidden="true">
                  <Icon name={missed ? 'missed' : call.direction === 'in' ? 'received' : 'made'} />
                </span>
                <span class="recent-peer">{peer}</span>
                <time class="recent-time" dateTime={new Date(call.startedAt).toISOString()}>
                  {formatStart(call.startedAt, state.language, now)}
                </time>
                <span class="recent-meta">
                  {call.direction === 'in' ? t('callInbound') : t('callOutbound')}
                  {!unanswered && ` · ${formatDuration(call.duration)}`}
                  {` · ${t(END_KEYS[call.reason])}`}
                </span>
                {callable(call) && (
                  <button type="button" class="button icon small recent-call" aria-label={`${t('callBack')} ${peer}`} title={t('callBack')} disabled={busy} onClick={() => void action.run(() => callBack(session, call))}>
                    <Icon name="call" />
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {action.error && (
        <p class="error" role="alert" data-detail={action.error.message}>
          {errorText(state.language, action.error)}
        </p>
      )}
    </Panel>
  );
}
