import { useEffect, useState } from 'preact/hooks';
import { ApiError, type ConsoleApi } from '../../api.js';
import { format, type Language } from '../../i18n.js';
import { Button, Dialog, errorText, Field, Notice, SelectField, TextField, common } from '../../ui/index.js';
import type { SkillGroupInfo } from './groups-api.js';
import { getRouting, putRouting, type RoutingChange, type RoutingSettingName, type RoutingSource, type RoutingView } from './routing-api.js';
import { text } from './text.js';

type SecondsName = 'ringTimeoutSeconds' | 'maxWaitSeconds' | 'afterCallWorkSeconds';
type Form = Record<SecondsName, string> & { overflow: string; whenNoneOnline: 'default' | 'queue' | 'exit'; ringAll: boolean };

function formOf(view: RoutingView): Form {
  const seconds = (name: SecondsName) => (view.own[name] === undefined ? '' : String(view.own[name]));
  const overflow = view.own.overflowGroupId;
  return {
    ringTimeoutSeconds: seconds('ringTimeoutSeconds'),
    maxWaitSeconds: seconds('maxWaitSeconds'),
    afterCallWorkSeconds: seconds('afterCallWorkSeconds'),
    overflow: typeof overflow === 'number' ? String(overflow) : 'hangup',
    whenNoneOnline: view.own.whenNoneOnline ?? 'default',
    ringAll: view.group.ringAll,
  };
}

/** A policy's name for people. */
export function policyName(policy: string | undefined, ringAll: boolean | undefined, lang: Language): string {
  const t = text[lang];
  if (ringAll || policy === 'ringAll') return t.policyRingAll;
  if (policy === 'roundRobin') return t.policyRoundRobin;
  if (policy === 'fewestCallsToday') return t.policyFewestCalls;
  return t.policyLongestIdle;
}

/**
 * A skill group's routing (`/console/api/v1/skill-groups/:id/routing`): an empty field uses the
 * default (the server's flag, else the built-in value), which the field's hint shows. QA staff
 * see the same form, disabled.
 */
export function RoutingDialog({
  api,
  lang,
  group,
  groups,
  readOnly,
  onClose,
  onSaved,
}: {
  api: ConsoleApi;
  lang: Language;
  group: SkillGroupInfo;
  groups: readonly SkillGroupInfo[];
  readOnly: boolean;
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = text[lang];
  const [view, setView] = useState<RoutingView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [errors, setErrors] = useState<Partial<Record<RoutingSettingName | 'ringAll' | 'form', string>>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    getRouting(api, group.SkillGroupId).then(
      (loaded) => {
        if (!live) return;
        setView(loaded);
        setForm(formOf(loaded));
      },
      (error: unknown) => live && setLoadError(error),
    );
    return () => {
      live = false;
    };
  }, [api, group.SkillGroupId]);

  const sourceName = (source: RoutingSource) => (source === 'server' ? t.sourceServer : source === 'group' ? t.sourceGroup : t.sourceDefault);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!form || !view) return;
    const found: typeof errors = {};
    const change: RoutingChange = { ringAll: form.ringAll };
    for (const name of ['ringTimeoutSeconds', 'maxWaitSeconds', 'afterCallWorkSeconds'] as const) {
      const value = form[name].trim();
      if (value === '') change[name] = 'default';
      else if (/^\d+$/.test(value)) change[name] = Number(value);
      else found[name] = t.secondsInvalid;
    }
    change.overflowGroupId = form.overflow === 'hangup' ? 'default' : Number(form.overflow);
    change.whenNoneOnline = form.whenNoneOnline;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await putRouting(api, group.SkillGroupId, change);
      onSaved();
    } catch (error) {
      if (error instanceof ApiError && error.field) setErrors({ [error.field]: errorText(error, lang) });
      else setErrors({ form: errorText(error, lang) });
    } finally {
      setBusy(false);
    }
  };

  const set = <K extends keyof Form>(name: K, value: Form[K]) => {
    setForm((f) => (f ? { ...f, [name]: value } : f));
    // A changed value is no longer the one the error was about.
    const field = name === 'overflow' ? 'overflowGroupId' : name;
    setErrors((e) => ({ ...e, [field]: undefined, form: undefined }));
  };

  const secondsField = (name: SecondsName, label: string) => {
    if (!view || !form) return null;
    const limits = view.limits[name];
    return (
      <TextField
        label={label}
        name={name}
        inputMode="numeric"
        value={form[name]}
        onValue={(value) => set(name, value)}
        placeholder={String(view.defaults.settings[name])}
        disabled={readOnly}
        error={errors[name]}
        hint={`${format(t.defaultIs, { value: view.defaults.settings[name], source: sourceName(view.defaults.sources[name]) })} ${format(t.range, limits)}`}
      />
    );
  };

  const defaultWhen = view?.defaults.settings.whenNoneOnline === 'exit' ? t.whenExit : t.whenQueue;

  return (
    <Dialog
      open
      wide
      title={format(t.routingTitle, { name: group.SkillGroupName })}
      onClose={() => {
        if (!busy) onClose();
      }}
      footer={
        readOnly ? (
          <Button onClick={onClose}>{common[lang].close}</Button>
        ) : (
          <>
            <Button onClick={onClose} disabled={busy}>
              {common[lang].cancel}
            </Button>
            <Button variant="primary" type="submit" form="routing-form" busy={busy} disabled={!form}>
              {busy ? common[lang].saving : common[lang].save}
            </Button>
          </>
        )
      }
    >
      {loadError ? <Notice kind="error">{errorText(loadError, lang)}</Notice> : null}
      {!view && !loadError ? (
        <p role="status">
          <span class="spinner" aria-hidden="true" /> {t.loadingRouting}
        </p>
      ) : null}
      {view && form ? (
        <form id="routing-form" onSubmit={(event) => void submit(event)} noValidate>
          {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
          {view.overflowGroupMissing ? <Notice kind="warning">{t.overflowMissing}</Notice> : null}
          <Field label={t.policy} error={errors.ringAll} hint={format(t.ringAllHint, { policy: policyName(group.RoutePolicy, false, lang) })}>
            {(control) => (
              <label class="check">
                <input {...control} type="checkbox" name="ringAll" checked={form.ringAll} disabled={readOnly} onChange={(e) => set('ringAll', e.currentTarget.checked)} />
                {t.ringAll}
              </label>
            )}
          </Field>
          <div class="form-grid">
            {secondsField('ringTimeoutSeconds', t.ringTimeout)}
            {secondsField('maxWaitSeconds', t.maxWait)}
            <SelectField
              label={t.overflow}
              name="overflow"
              value={form.overflow}
              onValue={(value) => set('overflow', value)}
              disabled={readOnly}
              error={errors.overflowGroupId}
              options={[
                { value: 'hangup', label: t.overflowHangup },
                ...groups.filter((g) => g.SkillGroupId !== group.SkillGroupId).map((g) => ({ value: String(g.SkillGroupId), label: format(t.overflowTo, { name: g.SkillGroupName }) })),
                // A group set earlier that no longer exists stays visible, so saving does not silently change it.
                ...(typeof view.own.overflowGroupId === 'number' && !groups.some((g) => g.SkillGroupId === view.own.overflowGroupId)
                  ? [{ value: String(view.own.overflowGroupId), label: format(t.overflowTo, { name: `#${view.own.overflowGroupId}` }) }]
                  : []),
              ]}
            />
            <SelectField
              label={t.whenNoneOnline}
              name="whenNoneOnline"
              value={form.whenNoneOnline}
              onValue={(value) => set('whenNoneOnline', value)}
              disabled={readOnly}
              error={errors.whenNoneOnline}
              options={[
                { value: 'default', label: lang === 'zh-CN' ? `${t.useDefault}（${defaultWhen}）` : `${t.useDefault} (${defaultWhen})` },
                { value: 'queue', label: t.whenQueue },
                { value: 'exit', label: t.whenExit },
              ]}
            />
            {secondsField('afterCallWorkSeconds', t.afterCallWork)}
          </div>
        </form>
      ) : null}
    </Dialog>
  );
}
