import type { Translate } from '../i18n.js';
import { REST_REASONS } from './status-labels.js';

export interface ReasonValue {
  choice: string;
  custom: string;
}

/** The break reason: a preset choice, or 其他 with free text. `onCommit` fires when a choice is final. */
export function RestReason({ value, disabled, t, onChange, onCommit }: { value: ReasonValue; disabled: boolean; t: Translate; onChange: (value: ReasonValue) => void; onCommit: (value: ReasonValue) => void }) {
  const choose = (choice: string) => {
    const next = { choice, custom: value.custom };
    onChange(next);
    if (choice !== 'restReasonOther') onCommit(next);
  };
  return (
    <div class="rest-reason">
      <label class="field inline">
        <span class="field-label">{t('restReason')}</span>
        <select data-testid="rest-reason" value={value.choice} disabled={disabled} onChange={(e) => choose(e.currentTarget.value)}>
          <option value="">{t('restReasonNone')}</option>
          {REST_REASONS.map((key) => (
            <option key={key} value={key}>
              {t(key)}
            </option>
          ))}
          <option value="restReasonOther">{t('restReasonOther')}</option>
        </select>
      </label>
      {value.choice === 'restReasonOther' && (
        <label class="field inline">
          <span class="visually-hidden">{t('restReasonCustom')}</span>
          <input
            type="text"
            data-testid="rest-reason-custom"
            maxLength={128}
            placeholder={t('restReasonCustomPlaceholder')}
            value={value.custom}
            disabled={disabled}
            onInput={(e) => onChange({ choice: value.choice, custom: e.currentTarget.value })}
            onChange={(e) => onCommit({ choice: value.choice, custom: e.currentTarget.value })}
          />
        </label>
      )}
    </div>
  );
}
