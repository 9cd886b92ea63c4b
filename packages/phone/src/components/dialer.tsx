import { useRef, useState } from 'preact/hooks';
import type { Translate } from '../i18n.js';
import type { Phone } from '../phone.js';
import { cleanNumber } from '../phone-number.js';
import { Icon } from './icons.js';
import { Keypad } from './keypad.js';

/** The number to call, the keypad and the call button. The number is kept between calls. */
export function Dialer({ phone, t, invalid }: { phone: Phone; t: Translate; invalid: boolean }) {
  const [number, setNumber] = useState(() => sessionStorageGet());
  const input = useRef<HTMLInputElement>(null);
  const change = (value: string) => {
    setNumber(value);
    sessionStorageSet(value);
    if (invalid) phone.dismissProblem();
  };
  return (
    <form
      class="dialer"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void phone.dial(number);
      }}
    >
      <h2 class="visually-hidden">{t('dialTitle')}</h2>
      <label class="visually-hidden" for="dial-input">
        {t('dialLabel')}
      </label>
      <div class="dial-display">
        <input
          id="dial-input"
          ref={input}
          class="dial-input"
          type="tel"
          inputMode="tel"
          autoComplete="off"
          data-testid="dial-input"
          placeholder={t('dialPlaceholder')}
          value={number}
          aria-invalid={invalid}
          onInput={(event) => {
            const value = event.currentTarget.value.replace(/[^\d+*#\s\-().]/g, '');
            event.currentTarget.value = value;
            change(value);
          }}
        />
        <button type="button" class="button ghost icon borderless" aria-label={t('backspace')} title={t('backspace')} disabled={!number} onClick={() => change(number.slice(0, -1))}>
          <Icon name="backspace" />
        </button>
      </div>
      <Keypad
        label={t('keypad')}
        onKey={(key) => {
          change(number + key);
          input.current?.focus({ preventScroll: true });
        }}
      />
      <div class="call-actions">
        <button type="submit" class="round-button call" data-testid="dial-call" disabled={!cleanNumber(number)}>
          <Icon name="phone" />
          <span class="round-label">{t('call')}</span>
        </button>
      </div>
    </form>
  );
}

/** The last number dialled survives a reload of the tab (not a new tab). */
const DIAL_KEY = 'openccc.phone.dial';
function sessionStorageGet(): string {
  try {
    return globalThis.sessionStorage?.getItem(DIAL_KEY) ?? '';
  } catch {
    return '';
  }
}
function sessionStorageSet(value: string): void {
  try {
    globalThis.sessionStorage?.setItem(DIAL_KEY, value);
  } catch {
    // not kept
  }
}
