import { useState } from 'preact/hooks';
import type { CallView } from '../call-desk.js';
import { errorText, type Translate } from '../i18n.js';
import type { Session, SessionState } from '../session.js';
import { CallFacts } from './call-facts.js';
import { formatDuration, peerText, typeKey } from './call-labels.js';
import { DtmfPad } from './dtmf-pad.js';
import { Icon, type IconName } from './icons.js';
import { SoundHint } from './sound-hint.js';
import { TransferForm } from './transfer-form.js';
import { useAction } from './use-action.js';
import { useNow } from './use-now.js';

type Tool = 'keypad' | 'transfer' | null;

function Control({ icon, label, pressed, disabled, testId, onClick }: { icon: IconName; label: string; pressed: boolean; disabled: boolean; testId: string; onClick: () => void }) {
  return (
    <button type="button" class="call-control" aria-pressed={pressed} disabled={disabled} data-testid={testId} onClick={onClick}>
      <Icon name={icon} />
      <span>{label}</span>
    </button>
  );
}

/** A call being dialled, in conversation or on hold: timer, mute, hold, DTMF, transfer and hang-up. */
export function ActiveCall({ session, state, call, t }: { session: Session; state: SessionState; call: CallView; t: Translate }) {
  const [tool, setTool] = useState<Tool>(null);
  const action = useAction();
  const now = useNow();
  const { sessionId } = call;
  const held = call.state === 'held';
  const talking = call.state === 'talking';
  const seconds = Math.floor((now - (call.answeredAt ?? call.startedAt)) / 1000);
  const kind = typeKey(call.type);
  const direction = call.direction === 'in' ? t('callInbound') : t('callOutbound');
  const run = (method: string) => void action.run(() => session.call(method, { sessionId }));
  const toggle = (next: Exclude<Tool, null>) => setTool(tool === next ? null : next);

  const canDtmf = call.state === 'dialing' || talking;
  const canTransfer = (talking || held) && call.type !== 'internal';
  const shownTool = (tool === 'keypad' && canDtmf) || (tool === 'transfer' && canTransfer) ? tool : null;
  const audio = call.audio === 'failed' ? 'audioFailed' : call.audio === 'none' ? 'audioNone' : call.audio === 'connecting' && talking ? 'audioConnecting' : null;

  return (
    <div class="call-card" data-testid="active-call" data-state={call.state} data-session-id={sessionId}>
      <div class="call-head">
        <span class={`call-avatar ${call.state}`} aria-hidden="true">
          <Icon name={held ? 'pause' : call.direction === 'in' ? 'received' : 'made'} />
        </span>
        <div class="call-who">
          <p class="call-peer" data-testid="call-peer">
            {peerText(call.peer, t)}
          </p>
          <p class="call-sub">
            {direction}
            {kind && ` · ${t(kind)}`}
            {call.muted && (
              <span class="call-badge" data-testid="call-muted">
                {t('muted')}
              </span>
            )}
          </p>
        </div>
        <p class="call-timer mono" role="timer" aria-label={t('callDuration')} data-testid="call-timer">
          {formatDuration(seconds)}
        </p>
      </div>
      <CallFacts call={call} t={t} />
      {call.silent && <SoundHint text="soundBlockedCall" onEnable={() => session.resumeAudio()} t={t} />}
      {audio && (
        <p class={`call-audio ${call.audio}`} role={call.audio === 'connecting' ? 'status' : 'alert'} data-testid="call-audio">
          {t(audio)}
        </p>
      )}
      <div class="call-controls" role="group" aria-label={t('currentCall')}>
        <Control
          icon={call.muted ? 'micOff' : 'mic'}
          label={call.muted ? t('unmute') : t('mute')}
          pressed={call.muted}
          disabled={call.audio === 'none' || action.pending}
          testId="call-mute"
          onClick={() => run(call.muted ? 'Call.unmuteMic' : 'Call.muteMic')}
        />
        <Control icon={held ? 'play' : 'pause'} label={held ? t('resume') : t('hold')} pressed={held} disabled={!(talking || held) || action.pending} testId="call-hold" onClick={() => run(held ? 'Call.unHold' : 'Call.hold')} />
        <Control icon="dialpad" label={t('keypad')} pressed={shownTool === 'keypad'} disabled={!canDtmf} testId="call-keypad" onClick={() => toggle('keypad')} />
        <Control icon="transfer" label={t('transfer')} pressed={shownTool === 'transfer'} disabled={!canTransfer} testId="call-transfer" onClick={() => toggle('transfer')} />
      </div>
      {shownTool === 'keypad' && <DtmfPad session={session} sessionId={sessionId} language={state.language} t={t} />}
      {shownTool === 'transfer' && <TransferForm session={session} sessionId={sessionId} language={state.language} t={t} />}
      <button type="button" class="button danger block" data-testid="call-hangup" disabled={action.pending} onClick={() => run('Call.hungUp')}>
        <Icon name="callEnd" />
        {t('hangUp')}
      </button>
      {action.error && (
        <p class="error" role="alert" data-testid="call-error" data-detail={action.error.message}>
          {errorText(state.language, action.error)}
        </p>
      )}
    </div>
  );
}
