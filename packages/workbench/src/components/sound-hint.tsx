import type { MessageKey, Translate } from '../i18n.js';
import { Icon } from './icons.js';

/** Shown while the browser keeps the page silent (a ringtone, a call's audio) until the agent clicks. */
export function SoundHint({ text, onEnable, t }: { text: MessageKey; onEnable: () => void; t: Translate }) {
  return (
    <button type="button" class="sound-hint" data-testid="sound-hint" onClick={onEnable}>
      <Icon name="sound" />
      <span>{t(text)}</span>
    </button>
  );
}
