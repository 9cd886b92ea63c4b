import { useState } from 'preact/hooks';
import { ApiError } from '../../api.js';
import { dictionary, format } from '../../i18n.js';
import type { PageProps } from '../../routes.js';
import { Button, ConfirmDialog, DataTable, Notice, TextField, common, errorText, toast, useAsync, type Column } from '../../ui/index.js';

const text = dictionary(
  {
    title: '嵌入设置',
    lead: '允许嵌入坐席工作台（SDK）的页面来源。只有这些来源的页面加载 SDK 时，坐席才能登录。',
    origin: '页面来源（Origin）',
    originHint: '协议、域名和可选端口，例如 https://crm.example.com 或 http://localhost:3000；* 表示任何页面（不建议在生产环境使用）。',
    add: '添加',
    added: '已添加 {origin}',
    already: '{origin} 已在列表中',
    remove: '移除',
    removeTitle: '移除 {origin}？',
    removeBody: '此来源的页面将无法再加载坐席工作台；已打开的工作台在下次加载时生效。',
    empty: '列表为空：只有 OpenCCC 自身的页面（{server}）可以嵌入工作台。',
    serverNote: 'OpenCCC 自身的来源 {server} 始终允许。',
    required: '请输入页面来源。',
    anyWarning: '* 允许任何网站嵌入工作台。仅在测试时使用。',
    caption: '允许的来源',
  },
  {
    title: 'Embedding',
    lead: 'The page origins allowed to embed the agent workbench (the SDK). Agents can sign in only on pages from these origins.',
    origin: 'Page origin',
    originHint: 'Scheme, host and optional port, e.g. https://crm.example.com or http://localhost:3000; * allows any page (not for production).',
    add: 'Add',
    added: 'Added {origin}',
    already: '{origin} is already in the list',
    remove: 'Remove',
    removeTitle: 'Remove {origin}?',
    removeBody: 'Pages from this origin can no longer load the workbench; open workbenches are affected when they next load.',
    empty: "The list is empty: only OpenCCC's own pages ({server}) may embed the workbench.",
    serverNote: "OpenCCC's own origin {server} is always allowed.",
    required: 'Enter a page origin.',
    anyWarning: '* lets any website embed the workbench. Use it only for testing.',
    caption: 'Allowed origins',
  },
);

/** The origins allowed to embed the SDK's workbench (the list `openccc origins` manages). */
export function EmbeddingPage({ api, lang, readOnly }: PageProps) {
  const t = text[lang];
  const list = useAsync(() => api.get<{ origins: string[]; serverOrigin: string }>('/origins'), []);
  const [origin, setOrigin] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const server = list.data?.serverOrigin ?? location.origin;

  const add = async (event: Event) => {
    event.preventDefault();
    if (!origin.trim()) return setFieldError(t.required);
    setBusy(true);
    setFieldError(null);
    try {
      const result = await api.post<{ origin: string; added: boolean }>('/origins', { origin: origin.trim() });
      toast(format(result.added ? t.added : t.already, { origin: result.origin }), result.added ? 'success' : 'info');
      setOrigin('');
      list.reload();
    } catch (e) {
      if (e instanceof ApiError && e.field === 'origin') setFieldError(errorText(e, lang));
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (removing === null) return;
    setBusy(true);
    try {
      await api.del('/origins', { origin: removing });
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      setRemoving(null);
    }
  };

  const columns: Array<Column<string>> = [
    { key: 'origin', header: t.origin, render: (o) => <code>{o}</code> },
    ...(readOnly
      ? []
      : [
          {
            key: 'actions',
            header: common[lang].actions,
            class: 'actions',
            render: (o: string) => (
              <Button variant="text" class="btn-danger-text" onClick={() => setRemoving(o)}>
                {t.remove}
              </Button>
            ),
          },
        ]),
  ];

  return (
    <section class="page" aria-labelledby="embedding-title">
      <header class="page-header">
        <div>
          <h1 id="embedding-title">{t.title}</h1>
          <p class="page-lead">{t.lead}</p>
        </div>
      </header>
      {readOnly ? <Notice kind="info">{common[lang].readOnly}</Notice> : null}
      {error ? (
        <Notice kind="error" onDismiss={() => setError(null)} dismissLabel={common[lang].close}>
          {errorText(error, lang)}
        </Notice>
      ) : null}
      {readOnly ? null : (
        <form class="card toolbar" onSubmit={(e) => void add(e)} noValidate>
          <TextField label={t.origin} value={origin} onValue={setOrigin} hint={t.originHint} error={fieldError} name="origin" placeholder="https://crm.example.com" required />
          <Button variant="primary" type="submit" busy={busy}>
            {t.add}
          </Button>
        </form>
      )}
      {list.data?.origins.includes('*') ? <Notice kind="warning">{t.anyWarning}</Notice> : null}
      <p class="muted">{format(t.serverNote, { server })}</p>
      <DataTable caption={t.caption} columns={columns} rows={list.data?.origins ?? []} rowKey={(o) => o} lang={lang} loading={list.loading} error={list.error} onRetry={list.reload} empty={format(t.empty, { server })} />
      <ConfirmDialog
        open={removing !== null}
        title={format(t.removeTitle, { origin: removing ?? '' })}
        confirmLabel={t.remove}
        lang={lang}
        busy={busy}
        onConfirm={() => void remove()}
        onCancel={() => setRemoving(null)}
      >
        <p>{t.removeBody}</p>
      </ConfirmDialog>
    </section>
  );
}
