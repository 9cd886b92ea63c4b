import { useRef, useState } from 'preact/hooks';
import { errorText, type Language, type Translate } from '../i18n.js';
import type { Session } from '../session.js';
import { Keypad } from './keypad.js';
import { toActionError, type ActionError } from './use-action.js';

/** At most this many digits per request (the server's limit). */
const MAX_DIGITS = 32;

/** Keys sent as DTMF. Presses made while a send is under way go together in the next one, so fast typing costs few messages. */
export function DtmfPad({ session, sessionId, language, t }: { session: Session; sessionId: string; language: Language; t: Translate }) {
  const [sent, setSent] = useState('');
  const [error, setError] = useState<ActionError | null>(null);
  const queued = useRef('');
  const sending = useRef(false);

  const flush = async () => {
    if (sending.current) return;
    sending.current = true;
    try {
      while (queued.current) {
        const dtmfText = queued.current.slice(0, MAX_DIGITS);
        queued.current = queued.current.slice(MAX_DIGITS);
        try {
          await session.call('Call.sendDigits', { sessionId, dtmfText });
          setSent((s) => (s + dtmfText).slice(-20));
          setError(null);
        } catch (e) {
          queued.current = '';
          setError(toActionError(e));
        }
      }
    } finally {
      sending.current = false;
    }
  };

  return (
    <div class="dtmf" data-testid="dtmf">
      <p class={`dtmf-sent${sent ? ' mono' : ''}`} aria-live="polite" data-testid="dtmf-sent">
        {sent || t('dtmfHint')}
      </p>
      <Keypad
        onPress={(key) => {
          queued.current += key;
          void flush();
        }}
      />
      {error && (
        <p class="error" role="alert" data-detail={error.message}>
          {errorText(language, error)}
        </p>
      )}
    </div>
  );
}
