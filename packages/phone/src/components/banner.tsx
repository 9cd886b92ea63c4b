import type { ComponentChildren } from 'preact';
import { Icon } from './icons.js';

/** A message above the screen: an error (with its technical detail on hover), a warning or a note. */
export function Banner({ tone, children, detail, onDismiss, dismissLabel, testId }: { tone: 'error' | 'warn' | 'info'; children: ComponentChildren; detail?: string; onDismiss?: () => void; dismissLabel?: string; testId?: string }) {
  return (
    <div class={`banner ${tone}`} role={tone === 'info' ? 'status' : 'alert'} data-testid={testId} data-detail={detail} title={detail}>
      <Icon name="info" class="banner-icon" />
      <p class="banner-text">{children}</p>
      {onDismiss && (
        <button type="button" class="banner-close" aria-label={dismissLabel} title={dismissLabel} onClick={onDismiss}>
          <Icon name="close" />
        </button>
      )}
    </div>
  );
}
