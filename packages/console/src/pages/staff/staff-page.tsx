import { useState } from 'preact/hooks';
import { format } from '../../i18n.js';
import type { PageProps } from '../../routes.js';
import { Button, ConfirmItemDialog, DataTable, Notice, Paging, SearchBar, common, errorText, toast, useAsync, type Column } from '../../ui/index.js';
import { listAllGroups } from '../skill-groups/groups-api.js';
import { PasswordDialog } from './password-dialog.js';
import { listStaff, type StaffInfo } from './staff-api.js';
import { exportStaff } from './staff-export.js';
import { StaffForm } from './staff-form.js';
import { StaffImport } from './staff-import.js';
import { text } from './text.js';
import './staff.css';

const PAGE_SIZES = [10, 20, 50, 100] as const;

type Modal = { kind: 'create' } | { kind: 'edit'; staff: StaffInfo } | { kind: 'password'; mail: string } | { kind: 'delete'; mail: string } | { kind: 'import' } | null;

/** `#/staff`: list, search, create, edit, delete, reset passwords, skill groups with priorities, CSV import and export. */
export function StaffPage({ api, user, lang, readOnly }: PageProps) {
  const t = text[lang];
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState<number>(20);
  const [search, setSearch] = useState('');
  const [modal, setModal] = useState<Modal>(null);
  const [deleting, setDeleting] = useState(false);
  const [exporting, setExporting] = useState(false);

  const list = useAsync(() => listStaff(api, page, pageSize, search || undefined), [api, page, pageSize, search]);
  const groups = useAsync(() => listAllGroups(api), [api]);

  const roleName = (role: number | undefined) => (role === 1 ? t.roleAdmin : role === 2 ? t.roleQa : t.roleAgent);

  const columns: Array<Column<StaffInfo>> = [
    { key: 'name', header: t.name, render: (s) => <span class="staff-name">{s.Name}</span> },
    { key: 'mail', header: t.mail, render: (s) => <span class="mono">{s.Mail}</span> },
    { key: 'number', header: t.staffNumber, render: (s) => s.StaffNumber || '—' },
    { key: 'role', header: t.role, render: (s) => <span class={`tag${s.RoleId === 3 ? '' : ' tag-primary'}`}>{roleName(s.RoleId)}</span> },
    { key: 'phone', header: t.phone, render: (s) => s.Phone || '—' },
    { key: 'extension', header: t.extensionNumber, render: (s) => s.ExtensionNumber || '—' },
    {
      key: 'groups',
      header: t.skillGroups,
      render: (s) =>
        (s.SkillGroupList ?? []).length === 0 ? (
          <span class="muted">{t.noGroups}</span>
        ) : (
          (s.SkillGroupList ?? []).map((g) => (
            <span class="tag" key={g.SkillGroupId} title={`${t.priority} ${g.Priority ?? ''}`}>
              {g.SkillGroupName} · P{g.Priority ?? ''}
            </span>
          ))
        ),
    },
  ];
  if (!readOnly) {
    columns.push({
      key: 'actions',
      header: common[lang].actions,
      class: 'actions',
      render: (s) => (
        <>
          <Button variant="text" onClick={() => setModal({ kind: 'edit', staff: s })} aria-label={`${t.edit} ${s.Mail}`}>
            {t.edit}
          </Button>
          <Button variant="text" onClick={() => setModal({ kind: 'password', mail: s.Mail })} aria-label={`${t.resetPassword} ${s.Mail}`}>
            {t.resetPassword}
          </Button>
          <Button variant="text" class="btn-danger-text" disabled={s.Mail.toLowerCase() === user.mail.toLowerCase()} onClick={() => setModal({ kind: 'delete', mail: s.Mail })} aria-label={`${t.delete} ${s.Mail}`}>
            {t.delete}
          </Button>
        </>
      ),
    });
  }

  const remove = async (mail: string) => {
    setDeleting(true);
    try {
      const answer = await api.action<{ OnlineStaffList?: string[] }>('DeleteStaff', { StaffList: [mail] });
      if ((answer.OnlineStaffList ?? []).length > 0) toast(format(t.stillOnline, { mail }), 'error');
      else toast(format(t.deleted, { mail }));
      setModal(null);
      list.reload();
    } catch (error) {
      toast(errorText(error, lang), 'error');
    } finally {
      setDeleting(false);
    }
  };

  const download = async () => {
    setExporting(true);
    try {
      const count = await exportStaff(api, lang, user.sdkAppId);
      toast(format(t.exportDone, { n: count }));
    } catch (error) {
      toast(errorText(error, lang), 'error');
    } finally {
      setExporting(false);
    }
  };

  const data = list.data;
  return (
    <section class="page" aria-labelledby="staff-title">
      <header class="page-header">
        <div>
          <h1 id="staff-title">{t.title}</h1>
          <p class="page-lead">{t.lead}</p>
        </div>
        <div class="page-actions">
          <Button onClick={() => void download()} busy={exporting}>
            {exporting ? t.exporting : t.export}
          </Button>
          {readOnly ? null : (
            <>
              <Button onClick={() => setModal({ kind: 'import' })}>{t.import}</Button>
              <Button variant="primary" onClick={() => setModal({ kind: 'create' })} data-testid="staff-create">
                {t.create}
              </Button>
            </>
          )}
        </div>
      </header>
      {readOnly ? <Notice kind="info">{common[lang].readOnly}</Notice> : null}
      <SearchBar
        id="staff-search"
        label={t.searchLabel}
        placeholder={t.searchPlaceholder}
        clearLabel={t.clear}
        lang={lang}
        active={search}
        onSearch={(text) => {
          setPage(0);
          setSearch(text);
        }}
      />
      <DataTable
        caption={t.caption}
        lang={lang}
        columns={columns}
        rows={data?.StaffList ?? []}
        rowKey={(s) => s.Mail}
        loading={list.loading}
        error={list.error}
        onRetry={list.reload}
        empty={search ? t.emptySearch : t.emptyAll}
      />
      {data && data.TotalCount > 0 ? (
        <Paging
          page={page}
          pageSize={pageSize}
          total={data.TotalCount}
          lang={lang}
          onPage={setPage}
          pageSizes={PAGE_SIZES}
          onPageSize={(size) => {
            setPageSize(size);
            setPage(0);
          }}
        />
      ) : null}

      {modal?.kind === 'create' || modal?.kind === 'edit' ? (
        <StaffForm
          api={api}
          lang={lang}
          editing={modal.kind === 'edit' ? modal.staff : null}
          groups={groups.data ?? []}
          onClose={() => setModal(null)}
          onSaved={(mail, created) => {
            setModal(null);
            toast(format(created ? t.created : t.saved, { mail }));
            list.reload();
          }}
        />
      ) : null}
      {modal?.kind === 'password' ? <PasswordDialog api={api} lang={lang} mail={modal.mail} onClose={() => setModal(null)} /> : null}
      {modal?.kind === 'import' ? (
        <StaffImport
          api={api}
          lang={lang}
          onClose={() => setModal(null)}
          onImported={() => {
            list.reload();
          }}
        />
      ) : null}
      <ConfirmItemDialog
        item={modal?.kind === 'delete' ? modal.mail : null}
        title={t.deleteTitle}
        confirmLabel={t.delete}
        lang={lang}
        busy={deleting}
        onCancel={() => setModal(null)}
        onConfirm={(mail) => void remove(mail)}
      >
        {(mail) => <p>{format(t.deleteBody, { mail })}</p>}
      </ConfirmItemDialog>
    </section>
  );
}
