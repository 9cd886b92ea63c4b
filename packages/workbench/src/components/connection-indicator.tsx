import type { MessageKey, Translate } from '../i18n.js';
import type { SessionState } from '../session.js';

const LABELS: Record<SessionState['connection'], MessageKey | null> = {
  idle: null,
  connecting: 'connectionConnecting',
  open: 'connectionOpen',
  reconnecting: 'connectionReconnecting',
  closed: 'connectionClosed',
};

export function ConnectionIndicator({ connection, t }: { connection: SessionState['connection']; t: Translate }) {
  const key = LABELS[connection];
  if (!key) return null;
  return (
    <span class="connection" data-state={connection} role="status" aria-label={`${t('connectionLabel')}: ${t(key)}`}>
      <span class="connection-dot" aria-hidden="true" />
      <span class="connection-text">{t(key)}</span>
    </span>
  );
}
