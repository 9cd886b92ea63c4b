import { useEffect } from 'preact/hooks';
import { errorText, type Translate } from '../i18n.js';
import type { Session, SessionState } from '../session.js';
import { Panel } from './panel.js';
import { useAction } from './use-action.js';

const supported = () => typeof navigator !== 'undefined' && !!navigator.mediaDevices?.enumerateDevices;

/** Microphone choice and permission. Devices are listed on mount and whenever they change. */
export function MicrophonePanel({ session, state, t }: { session: Session; state: SessionState; t: Translate }) {
  const action = useAction();
  const available = supported();

  useEffect(() => {
    if (!supported()) return;
    const refresh = () => void session.refreshDevices().catch(() => undefined);
    refresh();
    navigator.mediaDevices.addEventListener('devicechange', refresh);
    return () => navigator.mediaDevices.removeEventListener('devicechange', refresh);
  }, [session]);

  // Entries without an id (no permission yet) or the browser's own "default" are the system default.
  const devices = state.microphones.filter((d) => d.deviceId && d.deviceId !== 'default');
  const selected = devices.some((d) => d.deviceId === state.selectedMicrophone) ? state.selectedMicrophone : '';
  const granted = state.microphonePermission === 'granted';

  return (
    <Panel id="microphone" title={t('microphone')} class="mic-panel">
      {!available ? (
        <p class="hint">{t('microphoneUnsupported')}</p>
      ) : (
        <>
          <label class="field">
            <span class="visually-hidden">{t('microphoneSelect')}</span>
            <select data-testid="mic-select" value={selected} onChange={(e) => session.selectMicrophone(e.currentTarget.value)}>
              <option value="">{t('microphoneDefault')}</option>
              {devices.map((d, i) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label || `${t('microphoneUnnamed')} ${i + 1}`}
                </option>
              ))}
            </select>
          </label>
          {!granted && (
            <button type="button" class="button secondary" data-testid="mic-allow" disabled={action.pending} onClick={() => void action.run(() => session.requestMicrophone())}>
              <svg class="icon-svg" viewBox="0 0 24 24" aria-hidden="true">
                <path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9h-2z" />
              </svg>
              {t('allowMicrophone')}
            </button>
          )}
          {state.microphonePermission === 'denied' && (
            <p class="error" role="alert" data-testid="mic-denied">
              {t('microphoneDenied')}
            </p>
          )}
          {state.microphonePermission === 'unavailable' && (
            <p class="error" role="alert" data-testid="mic-unavailable">
              {t('microphoneUnavailable')}
            </p>
          )}
          {action.error && state.microphonePermission !== 'denied' && (
            <p class="error" role="alert">
              {errorText(state.language, action.error)}
            </p>
          )}
        </>
      )}
    </Panel>
  );
}
