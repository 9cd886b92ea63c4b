import { useEffect } from 'preact/hooks';
import { errorText, type Translate } from '../i18n.js';
import type { Device, Session, SessionState } from '../session.js';
import { Panel } from './panel.js';
import { useAction } from './use-action.js';

const supported = () => typeof navigator !== 'undefined' && !!navigator.mediaDevices?.enumerateDevices;
/** Whether audio can be sent to a chosen output (setSinkId). */
const canRoute = () => typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/** One device list. Entries without an id (no permission yet) or the browser's own "default" are the system default. */
function DeviceSelect({ label, devices, selected, unnamed, testId, t, onSelect }: { label: string; devices: Device[]; selected: string; unnamed: string; testId: string; t: Translate; onSelect: (deviceId: string) => void }) {
  const listed = devices.filter((d) => d.deviceId && d.deviceId !== 'default');
  const value = listed.some((d) => d.deviceId === selected) ? selected : '';
  return (
    <label class="device-field">
      <span class="field-label">{label}</span>
      <select data-testid={testId} value={value} onChange={(e) => onSelect(e.currentTarget.value)}>
        <option value="">{t('microphoneDefault')}</option>
        {listed.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${unnamed} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Microphone and speaker choice, and the microphone permission. Devices are listed on mount and whenever they change. */
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

  const granted = state.microphonePermission === 'granted';

  return (
    <Panel id="microphone" title={t('audioDevices')} class="mic-panel">
      {!available ? (
        <p class="hint">{t('microphoneUnsupported')}</p>
      ) : (
        <>
          <div class="device-grid">
            <DeviceSelect label={t('microphone')} devices={state.microphones} selected={state.selectedMicrophone} unnamed={t('microphoneUnnamed')} testId="mic-select" t={t} onSelect={(id) => session.selectMicrophone(id)} />
            {canRoute() && state.speakers.length > 0 && (
              <DeviceSelect label={t('speaker')} devices={state.speakers} selected={state.selectedSpeaker} unnamed={t('speakerUnnamed')} testId="speaker-select" t={t} onSelect={(id) => session.selectSpeaker(id)} />
            )}
          </div>
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
