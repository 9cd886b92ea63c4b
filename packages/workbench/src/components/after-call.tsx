import type { Translate } from '../i18n.js';
import { formatDuration } from './call-labels.js';
import { useNow } from './use-now.js';

/** After-call work with an end the server announced: the time left until the agent is free again. */
export function AfterCall({ until, since, t }: { until: number; since: number; t: Translate }) {
  const now = useNow();
  const left = Math.max(0, until - now);
  const total = Math.max(1, until - since);
  return (
    <div class="after-call" data-status="arrange" data-testid="after-call">
      <div class="after-call-row">
        <span>{t('afterCallFreeIn')}</span>
        <span class="after-call-time mono" role="timer" data-testid="after-call-left">
          {formatDuration(Math.ceil(left / 1000))}
        </span>
      </div>
      <div class="progress" aria-hidden="true">
        <span style={{ width: `${Math.min(100, (left / total) * 100)}%` }} />
      </div>
    </div>
  );
}
