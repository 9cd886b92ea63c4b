import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type ConsoleApi } from '../../api.js';
import { format, type Language } from '../../i18n.js';
import { Field, FormDialog, Notice, SelectField, TextField, errorText } from '../../ui/index.js';
import { saveTrunk, type SipStatus, type Trunk, type TrunkKind, type TrunkTransport } from './sip-api.js';
import { formFieldOf, newTrunkForm, trunkBody, trunkForm, type TrunkForm, type TrunkFormField } from './trunk-form-model.js';
import { trunksText } from './text.js';

export interface TrunkFormProps {
  api: ConsoleApi;
  lang: Language;
  /** The trunk to edit; without one, a new one is created. */
  editing: Trunk | null;
  defaults: SipStatus['trunkDefaults'];
  /** The instance's numbers, for the caller ids. */
  numbers: readonly string[];
  onClose: () => void;
  onSaved: (trunk: Trunk, created: boolean) => void;
}

type Errors = Partial<Record<TrunkFormField, string>>;

const TRANSPORTS: ReadonlyArray<{ value: TrunkTransport; label: string }> = [
  { value: 'udp', label: 'UDP' },
  { value: 'tcp', label: 'TCP' },
];

/** Creates or edits a trunk. The server checks every setting; its refusal is shown on the field it names. */
export function TrunkFormDialog({ api, lang, editing, defaults, numbers, onClose, onSaved }: TrunkFormProps) {
  const t = trunksText[lang];
  const [form, setForm] = useState<TrunkForm>(() => (editing ? trunkForm(editing, defaults) : newTrunkForm(defaults)));
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  // After a refusal, the keyboard goes to the field at fault (or the message above the form).
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .trunk-form-error')?.focus();
  }, [errors]);

  const set = <K extends keyof TrunkForm>(key: K, value: TrunkForm[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    setErrors((current) => {
      if (!(key in current)) return current;
      const next = { ...current };
      delete next[key as TrunkFormField];
      return next;
    });
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const saved = await saveTrunk(api, trunkBody(form, editing !== null), editing?.id ?? null);
      onSaved(saved, editing === null);
    } catch (error) {
      const field = error instanceof ApiError && error.kind === 'console' && (error.code === 'invalid' || error.code === 'conflict') ? formFieldOf(error.field) : 'form';
      setErrors({ [field]: errorText(error, lang) });
    } finally {
      setBusy(false);
    }
  };

  const savedOnly = form.callerIds.filter((n) => !numbers.includes(n));
  const callerChoices = [...numbers, ...savedOnly];

  return (
    <FormDialog wide lang={lang} title={editing ? format(t.editTitle, { name: editing.name }) : t.createTitle} formId="trunk-form" busy={busy} onClose={onClose}>
      <form id="trunk-form" class="trunk-form" ref={formRef} onSubmit={(event) => void submit(event)} noValidate>
        {errors.form ? (
          <div class="trunk-form-error" tabIndex={-1}>
            <Notice kind="error">{errors.form}</Notice>
          </div>
        ) : null}
        <div class="form-grid">
          <TextField label={t.name} name="name" value={form.name} onValue={(v) => set('name', v)} error={errors.name} required maxLength={64} autoComplete="off" />
          <label class="checkbox trunk-enabled">
            <input type="checkbox" name="enabled" checked={form.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} /> {t.enabledLabel}
          </label>
        </div>
        <fieldset class="group trunk-kinds" aria-invalid={errors.kind ? 'true' : undefined}>
          <legend>{t.kind}</legend>
          {(['ip', 'register'] as const satisfies readonly TrunkKind[]).map((kind) => (
            <label class="radio" key={kind}>
              <input type="radio" name="kind" value={kind} checked={form.kind === kind} onChange={() => set('kind', kind)} /> {kind === 'ip' ? t.kindIpLong : t.kindRegisterLong}
            </label>
          ))}
          {errors.kind ? <p class="field-error">{errors.kind}</p> : null}
        </fieldset>

        {form.kind === 'register' ? (
          <fieldset class="group">
            <legend>{t.registration}</legend>
            {errors.register ? (
              <p class="field-error trunk-form-error" tabIndex={-1}>
                {errors.register}
              </p>
            ) : null}
            <div class="form-grid">
              <TextField label={t.registrar} name="registrar" value={form.registrar} onValue={(v) => set('registrar', v)} error={errors.registrar} hint={t.registrarHint} required maxLength={260} autoComplete="off" />
              <TextField label={t.username} name="username" value={form.username} onValue={(v) => set('username', v)} error={errors.username} required maxLength={128} autoComplete="off" />
              <TextField
                label={t.password}
                name="password"
                type="password"
                value={form.password}
                onValue={(v) => set('password', v)}
                error={errors.password}
                hint={editing?.register?.passwordSet ? t.passwordKeep : t.passwordNew}
                required={!editing?.register?.passwordSet}
                maxLength={256}
                autoComplete="new-password"
              />
              <TextField label={t.realm} name="realm" value={form.realm} onValue={(v) => set('realm', v)} error={errors.realm} hint={t.realmHint} maxLength={128} autoComplete="off" />
              <TextField label={t.expires} name="expires" inputMode="numeric" value={form.expires} onValue={(v) => set('expires', v)} error={errors.expires} maxLength={9} />
            </div>
          </fieldset>
        ) : null}

        <Field label={t.allow} error={errors.allow} hint={form.kind === 'ip' ? t.allowHintIp : t.allowHintRegister} required={form.kind === 'ip'}>
          {(control) => <textarea {...control} class="input trunk-allow" name="allow" rows={3} value={form.allow} onInput={(e) => set('allow', e.currentTarget.value)} spellcheck={false} />}
        </Field>

        <fieldset class="group">
          <legend>{t.outboundLegend}</legend>
          <label class="checkbox trunk-outbound-on">
            <input type="checkbox" name="outbound" checked={form.outbound} onChange={(e) => set('outbound', e.currentTarget.checked)} /> {t.outboundOn}
          </label>
          {form.outbound ? (
            <div class="trunk-outbound">
              <TextField label={t.host} name="host" value={form.host} onValue={(v) => set('host', v)} error={errors.host} hint={t.hostHint} required maxLength={253} autoComplete="off" />
              <TextField label={t.port} name="port" inputMode="numeric" value={form.port} onValue={(v) => set('port', v)} error={errors.port} maxLength={5} />
              <SelectField label={t.transport} name="transport" value={form.transport} onValue={(v) => set('transport', v)} options={TRANSPORTS} error={errors.transport} />
            </div>
          ) : null}
          <fieldset class="trunk-caller-ids" aria-invalid={errors.callerIds ? 'true' : undefined} tabIndex={errors.callerIds ? -1 : undefined}>
            <legend class="field-label">{t.callerIds}</legend>
            {callerChoices.length === 0 ? <p class="field-hint">{t.noNumbers}</p> : null}
            <div class="trunk-numbers">
              {callerChoices.map((number) => (
                <label class="checkbox" key={number}>
                  <input
                    type="checkbox"
                    name="callerIdNumbers"
                    value={number}
                    checked={form.callerIds.includes(number)}
                    onChange={(e) => set('callerIds', e.currentTarget.checked ? [...form.callerIds, number] : form.callerIds.filter((n) => n !== number))}
                  />
                  <span class="mono">{number}</span>
                </label>
              ))}
            </div>
            <p class="field-hint">{t.callerIdsHint}</p>
            {errors.callerIds ? <p class="field-error">{errors.callerIds}</p> : null}
          </fieldset>
          <div class="form-grid">
            <TextField label={t.dialAllow} name="dialAllow" value={form.dialAllow} onValue={(v) => set('dialAllow', v)} error={errors.dialAllow} hint={t.dialAllowHint} maxLength={2000} autoComplete="off" />
            <TextField label={t.dialDeny} name="dialDeny" value={form.dialDeny} onValue={(v) => set('dialDeny', v)} error={errors.dialDeny} hint={t.dialDenyHint} maxLength={2000} autoComplete="off" />
          </div>
        </fieldset>
        <div class="form-grid">
          <TextField label={t.maxCallsLabel} name="maxConcurrentCalls" inputMode="numeric" value={form.maxCalls} onValue={(v) => set('maxCalls', v)} error={errors.maxCalls} maxLength={9} />
        </div>
      </form>
    </FormDialog>
  );
}
