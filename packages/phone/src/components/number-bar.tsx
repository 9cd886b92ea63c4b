import type { Translate } from '../i18n.js';
import type { Phone, PhoneState } from '../phone.js';
import { formatNumber } from '../phone-number.js';
import { Icon } from './icons.js';

/** This phone's number: editable and connectable while offline; shown with its status while connected. */
export function NumberBar({ phone, state, t }: { phone: Phone; state: PhoneState; t: Translate }) {
  const { connection } = state;
  if (connection === 'online') {
    return (
      <section class="number-bar online" aria-label={t('myNumber')}>
        <div class="number-info">
          <span class="number-label">
            <span class="status-dot" aria-hidden="true" />
            {t('myNumber')} · {t('connectionOnline')}
          </span>
          <span class="number-value" data-testid="registered-number">
            {formatNumber(state.registered ?? state.number)}
          </span>
        </div>
        <button type="button" class="button ghost small" data-testid="disconnect" onClick={() => phone.disconnect()}>
          {t('disconnect')}
        </button>
      </section>
    );
  }
  const busy = connection !== 'offline';
  const invalid = state.problem?.code === 'badNumber' && !state.call;
  return (
    <section class={`number-bar ${connection}`} aria-label={t('myNumber')}>
      <form
        class="number-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          phone.connect();
        }}
      >
        <label class="number-label" for="my-number">
          {t('myNumber')}
        </label>
        <div class="number-row">
          <input
            id="my-number"
            class="number-input"
            type="tel"
            inputMode="tel"
            autoComplete="off"
            data-testid="my-number"
            placeholder={t('numberPlaceholder')}
            value={state.number}
            disabled={busy}
            aria-invalid={invalid}
            aria-describedby="number-hint"
            onInput={(event) => phone.setNumber(event.currentTarget.value)}
          />
          <button type="button" class="button ghost icon" title={t('randomNumber')} aria-label={t('randomNumber')} disabled={busy} data-testid="random-number" onClick={() => phone.randomizeNumber()}>
            <Icon name="shuffle" />
          </button>
          {busy ? (
            <button type="button" class="button secondary" data-testid="cancel-connect" onClick={() => phone.disconnect()}>
              <span class="spinner small dark" aria-hidden="true" />
              {t('cancel')}
            </button>
          ) : (
            <button type="submit" class="button primary" data-testid="connect">
              {t('connect')}
            </button>
          )}
        </div>
        <p id="number-hint" class="hint" aria-live="polite">
          {busy ? t(connection === 'reconnecting' ? 'connectionReconnecting' : 'connectionConnecting') : t('numberHint')}
        </p>
      </form>
    </section>
  );
}
