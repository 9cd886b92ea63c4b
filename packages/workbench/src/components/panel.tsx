import type { ComponentChildren } from 'preact';

/** A titled section of the workbench. */
export function Panel({ id, title, class: extra, children, actions }: { id: string; title: string; class?: string; children: ComponentChildren; actions?: ComponentChildren }) {
  const headingId = `${id}-title`;
  return (
    <section class={`panel ${extra ?? ''}`} aria-labelledby={headingId}>
      <div class="panel-head">
        <h2 id={headingId}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
