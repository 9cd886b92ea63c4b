import type { ComponentChildren } from 'preact';

/** A centred message: waiting, signed out, failed, refused. */
export function Notice({ testId, tone = 'info', spinner = false, title, children, action }: { testId?: string; tone?: 'info' | 'warn' | 'error'; spinner?: boolean; title?: string; children: ComponentChildren; action?: ComponentChildren }) {
  return (
    <div class={`notice ${tone}`} data-testid={testId} role={tone === 'info' ? 'status' : 'alert'}>
      {spinner && <span class="spinner" aria-hidden="true" />}
      {title && <h2 class="notice-title">{title}</h2>}
      <p class="notice-text">{children}</p>
      {action}
    </div>
  );
}
