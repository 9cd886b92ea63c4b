import type { Translate } from '../i18n.js';
import { Icon } from './icons.js';

/** Shown while a call rings but the browser keeps the page silent until the agent clicks. */
export function SoundHint({ onEnable, t }: { onEnable: () => void; t: Translate }) {
  return (
    <button type="button" class="sound-hint" data-testid="sound-hint" onClick={onEnable}>
      <Icon name="sound" />
      <span>{t('soundBlocked')}</span>
    </button>
  );
}
