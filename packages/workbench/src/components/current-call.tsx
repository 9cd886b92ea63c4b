import type { CallView } from '../call-desk.js';
import type { Translate } from '../i18n.js';
import type { Session, SessionState } from '../session.js';
import { ActiveCall } from './active-call.js';
import { stateKey } from './call-labels.js';
import { Panel } from './panel.js';
import { RingingCall, type Sound } from './ringing-call.js';

/** The call in focus (ringing, dialling, talking or held), or the empty state. */
export function CurrentCall({ session, state, call, sound, t }: { session: Session; state: SessionState; call: CallView | null; sound: Sound; t: Translate }) {
  const tag = call && (
    <span class="call-state" data-state={call.state} data-testid="call-state">
      {t(stateKey(call))}
    </span>
  );
  return (
    <Panel id="current-call" title={t('currentCall')} class={`call-panel${call ? ' has-call' : ' is-empty'}`} actions={tag}>
      {!call ? (
        <p class="empty" data-testid="no-call">
          {t('noCall')}
        </p>
      ) : call.state === 'ringing' ? (
        <RingingCall key={call.sessionId} session={session} state={state} call={call} sound={sound} t={t} />
      ) : (
        <ActiveCall key={call.sessionId} session={session} state={state} call={call} t={t} />
      )}
    </Panel>
  );
}

/** Which call the panel shows: the one the agent picked, else the first ringing, else the latest. */
export function focusedCall(calls: readonly CallView[], picked: string | null): CallView | null {
  return calls.find((c) => c.sessionId === picked) ?? calls.find((c) => c.state === 'ringing') ?? calls.at(-1) ?? null;
}
