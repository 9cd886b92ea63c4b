import { useRef, useState } from 'preact/hooks';
import { errorText, type Translate } from '../i18n.js';
import type { Session, SessionState } from '../session.js';
import { Keypad } from './keypad.js';
import { Panel } from './panel.js';
import { useAction } from './use-action.js';

/** Only what a phone number can hold; pasted spaces and dashes go away. */
const clean = (value: string) => value.replace(/[^0-9*#+]/g, '');

/** Number input, the 12 keys (collapsible; collapsed when embedded) and the call button. */
export function DialPad({ session, state, t }: { session: Session; state: SessionState; t: Translate }) {
  const [number, setNumber] = useState('');
  const [open, setOpen] = useState(!state.embedded);
  const [missing, setMissing] = useState(false);
  const action = useAction();
  const input = useRef<HTMLInputElement>(null);

  const press = (key: string) => {
    setNumber((n) => clean(n + key));
    setMissing(false);
    action.clear();
    input.current?.focus();
  };
  const submit = (event: Event) => {
    event.preventDefault();
    const phoneNumber = clean(number);
    if (!phoneNumber) {
      setMissing(true);
      action.clear();
      return;
    }
    setMissing(false);
    void action.run(() => session.call('Call.startOutboundCall', { phoneNumber })).then((placed) => {
      if (placed) setNumber('');
    });
  };

  const toggle = (
    <button type="button" class="button link small" aria-expanded={open} aria-controls="dial-keys" data-testid="dial-toggle" onClick={() => setOpen(!open)}>
      {open ? t('hideKeypad') : t('showKeypad')}
    </button>
  );

  return (
    <Panel id="dial" title={t('dialPad')} class="dial-panel" actions={toggle}>
      <form class="dial-form" onSubmit={submit} noValidate>
        <label class="visually-hidden" for="dial-input">
          {t('phonePlaceholder')}
        </label>
        <div class="dial-row">
          <input
            id="dial-input"
            ref={input}
            type="tel"
            inputMode="tel"
            autoComplete="off"
            data-testid="dial-input"
            placeholder={t('phonePlaceholder')}
            value={number}
            aria-invalid={missing}
            aria-describedby="dial-message"
            onInput={(e) => {
              const value = clean(e.currentTarget.value);
              e.currentTarget.value = value;
              setNumber(value);
              setMissing(false);
              action.clear();
            }}
          />
          <button type="button" class="button ghost icon" aria-label={t('backspace')} title={t('backspace')} disabled={!number} onClick={() => setNumber((n) => n.slice(0, -1))}>
            ⌫
          </button>
          <button type="submit" class="button call" data-testid="dial-call" disabled={action.pending}>
            <span aria-hidden="true">✆ </span>
            {action.pending ? t('working') : t('dial')}
          </button>
        </div>
        <Keypad id="dial-keys" hidden={!open} onPress={press} />
        <div id="dial-message" aria-live="polite">
          {(missing || action.error) && (
            <p class="error" role="alert" data-testid="dial-error" data-detail={action.error?.message}>
              {action.error ? errorText(state.language, action.error) : t('phoneRequired')}
            </p>
          )}
        </div>
      </form>
    </Panel>
  );
}
