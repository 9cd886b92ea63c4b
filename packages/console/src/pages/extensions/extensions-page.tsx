import { useState } from 'preact/hooks';
import type { ConsoleApi } from '../../api.js';
import { format } from '../../i18n.js';
import type { PageProps } from '../../routes.js';
import { Button, ConfirmItemDialog, DataTable, Notice, Paging, common, errorText, toast, useAsync, type Column } from '../../ui/index.js';
import { loadSkillGroups } from '../numbers/numbers-data.js';
import { loadSipStatus } from '../sip-trunks/sip-api.js';
import { SipStatusNotice } from '../sip-trunks/sip-status-notice.js';
import { listAllStaff } from '../staff/staff-api.js';
import { ExtensionFormDialog } from './extension-form.js';
import { deleteExtension, describeExtension, EXTENSION_PAGE_SIZE, listExtensions, resetExtensionPassword, skillGroupIdsOf, type ExtensionInfo } from './extensions-api.js';
import { AccountDialog, PhoneSetupDialog, type PhoneAccount } from './phone-settings.js';
import { extensionsText } from './text.js';
import './extensions.css';

type Modal =
  | { kind: 'create' }
  | { kind: 'edit'; extension: ExtensionInfo }
  | { kind: 'delete'; id: string }
  | { kind: 'reset'; id: string }
  | { kind: 'setup'; id: string }
  | { kind: 'account'; account: PhoneAccount; created: boolean }
  | null;

/** The account of an extension as DescribeExtension gives it, with the password just made (shown once). */
async function accountOf(api: ConsoleApi, id: string, password?: string): Promise<PhoneAccount> {
  const account = await describeExtension(api, id);
  return { extensionId: account.ExtensionId, domain: account.ExtensionDomain, outboundProxy: account.OutboundProxy, transport: account.Transport, password: password ?? account.Password };
}

/** `#/extensions`: the instance's SIP extensions with their binding and registration; create, edit, reset the password, delete, phone setup. */
export function ExtensionsPage({ api, lang, readOnly }: PageProps) {
  const t = extensionsText[lang];
  const [page, setPage] = useState(0);
  const [modal, setModal] = useState<Modal>(null);
  const [busy, setBusy] = useState(false);
  const list = useAsync(() => listExtensions(api, page, EXTENSION_PAGE_SIZE), [api, page]);
  const status = useAsync(() => loadSipStatus(api), [api]);
  const groups = useAsync(() => loadSkillGroups(api), [api]);
  const staff = useAsync(() => (readOnly ? Promise.resolve([]) : listAllStaff(api)), [api, readOnly]);

  const groupName = (id: number) => groups.data?.find((g) => g.id === id)?.name ?? `#${id}`;

  /** Runs a change behind a dialog: shows its failure, reloads the list either way. */
  const run = async (work: () => Promise<Modal>) => {
    setBusy(true);
    try {
      setModal(await work());
    } catch (error) {
      toast(errorText(error, lang), 'error');
      setModal(null);
    } finally {
      setBusy(false);
      list.reload();
    }
  };

  const columns: Array<Column<ExtensionInfo>> = [
    { key: 'id', header: t.id, render: (e) => <span class="mono extension-id">{e.ExtensionId}</span> },
    { key: 'name', header: t.name, render: (e) => e.ExtensionName },
    {
      key: 'agent',
      header: t.agent,
      render: (e) =>
        e.Relation ? (
          <span class="extension-agent">
            {e.RelationName || e.Relation}
            {e.RelationName ? <span class="muted mono">{e.Relation}</span> : null}
          </span>
        ) : (
          <span class="muted">{t.noAgent}</span>
        ),
    },
    {
      key: 'groups',
      header: t.skillGroups,
      render: (e) => {
        const ids = skillGroupIdsOf(e);
        return ids.length === 0 ? (
          <span class="muted">{t.noGroups}</span>
        ) : (
          ids.map((id) => (
            <span class="tag" key={id}>
              {groupName(id)}
            </span>
          ))
        );
      },
    },
    {
      key: 'registration',
      header: t.registration,
      render: (e) => (
        <span class={`tag extension-${e.Register ? 'registered' : 'unregistered'}`} data-registered={e.Register ? 'true' : 'false'}>
          {e.Register ? (e.Status === 200 ? t.busy : t.registered) : t.unregistered}
        </span>
      ),
    },
    {
      key: 'actions',
      header: common[lang].actions,
      class: 'actions',
      render: (e) => (
        <>
          <Button variant="text" disabled={!status.data} onClick={() => setModal({ kind: 'setup', id: e.ExtensionId })} aria-label={`${t.phoneSetup} ${e.ExtensionId}`}>
            {t.phoneSetup}
          </Button>
          {readOnly ? null : (
            <>
              <Button variant="text" onClick={() => setModal({ kind: 'edit', extension: e })} aria-label={`${t.edit} ${e.ExtensionId}`}>
                {t.edit}
              </Button>
              <Button variant="text" onClick={() => setModal({ kind: 'reset', id: e.ExtensionId })} aria-label={`${t.resetPassword} ${e.ExtensionId}`}>
                {t.resetPassword}
              </Button>
              <Button variant="text" class="btn-danger-text" onClick={() => setModal({ kind: 'delete', id: e.ExtensionId })} aria-label={`${t.delete} ${e.ExtensionId}`}>
                {t.delete}
              </Button>
            </>
          )}
        </>
      ),
    },
  ];

  const data = list.data;
  return (
    <section class="page extensions-page" aria-labelledby="extensions-title">
      <header class="page-header">
        <div>
          <h1 id="extensions-title">{t.title}</h1>
          <p class="page-lead">{t.lead}</p>
        </div>
        <div class="page-actions">
          <Button busy={list.loading} onClick={list.reload}>
            {t.refresh}
          </Button>
          {readOnly ? null : (
            <Button variant="primary" onClick={() => setModal({ kind: 'create' })}>
              {t.create}
            </Button>
          )}
        </div>
      </header>
      <SipStatusNotice status={status.data} lang={lang} />
      {readOnly ? <Notice>{common[lang].readOnly}</Notice> : null}
      <DataTable caption={t.caption} columns={columns} rows={data?.extensions ?? []} rowKey={(e) => e.ExtensionId} lang={lang} loading={list.loading} error={list.error} onRetry={list.reload} empty={t.empty} />
      {data && data.total > EXTENSION_PAGE_SIZE ? <Paging page={page} pageSize={EXTENSION_PAGE_SIZE} total={data.total} lang={lang} onPage={setPage} /> : null}

      {modal?.kind === 'create' || modal?.kind === 'edit' ? (
        <ExtensionFormDialog
          api={api}
          lang={lang}
          editing={modal.kind === 'edit' ? modal.extension : null}
          staff={staff.data ?? []}
          groups={groups.data ?? []}
          onClose={() => setModal(null)}
          onSaved={(id, created) => {
            toast(format(created ? t.created : t.saved, { id }));
            if (created) void run(async () => ({ kind: 'account', account: await accountOf(api, id), created: true }));
            else {
              setModal(null);
              list.reload();
            }
          }}
        />
      ) : null}
      {modal?.kind === 'account' ? <AccountDialog account={modal.account} created={modal.created} lang={lang} onClose={() => setModal(null)} /> : null}
      {modal?.kind === 'setup' && status.data ? (
        <PhoneSetupDialog
          account={{ extensionId: modal.id, domain: status.data.domain, outboundProxy: status.data.outboundProxy, transport: status.data.transport, password: null }}
          lang={lang}
          onClose={() => setModal(null)}
        />
      ) : null}
      <ConfirmItemDialog
        item={modal?.kind === 'reset' ? modal.id : null}
        title={t.resetTitle}
        confirmLabel={t.resetConfirm}
        lang={lang}
        busy={busy}
        onCancel={() => setModal(null)}
        onConfirm={(id) => void run(async () => ({ kind: 'account', account: await accountOf(api, id, await resetExtensionPassword(api, id)), created: false }))}
      >
        {(id) => <p>{format(t.resetBody, { id })}</p>}
      </ConfirmItemDialog>
      <ConfirmItemDialog
        item={modal?.kind === 'delete' ? modal.id : null}
        title={t.deleteTitle}
        confirmLabel={t.delete}
        lang={lang}
        busy={busy}
        onCancel={() => setModal(null)}
        onConfirm={(id) =>
          void run(async () => {
            await deleteExtension(api, id);
            toast(format(t.deleted, { id }));
            return null;
          })
        }
      >
        {(id) => <p>{format(t.deleteBody, { id })}</p>}
      </ConfirmItemDialog>
    </section>
  );
}
