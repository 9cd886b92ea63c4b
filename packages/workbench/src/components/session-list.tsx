import type { CallView } from '../call-desk.js';
import type { Translate } from '../i18n.js';
import { peerText, stateKey } from './call-labels.js';
import { Panel } from './panel.js';

/** The agent's other calls in progress (rare: a held call and a new one), each one click away. */
export function SessionList({ calls, focused, onFocus, t }: { calls: CallView[]; focused: string | null; onFocus: (sessionId: string) => void; t: Translate }) {
  const others = calls.filter((c) => c.sessionId !== focused);
  if (others.length === 0) return null;
  return (
    <Panel id="sessions" title={t('otherCalls')} class="sessions-panel">
      <ul class="session-list" data-testid="session-list">
        {others.map((call) => (
          <li key={call.sessionId} class="session-item" data-session-id={call.sessionId}>
            <span class="session-peer">{peerText(call.peer, t)}</span>
            <span class="call-state" data-state={call.state}>
              {t(stateKey(call))}
            </span>
            <button type="button" class="button ghost small" onClick={() => onFocus(call.sessionId)}>
              {t('switchCall')}
            </button>
          </li>
        ))}
      </ul>
    </Panel>
  );
}
