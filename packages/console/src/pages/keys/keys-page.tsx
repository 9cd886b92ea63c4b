import { useState } from 'preact/hooks';
import { ApiError } from '../../api.js';
import { dictionary, format } from '../../i18n.js';
import type { PageProps } from '../../routes.js';
import { Button, ConfirmDialog, CopyButton, DataTable, Dialog, Notice, SelectField, TextField, common, errorText, toast, useAsync, type Column } from '../../ui/index.js';

/** A key as the console API lists it (never its SecretKey). */
interface KeyRow {
  secretId: string;
  kind: 'main' | 'sub';
  actions: string[];
  status: 'enabled' | 'disabled';
  description: string;
  createdAt: number;
  lastUsedAt: number | null;
  reachesOthers: boolean;
  manageable: boolean;
}

const text = dictionary(
  {
    title: 'API 密钥',
    lead: '后端调用云 API（如同步员工、生成 SDK 登录令牌）时用 SecretId/SecretKey 签名。在此创建的密钥只能访问本实例。',
    create: '新建密钥',
    secretId: 'SecretId',
    kind: '类型',
    main: '主密钥（全部接口）',
    sub: '子密钥（指定接口）',
    actions: '允许的接口',
    actionsHint: '用逗号分隔，可用通配符，例如 CreateSDKLoginToken, Describe*',
    description: '备注',
    status: '状态',
    enabled: '已启用',
    disabled: '已停用',
    created: '创建时间',
    lastUsed: '最近使用',
    never: '从未使用',
    enable: '启用',
    disable: '停用',
    cliOnly: '可访问其他实例，请用 openccc keys 命令管理',
    createdTitle: '密钥已创建',
    createdWarning: 'SecretKey 只显示这一次。请立即复制并保存在后端的配置中；关闭后无法再次查看。',
    secretKey: 'SecretKey',
    done: '我已保存',
    deleteTitle: '删除密钥 {id}？',
    deleteBody: '使用该密钥的后端将立即无法调用云 API。此操作不可撤销。',
    deleted: '密钥已删除',
    empty: '暂无密钥。新建一个密钥供后端调用云 API。',
    actionsRequired: '子密钥至少需要一个接口。',
    descriptionTooLong: '备注最多 200 个字符。',
    caption: 'API 密钥列表',
  },
  {
    title: 'API keys',
    lead: 'Backends sign Cloud API requests (syncing staff, minting SDK login tokens) with a SecretId/SecretKey. Keys created here reach only this instance.',
    create: 'New key',
    secretId: 'SecretId',
    kind: 'Kind',
    main: 'Main key (every action)',
    sub: 'Sub-account key (listed actions)',
    actions: 'Allowed actions',
    actionsHint: 'Separated by commas, wildcards allowed, e.g. CreateSDKLoginToken, Describe*',
    description: 'Description',
    status: 'Status',
    enabled: 'Enabled',
    disabled: 'Disabled',
    created: 'Created',
    lastUsed: 'Last used',
    never: 'Never',
    enable: 'Enable',
    disable: 'Disable',
    cliOnly: 'Reaches other instances; manage it with openccc keys',
    createdTitle: 'Key created',
    createdWarning: 'The SecretKey is shown this once. Copy it now into your backend configuration; it cannot be shown again.',
    secretKey: 'SecretKey',
    done: 'I have saved it',
    deleteTitle: 'Delete key {id}?',
    deleteBody: 'Backends using this key can no longer call the Cloud API. This cannot be undone.',
    deleted: 'Key deleted',
    empty: 'No keys yet. Create one for your backend to call the Cloud API.',
    actionsRequired: 'A sub-account key needs at least one action.',
    descriptionTooLong: 'The description is at most 200 characters.',
    caption: 'API keys',
  },
);

function when(ms: number, lang: string): string {
  return new Date(ms).toLocaleString(lang, { hour12: false });
}

/** API keys of the instance: create (SecretKey shown once), enable or disable, delete; administrators only. */
export function KeysPage({ api, lang }: PageProps) {
  const t = text[lang];
  const keys = useAsync(() => api.get<{ keys: KeyRow[] }>('/keys').then((r) => r.keys), []);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ secretId: string; secretKey: string } | null>(null);
  const [deleting, setDeleting] = useState<KeyRow | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const setStatus = async (row: KeyRow, status: 'enabled' | 'disabled') => {
    setError(null);
    try {
      await api.put(`/keys/${encodeURIComponent(row.secretId)}/status`, { status });
      keys.reload();
    } catch (e) {
      setError(e);
    }
  };
  const remove = async () => {
    if (!deleting) return;
    setBusy(true);
    try {
      await api.del(`/keys/${encodeURIComponent(deleting.secretId)}`);
      toast(t.deleted);
      setDeleting(null);
      keys.reload();
    } catch (e) {
      setError(e);
      setDeleting(null);
    } finally {
      setBusy(false);
    }
  };

  const columns: Array<Column<KeyRow>> = [
    { key: 'id', header: t.secretId, render: (k) => <code>{k.secretId}</code> },
    { key: 'kind', header: t.kind, render: (k) => (k.kind === 'main' ? t.main : <span title={k.actions.join(', ')}>{`${t.sub}: ${k.actions.join(', ')}`}</span>) },
    { key: 'description', header: t.description, render: (k) => k.description || '—' },
    { key: 'status', header: t.status, render: (k) => <span class={k.status === 'enabled' ? 'tag tag-primary' : 'tag'}>{k.status === 'enabled' ? t.enabled : t.disabled}</span> },
    { key: 'created', header: t.created, render: (k) => when(k.createdAt, lang) },
    { key: 'used', header: t.lastUsed, render: (k) => (k.lastUsedAt ? when(k.lastUsedAt, lang) : t.never) },
    {
      key: 'actions',
      header: common[lang].actions,
      class: 'actions',
      render: (k) =>
        k.manageable ? (
          <>
            <Button variant="text" onClick={() => void setStatus(k, k.status === 'enabled' ? 'disabled' : 'enabled')}>
              {k.status === 'enabled' ? t.disable : t.enable}
            </Button>
            <Button variant="text" class="btn-danger-text" onClick={() => setDeleting(k)}>
              {common[lang].delete}
            </Button>
          </>
        ) : (
          <span class="muted">{t.cliOnly}</span>
        ),
    },
  ];

  return (
    <section class="page" aria-labelledby="keys-title">
      <header class="page-header">
        <div>
          <h1 id="keys-title">{t.title}</h1>
          <p class="page-lead">{t.lead}</p>
        </div>
        <div class="page-actions">
          <Button variant="primary" onClick={() => setCreating(true)}>
            {t.create}
          </Button>
        </div>
      </header>
      {error ? (
        <Notice kind="error" onDismiss={() => setError(null)} dismissLabel={common[lang].close}>
          {errorText(error, lang)}
        </Notice>
      ) : null}
      <DataTable caption={t.caption} columns={columns} rows={keys.data ?? []} rowKey={(k) => k.secretId} lang={lang} loading={keys.loading} error={keys.error} onRetry={keys.reload} empty={t.empty} />
      {creating ? (
        <CreateKeyDialog
          props={{ api, lang }}
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setCreated(key);
            keys.reload();
          }}
        />
      ) : null}
      <Dialog
        open={created !== null}
        title={t.createdTitle}
        onClose={() => setCreated(null)}
        footer={
          <Button variant="primary" onClick={() => setCreated(null)}>
            {t.done}
          </Button>
        }
      >
        <Notice kind="warning">{t.createdWarning}</Notice>
        <p class="field-label">{t.secretId}</p>
        <p class="secret">
          <code class="mono" data-testid="created-secret-id">{created?.secretId}</code> <CopyButton text={created?.secretId ?? ''} lang={lang} />
        </p>
        <p class="field-label">{t.secretKey}</p>
        <p class="secret">
          <code class="mono" data-testid="created-secret-key">{created?.secretKey}</code> <CopyButton text={created?.secretKey ?? ''} lang={lang} />
        </p>
      </Dialog>
      <ConfirmDialog
        open={deleting !== null}
        title={format(t.deleteTitle, { id: deleting?.secretId ?? '' })}
        confirmLabel={common[lang].delete}
        lang={lang}
        busy={busy}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
      >
        <p>{t.deleteBody}</p>
      </ConfirmDialog>
    </section>
  );
}

function CreateKeyDialog({ props, onClose, onCreated }: { props: Pick<PageProps, 'api' | 'lang'>; onClose: () => void; onCreated: (key: { secretId: string; secretKey: string }) => void }) {
  const { api, lang } = props;
  const t = text[lang];
  const [kind, setKind] = useState<'main' | 'sub'>('sub');
  const [actions, setActions] = useState('CreateSDKLoginToken, Describe*');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<{ actions?: string; description?: string; kind?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const list = actions.split(',').map((a) => a.trim()).filter(Boolean);
    const found: typeof errors = {};
    if (kind === 'sub' && list.length === 0) found.actions = t.actionsRequired;
    if (description.trim().length > 200) found.description = t.descriptionTooLong;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      onCreated(await api.post<{ secretId: string; secretKey: string }>('/keys', { kind, description: description.trim(), ...(kind === 'sub' ? { actions: list } : {}) }));
    } catch (e) {
      const field = e instanceof ApiError ? e.field : undefined;
      if (field === 'actions' || field === 'description' || field === 'kind') setErrors({ [field]: errorText(e, lang) });
      else setErrors({ form: errorText(e, lang) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title={t.create}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            {common[lang].cancel}
          </Button>
          <Button variant="primary" busy={busy} onClick={(e) => void submit(e)}>
            {common[lang].create}
          </Button>
        </>
      }
    >
      <form id="create-key-form" onSubmit={(e) => void submit(e)} noValidate>
        {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
        <SelectField
          label={t.kind}
          value={kind}
          onValue={setKind}
          options={[
            { value: 'sub', label: t.sub },
            { value: 'main', label: t.main },
          ]}
          error={errors.kind}
        />
        {kind === 'sub' ? <TextField label={t.actions} value={actions} onValue={setActions} hint={t.actionsHint} error={errors.actions} required name="actions" /> : null}
        <TextField label={t.description} value={description} onValue={setDescription} error={errors.description} name="description" maxLength={200} />
      </form>
    </Dialog>
  );
}
