import { useEffect, useState } from 'preact/hooks';
import { CurrentCall, focusedCall } from './components/current-call.js';
import { DialPad } from './components/dial-pad.js';
import { Header } from './components/header.js';
import { LanguageSwitch } from './components/language-switch.js';
import { LoginForm } from './components/login-form.js';
import { MicrophonePanel } from './components/microphone-panel.js';
import { Notice } from './components/notice.js';
import { PhaseNotice } from './components/phase-notice.js';
import { RecentCalls } from './components/recent-calls.js';
import { SessionList } from './components/session-list.js';
import { StatusPanel } from './components/status-panel.js';
import { useGesture } from './components/use-gesture.js';
import { useRingtone } from './components/use-ringtone.js';
import { translator } from './i18n.js';
import type { Session, SessionState } from './session.js';

function useSession(session: Session): SessionState {
  const [state, setState] = useState(session.get());
  useEffect(() => session.subscribe(setState), [session]);
  return state;
}

export function App({ session, refusedOrigin }: { session: Session; refusedOrigin: string | null }) {
  const state = useSession(session);
  const t = translator(state.language);
  const { phase } = state;
  const [picked, setPicked] = useState<string | null>(null);
  const ringingIds = state.calls.filter((c) => c.state === 'ringing').map((c) => c.sessionId).join(' ');
  const sound = useRingtone(phase === 'ready' && ringingIds !== '', state.selectedSpeaker);
  useGesture(() => {
    sound.enable();
    session.resumeAudio();
  });

  // A new offer takes the focus from the call the agent picked.
  useEffect(() => {
    if (ringingIds) setPicked(null);
  }, [ringingIds]);
  const call = focusedCall(state.calls, picked);

  useEffect(() => {
    document.documentElement.lang = state.language;
    document.title = `OpenCCC ${translator(state.language)('appTitle')}`;
  }, [state.language]);

  const mode = state.embedded ? 'embedded' : 'standalone';
  const root = { 'data-phase': phase, 'data-status': state.status, 'data-connection': state.connection };

  if (phase === 'ready' && !refusedOrigin) {
    return (
      <main class={`app ${mode} ready`} {...root}>
        <div class="workbench card">
          <Header session={session} state={state} t={t} />
          <div class="workspace">
            <div class="column">
              <StatusPanel session={session} state={state} t={t} />
              <DialPad session={session} state={state} t={t} />
              <RecentCalls session={session} state={state} t={t} />
            </div>
            <div class="column">
              <CurrentCall session={session} state={state} call={call} sound={sound} t={t} />
              <SessionList calls={state.calls} focused={call?.sessionId ?? null} onFocus={setPicked} t={t} />
              <MicrophonePanel session={session} state={state} t={t} />
            </div>
          </div>
        </div>
      </main>
    );
  }

  const showLogin = !state.embedded && (phase === 'login' || phase === 'loggingIn');
  return (
    <main class={`app ${mode} gate`} {...root}>
      <div class="gate-card card">
        <div class="gate-top">
          <h1 class="app-title">
            <span class="brand">{t('brand')}</span>
            <span class="title-text">{t('appTitle')}</span>
          </h1>
          <LanguageSwitch session={session} language={state.language} t={t} />
        </div>
        {refusedOrigin ? (
          <Notice testId="origin-refused" tone="error">
            {t('originRefused')}
          </Notice>
        ) : showLogin ? (
          <LoginForm session={session} state={state} t={t} />
        ) : (
          <PhaseNotice state={state} t={t} />
        )}
      </div>
    </main>
  );
}
