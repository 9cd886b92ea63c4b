import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type ConsoleApi } from '../../api.js';
import { format, type Language } from '../../i18n.js';
import { FormDialog, Notice, SelectField, TextField, errorText } from '../../ui/index.js';
import type { SkillGroupOption } from '../numbers/numbers-data.js';
import type { StaffInfo } from '../staff/staff-api.js';
import { createExtension, extensionFieldOf, modifyExtension, skillGroupIdsOf, type ExtensionFormField, type ExtensionInfo } from './extensions-api.js';
import { extensionsText } from './text.js';

export interface ExtensionFormProps {
  api: ConsoleApi;
  lang: Language;
  /** The extension to edit; without one, a new one is created. */
  editing: ExtensionInfo | null;
  staff: readonly StaffInfo[];
  groups: readonly SkillGroupOption[];
  onClose: () => void;
  onSaved: (extensionId: string, created: boolean) => void;
}

type Errors = Partial<Record<ExtensionFormField, string>>;

/** Creates (CreateExtension) or edits (ModifyExtension) an extension: its id, name, bound agent and skill groups. */
export function ExtensionFormDialog({ api, lang, editing, staff, groups, onClose, onSaved }: ExtensionFormProps) {
  const t = extensionsText[lang];
  const [id, setId] = useState(editing?.ExtensionId ?? '');
  const [name, setName] = useState(editing?.ExtensionName ?? '');
  const [relation, setRelation] = useState(editing?.Relation ?? '');
  const [groupIds, setGroupIds] = useState<number[]>(() => (editing ? skillGroupIdsOf(editing) : []));
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .extension-form-error')?.focus();
  }, [errors]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const found: Errors = {};
    if (!editing && id.trim() === '') found.id = t.idRequired;
    if (name.trim() === '') found.name = t.nameRequired;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const extensionId = editing?.ExtensionId ?? id.trim();
    const input = { name: name.trim(), relation, skillGroupIds: groupIds };
    try {
      if (editing) await modifyExtension(api, extensionId, input);
      else await createExtension(api, extensionId, input);
      onSaved(extensionId, !editing);
    } catch (error) {
      const field = error instanceof ApiError && error.kind === 'cloud' ? extensionFieldOf(error.code, error.message) : 'form';
      setErrors({ [field]: errorText(error, lang) });
    } finally {
      setBusy(false);
    }
  };

  // A binding to someone no longer listed stays choosable, so that saving does not drop it silently.
  const listed = staff.some((s) => s.Mail === relation);
  const agentOptions = [
    { value: '', label: t.pickAgent },
    ...staff.map((s) => ({ value: s.Mail, label: `${s.Name} (${s.Mail})` })),
    ...(relation !== '' && !listed ? [{ value: relation, label: relation }] : []),
  ];

  return (
    <FormDialog lang={lang} title={editing ? format(t.editTitle, { id: editing.ExtensionId }) : t.createTitle} formId="extension-form" busy={busy} onClose={onClose}>
      <form id="extension-form" ref={formRef} onSubmit={(event) => void submit(event)} noValidate>
        {errors.form ? (
          <div class="extension-form-error" tabIndex={-1}>
            <Notice kind="error">{errors.form}</Notice>
          </div>
        ) : null}
        <TextField label={t.id} name="extensionId" inputMode="numeric" value={id} onValue={setId} error={errors.id} hint={t.idHint} required disabled={editing !== null} maxLength={32} autoComplete="off" />
        <TextField label={t.name} name="extensionName" value={name} onValue={setName} error={errors.name} required maxLength={128} autoComplete="off" />
        <SelectField label={t.agent} name="relation" value={relation} onValue={setRelation} options={agentOptions} error={errors.relation} hint={t.agentHint} />
        <fieldset class="group extension-groups" aria-invalid={errors.groups ? 'true' : undefined} tabIndex={errors.groups ? -1 : undefined}>
          <legend>{t.skillGroups}</legend>
          {groups.length === 0 ? <p class="field-hint">{t.noGroupsYet}</p> : null}
          <div class="extension-group-list">
            {groups.map((group) => (
              <label class="checkbox" key={group.id}>
                <input
                  type="checkbox"
                  name="skillGroup"
                  value={String(group.id)}
                  checked={groupIds.includes(group.id)}
                  onChange={(e) => {
                    const checked = e.currentTarget.checked;
                    setGroupIds((list) => (checked ? [...list, group.id] : list.filter((g) => g !== group.id)));
                  }}
                />
                {group.name}
              </label>
            ))}
          </div>
          <p class="field-hint">{t.groupsHint}</p>
          {errors.groups ? <p class="field-error">{errors.groups}</p> : null}
        </fieldset>
      </form>
    </FormDialog>
  );
}
