import { useEffect, useState } from 'preact/hooks';
import { translate, type MessageKey } from './i18n.js';
import type { Session, SessionState } from './session.js';

function useSession(session: Session): SessionState {
  const [state, setState] = useState(session.get());
  useEffect(() => session.subscribe(setState), [session]);
  return state;
}

export function App({ session, refusedOrigin }: { session: Session; refusedOrigin: string | null }) {
  const state = useSession(session);
  const t = (key: MessageKey) => translate(state.language, key);
  if (refusedOrigin) return <p class="notice" data-testid="origin-refused">{t('originRefused')}</p>;
  return (
    <main data-phase={state.phase} data-status={state.status} data-connection={state.connection}>
      <h1>{t('appTitle')}</h1>
      <p data-testid="staff">{state.staff?.mail ?? ''}</p>
    </main>
  );
}
