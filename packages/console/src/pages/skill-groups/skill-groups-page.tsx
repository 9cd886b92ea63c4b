import { useState } from 'preact/hooks';
import { format } from '../../i18n.js';
import type { PageProps } from '../../routes.js';
import { Button, ConfirmItemDialog, DataTable, Notice, Paging, SearchBar, common, errorText, toast, useAsync, type Column } from '../../ui/index.js';
import { GroupForm } from './group-form.js';
import { listAllGroups, listGroups, type SkillGroupInfo } from './groups-api.js';
import { policyName, RoutingDialog } from './routing-dialog.js';
import { text } from './text.js';
import './skill-groups.css';

const PAGE_SIZES = [10, 20, 50, 100] as const;

type Modal = { kind: 'create' } | { kind: 'edit'; group: SkillGroupInfo } | { kind: 'routing'; group: SkillGroupInfo } | { kind: 'delete'; group: SkillGroupInfo } | null;

/** `#/skill-groups`: list, search, create, edit, delete, concurrency and each group's routing. */
export function SkillGroupsPage({ api, lang, readOnly }: PageProps) {
  const t = text[lang];
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState<number>(20);
  const [search, setSearch] = useState('');
  const [modal, setModal] = useState<Modal>(null);
  const [deleting, setDeleting] = useState(false);

  const list = useAsync(() => listGroups(api, page, pageSize, search || undefined), [api, page, pageSize, search]);
  // Every group, for the routing dialog's overflow choices.
  const all = useAsync(() => listAllGroups(api), [api, list.data]);

  const typeName = (type: number) => ({ 0: t.type0, 1: t.type1, 3: t.type3, 4: t.type4 })[type] ?? String(type);
  const dateOf = (seconds: number | undefined) => (seconds ? new Date(seconds * 1000).toLocaleString(lang, { hour12: false }) : '—');

  const columns: Array<Column<SkillGroupInfo>> = [
    { key: 'id', header: t.id, render: (g) => <span class="mono">{g.SkillGroupId}</span>, class: 'num' },
    { key: 'name', header: t.name, render: (g) => <span class="group-name">{g.SkillGroupName}</span> },
    { key: 'type', header: t.type, render: (g) => <span class="tag">{typeName(g.SkillGroupType)}</span> },
    { key: 'policy', header: t.policy, render: (g) => <span class={`tag${g.RingAll ? ' tag-primary' : ''}`}>{policyName(g.RoutePolicy, g.RingAll, lang)}</span> },
    { key: 'concurrency', header: t.concurrency, render: (g) => g.MaxConcurrency ?? 1, class: 'num' },
    { key: 'modified', header: t.modified, render: (g) => <span class="muted">{dateOf(g.LastModifyTimestamp)}</span> },
    {
      key: 'actions',
      header: common[lang].actions,
      class: 'actions',
      render: (g) => (
        <>
          <Button variant="text" onClick={() => setModal({ kind: 'routing', group: g })} aria-label={`${t.routing} ${g.SkillGroupName}`}>
            {t.routing}
          </Button>
          {readOnly ? null : (
            <>
              <Button variant="text" onClick={() => setModal({ kind: 'edit', group: g })} aria-label={`${t.edit} ${g.SkillGroupName}`}>
                {t.edit}
              </Button>
              <Button variant="text" class="btn-danger-text" onClick={() => setModal({ kind: 'delete', group: g })} aria-label={`${t.delete} ${g.SkillGroupName}`}>
                {t.delete}
              </Button>
            </>
          )}
        </>
      ),
    },
  ];

  const remove = async (group: SkillGroupInfo) => {
    setDeleting(true);
    try {
      await api.action('DeleteCCCSkillGroup', { SkillGroupId: group.SkillGroupId });
      toast(format(t.deleted, { name: group.SkillGroupName }));
      setModal(null);
      list.reload();
    } catch (error) {
      toast(errorText(error, lang), 'error');
    } finally {
      setDeleting(false);
    }
  };

  const data = list.data;
  return (
    <section class="page" aria-labelledby="groups-title">
      <header class="page-header">
        <div>
          <h1 id="groups-title">{t.title}</h1>
          <p class="page-lead">{t.lead}</p>
        </div>
        {readOnly ? null : (
          <div class="page-actions">
            <Button variant="primary" onClick={() => setModal({ kind: 'create' })} data-testid="group-create">
              {t.create}
            </Button>
          </div>
        )}
      </header>
      {readOnly ? <Notice kind="info">{common[lang].readOnly}</Notice> : null}
      <SearchBar
        id="group-search"
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
        rows={data?.SkillGroupList ?? []}
        rowKey={(g) => g.SkillGroupId}
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
        <GroupForm
          api={api}
          lang={lang}
          editing={modal.kind === 'edit' ? modal.group : null}
          onClose={() => setModal(null)}
          onSaved={(name, created) => {
            setModal(null);
            toast(format(created ? t.created : t.saved, { name }));
            list.reload();
          }}
        />
      ) : null}
      {modal?.kind === 'routing' ? (
        <RoutingDialog
          api={api}
          lang={lang}
          group={modal.group}
          groups={all.data ?? []}
          readOnly={readOnly}
          onClose={() => setModal(null)}
          onSaved={() => {
            toast(format(t.routingSaved, { name: modal.group.SkillGroupName }));
            setModal(null);
            list.reload();
          }}
        />
      ) : null}
      <ConfirmItemDialog
        item={modal?.kind === 'delete' ? modal.group : null}
        title={t.deleteTitle}
        confirmLabel={t.delete}
        lang={lang}
        busy={deleting}
        onCancel={() => setModal(null)}
        onConfirm={(group) => void remove(group)}
      >
        {(group) => <p>{format(t.deleteBody, { name: group.SkillGroupName })}</p>}
      </ConfirmItemDialog>
    </section>
  );
}
