import { useState } from 'preact/hooks';
import type { ConsoleApi } from '../../api.js';
import type { Language } from '../../i18n.js';
import { errorText, FormDialog, Notice, SelectField, TextField } from '../../ui/index.js';
import type { SkillGroupInfo } from './groups-api.js';
import { text } from './text.js';

type GroupType = '0' | '1' | '3' | '4';

/** Creates (CreateCCCSkillGroup) or renames and re-sizes (UpdateCCCSkillGroup) a skill group. */
export function GroupForm({ api, lang, editing, onClose, onSaved }: { api: ConsoleApi; lang: Language; editing: SkillGroupInfo | null; onClose: () => void; onSaved: (name: string, created: boolean) => void }) {
  const t = text[lang];
  const [name, setName] = useState(editing?.SkillGroupName ?? '');
  const [type, setType] = useState<GroupType>(String(editing?.SkillGroupType ?? 0) as GroupType);
  const [concurrency, setConcurrency] = useState(String(editing?.MaxConcurrency ?? 1));
  const [errors, setErrors] = useState<Partial<Record<'name' | 'concurrency' | 'form', string>>>({});
  const [busy, setBusy] = useState(false);
  const online = type === '1';

  const submit = async (event: Event) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (!name.trim()) found.name = t.nameRequired;
    const max = Number(concurrency);
    if (online && (!/^\d+$/.test(concurrency.trim()) || max < 1 || max > 100)) found.concurrency = t.concurrencyInvalid;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      if (editing) {
        await api.action('UpdateCCCSkillGroup', { SkillGroupID: editing.SkillGroupId, SkillGroupName: name.trim(), ...(online ? { MaxConcurrency: max } : {}) });
      } else {
        await api.action('CreateCCCSkillGroup', { SkillGroupName: name.trim(), SkillGroupType: Number(type), ...(online ? { MaxConcurrency: max } : {}) });
      }
      onSaved(name.trim(), !editing);
    } catch (error) {
      setErrors({ form: errorText(error, lang) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormDialog lang={lang} title={editing ? t.editTitle : t.createTitle} formId="group-form" busy={busy} onClose={onClose}>
      <form id="group-form" onSubmit={(event) => void submit(event)} noValidate>
        {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
        <TextField label={t.name} name="groupName" value={name} onValue={setName} error={errors.name} required maxLength={128} />
        <SelectField
          label={t.type}
          name="groupType"
          value={type}
          onValue={setType}
          disabled={!!editing}
          options={[
            { value: '0', label: t.type0 },
            { value: '1', label: t.type1 },
            { value: '3', label: t.type3 },
            { value: '4', label: t.type4 },
          ]}
        />
        <TextField
          label={t.concurrency}
          name="maxConcurrency"
          inputMode="numeric"
          value={online ? concurrency : '1'}
          onValue={setConcurrency}
          disabled={!online}
          error={errors.concurrency}
          hint={t.concurrencyHint}
        />
      </form>
    </FormDialog>
  );
}
