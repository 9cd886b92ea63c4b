import { useState } from 'preact/hooks';
import { errorText, type Language, type MessageKey, type Translate } from '../i18n.js';
import type { Session } from '../session.js';
import { useAction } from './use-action.js';

type Target = 'agent' | 'group';

/** Blind transfer to an agent (by email) or a skill group (by id). */
export function TransferForm({ session, sessionId, language, t }: { session: Session; sessionId: string; language: Language; t: Translate }) {
  const [target, setTarget] = useState<Target>('agent');
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const action = useAction();

  const submit = (event: Event) => {
    event.preventDefault();
    const v = value.trim();
    if (!v) return setProblem('transferTargetRequired');
    if (target === 'group' && !/^\d+$/.test(v)) return setProblem('transferGroupInvalid');
    setProblem(null);
    void action.run(() => session.call('Call.transfer', target === 'agent' ? { sessionId, userId: v } : { sessionId, skillGroupId: v }));
  };
  const choose = (next: Target) => {
    setTarget(next);
    setValue('');
    setProblem(null);
    action.clear();
  };
  const message = problem ? t(problem) : action.error ? errorText(language, action.error) : '';

  return (
    <form class="transfer-form" data-testid="transfer-form" onSubmit={submit} noValidate>
      <div class="segmented" role="radiogroup" aria-label={t('transferTo')}>
        {(['agent', 'group'] as const).map((option) => (
          <button key={option} type="button" role="radio" aria-checked={target === option} data-testid={`transfer-${option}`} onClick={() => choose(option)}>
            {t(option === 'agent' ? 'transferToAgent' : 'transferToGroup')}
          </button>
        ))}
      </div>
      <div class="transfer-row">
        <input
          type={target === 'agent' ? 'email' : 'text'}
          inputMode={target === 'agent' ? 'email' : 'numeric'}
          autoComplete="off"
          data-testid="transfer-target"
          aria-label={t(target === 'agent' ? 'transferAgentPlaceholder' : 'transferGroupPlaceholder')}
          placeholder={t(target === 'agent' ? 'transferAgentPlaceholder' : 'transferGroupPlaceholder')}
          value={value}
          aria-invalid={!!problem}
          onInput={(e) => {
            setValue(e.currentTarget.value);
            setProblem(null);
          }}
        />
        <button type="submit" class="button primary" data-testid="transfer-submit" disabled={action.pending}>
          {action.pending ? t('working') : t('transfer')}
        </button>
      </div>
      {message && (
        <p class="error" role="alert" data-detail={action.error?.message}>
          {message}
        </p>
      )}
    </form>
  );
}
