import { useEffect, useState } from 'preact/hooks';
import { Banner } from './components/banner.js';
import { CallScreen } from './components/call-screen.js';
import { Dialer } from './components/dialer.js';
import { Header } from './components/header.js';
import { Icon } from './components/icons.js';
import { IncomingScreen } from './components/incoming-screen.js';
import { LastCall } from './components/last-call.js';
import { NumberBar } from './components/number-bar.js';
import { problemText, translator, type Language } from './i18n.js';
import type { Phone, PhoneState } from './phone.js';

function usePhone(phone: Phone): PhoneState {
  const [state, setState] = useState(phone.get());
  useEffect(() => phone.subscribe(setState), [phone]);
  return state;
}

export interface AppProps {
  phone: Phone;
  language: Language;
  onLanguage: (language: Language) => void;
  now: () => number;
  /** False when the browser has no WebRTC: the page says so up front. */
  webrtc: boolean;
}

export function App({ phone, language, onLanguage, now, webrtc }: AppProps) {
  const state = usePhone(phone);
  const t = translator(language);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = `OpenCCC ${t('appTitle')}`;
  }, [language]);

  const { call, problem, connection } = state;
  // Problems about the number field are shown by the field's own hint; the rest as a banner.
  const problemBanner = problem && !(problem.code === 'badNumber' && connection === 'offline') && (
    <Banner tone={problem.code === 'connectionLost' ? 'warn' : 'error'} testId="problem" detail={problem.detail} onDismiss={() => phone.dismissProblem()} dismissLabel={t('dismiss')}>
      {problemText(t, problem)}
    </Banner>
  );

  let screen;
  if (call?.phase === 'incoming') screen = <IncomingScreen phone={phone} state={state} t={t} />;
  else if (call) screen = <CallScreen phone={phone} state={state} t={t} now={now} />;
  else if (connection === 'online') {
    screen = (
      <>
        {state.lastCall && <LastCall call={state.lastCall} t={t} onDismiss={() => phone.dismissLastCall()} />}
        <Dialer phone={phone} t={t} invalid={problem?.code === 'badNumber'} />
      </>
    );
  } else {
    screen = (
      <div class="welcome" data-testid="welcome">
        <div class="avatar" aria-hidden="true">
          <Icon name="phone" />
        </div>
        <h2 class="welcome-title">{t('offlineTitle')}</h2>
        <p class="welcome-text">{t('offlineHint')}</p>
        {state.lastCall && <LastCall call={state.lastCall} t={t} onDismiss={() => phone.dismissLastCall()} />}
      </div>
    );
  }

  return (
    <main class="app" data-connection={connection} data-phase={call?.phase ?? 'idle'}>
      <div class="phone card">
        <Header language={language} onLanguage={onLanguage} t={t} />
        <NumberBar phone={phone} state={state} t={t} />
        {problem?.code === 'badNumber' && connection === 'offline' && (
          <p class="field-error" role="alert" data-testid="number-error">
            {problemText(t, problem)}
          </p>
        )}
        <div class="screen">
          {!webrtc && <Banner tone="error">{t('errNoWebrtc')}</Banner>}
          {problemBanner}
          {screen}
        </div>
        <footer class="app-footer">{t('footer')}</footer>
      </div>
    </main>
  );
}
