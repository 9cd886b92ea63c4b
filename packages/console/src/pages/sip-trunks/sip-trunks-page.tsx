import { useState } from 'preact/hooks';
import { format, type Language } from '../../i18n.js';
import type { PageProps } from '../../routes.js';
import { Button, ConfirmItemDialog, DataTable, Notice, common, errorText, toast, useAsync, type Column } from '../../ui/index.js';
import { loadNumbers } from '../numbers/numbers-data.js';
import { loadSipStatus, loadTrunks, removeTrunk, setTrunkEnabled, type Trunk } from './sip-api.js';
import { SipStatusNotice } from './sip-status-notice.js';
import { trunksText } from './text.js';
import { TrunkFormDialog } from './trunk-form.js';
import './sip-trunks.css';

type Modal = { kind: 'create' } | { kind: 'edit'; trunk: Trunk } | { kind: 'delete'; trunk: Trunk } | null;

/** `#/sip-trunks`: the instance's carrier trunks with their registration state; create, edit, enable, disable, delete. */
export function SipTrunksPage({ api, lang, readOnly }: PageProps) {
  const t = trunksText[lang];
  const status = useAsync(() => loadSipStatus(api), [api]);
  const trunks = useAsync(() => loadTrunks(api), [api]);
  const numbers = useAsync(() => (readOnly ? Promise.resolve([]) : loadNumbers(api).then((rows) => rows.map((row) => row.number))), [api, readOnly]);
  const [modal, setModal] = useState<Modal>(null);
  const [busy, setBusy] = useState<number | null>(null);

  const toggle = async (trunk: Trunk) => {
    setBusy(trunk.id);
    try {
      const saved = await setTrunkEnabled(api, trunk.id, !trunk.enabled);
      toast(format(t.stateChanged, { name: saved.name, state: saved.enabled ? t.enabled : t.disabled }));
      trunks.reload();
    } catch (error) {
      toast(errorText(error, lang), 'error');
    } finally {
      setBusy(null);
    }
  };

  const remove = async (trunk: Trunk) => {
    setBusy(trunk.id);
    try {
      await removeTrunk(api, trunk.id);
      toast(format(t.deleted, { name: trunk.name }));
      setModal(null);
      trunks.reload();
    } catch (error) {
      toast(errorText(error, lang), 'error');
    } finally {
      setBusy(null);
    }
  };

  const columns: Array<Column<Trunk>> = [
    {
      key: 'name',
      header: t.name,
      render: (trunk) => (
        <>
          <span class="trunk-name">{trunk.name}</span>
          <span class="tag">{trunk.kind === 'ip' ? t.kindIp : t.kindRegister}</span>
        </>
      ),
    },
    { key: 'source', header: t.source, render: (trunk) => <SourceCell trunk={trunk} /> },
    {
      key: 'outbound',
      header: t.outbound,
      render: (trunk) =>
        trunk.outbound ? (
          <span class="trunk-outbound-cell">
            <span class="mono">{trunk.outbound.host}</span>
            <span class="mono muted">{`${trunk.outbound.port} · ${trunk.outbound.transport.toUpperCase()}`}</span>
          </span>
        ) : (
          <span class="muted">{t.outboundNone}</span>
        ),
    },
    {
      key: 'callerIds',
      header: t.callerIds,
      render: (trunk) =>
        trunk.callerIdNumbers.length === 0 ? (
          <span class="muted">{t.callerIdsAny}</span>
        ) : (
          trunk.callerIdNumbers.map((number) => (
            <span class="tag mono" key={number}>
              {number}
            </span>
          ))
        ),
    },
    { key: 'dialPlan', header: t.dialPlan, class: 'trunk-col-dial', render: (trunk) => <DialPlanCell trunk={trunk} lang={lang} /> },
    { key: 'maxCalls', header: t.maxCalls, class: 'num', render: (trunk) => trunk.maxConcurrentCalls },
    { key: 'state', header: t.state, render: (trunk) => <StateCell trunk={trunk} lang={lang} /> },
  ];
  if (!readOnly) {
    columns.push({
      key: 'actions',
      header: common[lang].actions,
      class: 'actions',
      render: (trunk) => (
        <>
          <Button variant="text" onClick={() => setModal({ kind: 'edit', trunk })} aria-label={`${t.edit} ${trunk.name}`}>
            {t.edit}
          </Button>
          <Button variant="text" busy={busy === trunk.id && modal === null} onClick={() => void toggle(trunk)} aria-label={`${trunk.enabled ? t.disable : t.enable} ${trunk.name}`}>
            {trunk.enabled ? t.disable : t.enable}
          </Button>
          <Button variant="text" class="btn-danger-text" onClick={() => setModal({ kind: 'delete', trunk })} aria-label={`${t.delete} ${trunk.name}`}>
            {t.delete}
          </Button>
        </>
      ),
    });
  }

  return (
    <section class="page sip-trunks-page" aria-labelledby="sip-trunks-title">
      <header class="page-header">
        <div>
          <h1 id="sip-trunks-title">{t.title}</h1>
          <p class="page-lead">{t.lead}</p>
        </div>
        <div class="page-actions">
          <Button busy={trunks.loading} onClick={trunks.reload}>
            {t.refresh}
          </Button>
          {readOnly ? null : (
            <Button variant="primary" disabled={!status.data} onClick={() => setModal({ kind: 'create' })}>
              {t.create}
            </Button>
          )}
        </div>
      </header>
      <SipStatusNotice status={status.data} lang={lang} />
      {status.error ? <Notice kind="error">{errorText(status.error, lang)}</Notice> : null}
      {readOnly ? <Notice>{common[lang].readOnly}</Notice> : null}
      <DataTable caption={t.caption} columns={columns} rows={trunks.data ?? []} rowKey={(trunk) => trunk.id} lang={lang} loading={trunks.loading} error={trunks.error} onRetry={trunks.reload} empty={t.empty} />

      {(modal?.kind === 'create' || modal?.kind === 'edit') && status.data ? (
        <TrunkFormDialog
          api={api}
          lang={lang}
          editing={modal.kind === 'edit' ? modal.trunk : null}
          defaults={status.data.trunkDefaults}
          numbers={numbers.data ?? []}
          onClose={() => setModal(null)}
          onSaved={(trunk, created) => {
            setModal(null);
            toast(format(created ? t.created : t.saved, { name: trunk.name }));
            trunks.reload();
          }}
        />
      ) : null}
      <ConfirmItemDialog
        item={modal?.kind === 'delete' ? modal.trunk : null}
        title={t.deleteTitle}
        confirmLabel={t.delete}
        lang={lang}
        busy={modal?.kind === 'delete' && busy === modal.trunk.id}
        onCancel={() => setModal(null)}
        onConfirm={(trunk) => void remove(trunk)}
      >
        {(trunk) => <p>{format(t.deleteBody, { name: trunk.name })}</p>}
      </ConfirmItemDialog>
    </section>
  );
}

function SourceCell({ trunk }: { trunk: Trunk }) {
  return (
    <span class="trunk-source">
      {trunk.register ? <span class="mono">{`${trunk.register.username}@${trunk.register.registrar}`}</span> : null}
      {trunk.allow.map((cidr) => (
        <span class="mono" key={cidr}>
          {cidr}
        </span>
      ))}
    </span>
  );
}

function DialPlanCell({ trunk, lang }: { trunk: Trunk; lang: Language }) {
  const t = trunksText[lang];
  return (
    <span class="trunk-dial-plan">
      <span>{trunk.dialPlan.allow.length === 0 ? t.dialAny : format(t.dialAllowed, { prefixes: trunk.dialPlan.allow.join(' ') })}</span>
      {trunk.dialPlan.deny.length > 0 ? <span class="muted">{format(t.dialDenied, { prefixes: trunk.dialPlan.deny.join(' ') })}</span> : null}
    </span>
  );
}

function StateCell({ trunk, lang }: { trunk: Trunk; lang: Language }) {
  const t = trunksText[lang];
  const registration = trunk.registration;
  const time = (ms: number) => new Date(ms).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return (
    <span class="trunk-state">
      <span class={`tag trunk-${trunk.enabled ? 'enabled' : 'disabled'}`}>{trunk.enabled ? t.enabled : t.disabled}</span>
      {registration && registration.state !== 'disabled' ? (
        <span class={`tag registration-${registration.state}`} title={registration.reason ?? undefined} data-registration={registration.state}>
          {t[registration.state]}
        </span>
      ) : null}
      {registration?.until ? <span class="muted trunk-until">{format(registration.state === 'registered' ? t.registeredUntil : t.retryAt, { time: time(registration.until) })}</span> : null}
      {registration?.state === 'failed' && registration.reason ? <span class="muted trunk-until">{registration.reason}</span> : null}
    </span>
  );
}
