import { useState } from 'preact/hooks';
import type { ConsoleApi } from '../../api.js';
import type { Language } from '../../i18n.js';
import { Button, errorText, Field, FormDialog, Notice, SelectField, TextField } from '../../ui/index.js';
import type { SkillGroupInfo } from '../skill-groups/groups-api.js';
import { DEFAULT_PRIORITY, type StaffInfo } from './staff-api.js';
import { text } from './text.js';

export interface StaffFormProps {
  api: ConsoleApi;
  lang: Language;
  /** The staff member to edit; without one, a new one is created. */
  editing: StaffInfo | null;
  groups: readonly SkillGroupInfo[];
  onClose: () => void;
  onSaved: (mail: string, created: boolean) => void;
}

interface Membership {
  /** A stable key for the row while the user edits. */
  key: number;
  groupId: number | null;
  priority: number;
}

type Errors = Partial<Record<'name' | 'mail' | 'groups' | 'form', string>>;

const MAIL = /^[!-?A-~]+@[!-?A-~]+$/;
const PRIORITIES = ['1', '2', '3', '4', '5'] as const;
let nextKey = 1;

/**
 * Creates (CreateStaff) or edits (ModifyStaff) a staff member; skill groups with priorities are
 * then set with BindStaffSkillGroupList, whose priorities replace those of existing memberships.
 */
export function StaffForm({ api, lang, editing, groups, onClose, onSaved }: StaffFormProps) {
  const t = text[lang];
  const [name, setName] = useState(editing?.Name ?? '');
  const [mail, setMail] = useState(editing?.Mail ?? '');
  const [staffNumber, setStaffNumber] = useState(editing?.StaffNumber ?? '');
  const [phone, setPhone] = useState(editing?.Phone ?? '');
  const [nick, setNick] = useState(editing?.Nick ?? '');
  const [role, setRole] = useState<'1' | '2' | '3'>(String(editing?.RoleId ?? 3) as '1' | '2' | '3');
  const [extension, setExtension] = useState(editing?.ExtensionNumber ?? '');
  const [members, setMembers] = useState<Membership[]>(() =>
    (editing?.SkillGroupList ?? []).map((g) => ({ key: nextKey++, groupId: g.SkillGroupId, priority: g.Priority ?? DEFAULT_PRIORITY })),
  );
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  const roleOptions = [
    { value: '3' as const, label: t.roleAgent },
    { value: '2' as const, label: t.roleQa },
    { value: '1' as const, label: t.roleAdmin },
  ];

  const update = (key: number, patch: Partial<Membership>) => setMembers((list) => list.map((m) => (m.key === key ? { ...m, ...patch } : m)));

  const submit = async (event: Event) => {
    event.preventDefault();
    const found: Errors = {};
    if (!name.trim()) found.name = t.nameRequired;
    if (!editing) {
      if (!mail.trim()) found.mail = t.mailRequired;
      else if (!MAIL.test(mail.trim())) found.mail = t.mailInvalid;
    }
    const chosen = members.filter((m): m is Membership & { groupId: number } => m.groupId !== null);
    if (new Set(chosen.map((m) => m.groupId)).size !== chosen.length) found.groups = t.groupTwice;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const who = editing ? editing.Mail : mail.trim();
    try {
      if (editing) {
        await api.action('ModifyStaff', {
          Email: who,
          Name: name.trim(),
          Phone: phone.trim(),
          Nick: nick.trim(),
          StaffNo: staffNumber.trim(),
          ExtensionNumber: extension.trim(),
          SkillGroupIds: chosen.map((m) => m.groupId),
        });
      } else {
        const answer = await api.action<{ ErrorStaffList?: Array<{ StaffEmail?: string; Code?: string; Message?: string }> }>('CreateStaff', {
          Staffs: [
            {
              Name: name.trim(),
              Mail: who,
              StaffNumber: staffNumber.trim(),
              Phone: phone.trim(),
              Nick: nick.trim(),
              Role: Number(role),
              ExtensionNumber: extension.trim(),
            },
          ],
        });
        const failure = answer.ErrorStaffList?.[0];
        if (failure) {
          const message = `${failure.Message ?? ''} (${failure.Code ?? ''})`;
          setErrors(failure.Code === 'FailedOperation.DuplicatedAccount' ? { mail: message } : { form: message });
          return;
        }
      }
      if (chosen.length > 0) {
        await api.action('BindStaffSkillGroupList', { StaffEmail: who, StaffSkillGroupList: chosen.map((m) => ({ SkillGroupId: m.groupId, Priority: m.priority })) });
      }
      onSaved(who, !editing);
    } catch (error) {
      setErrors({ form: errorText(error, lang) });
    } finally {
      setBusy(false);
    }
  };

  const groupOptions = [{ value: '', label: t.pickGroup }, ...groups.map((g) => ({ value: String(g.SkillGroupId), label: g.SkillGroupName }))];

  return (
    <FormDialog wide lang={lang} title={editing ? t.editTitle : t.createTitle} formId="staff-form" busy={busy} onClose={onClose}>
      <form id="staff-form" onSubmit={(event) => void submit(event)} noValidate>
        {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
        <div class="form-grid">
          <TextField label={t.name} name="name" value={name} onValue={setName} error={errors.name} required maxLength={128} />
          <TextField label={t.mail} name="mail" type="email" value={mail} onValue={setMail} error={errors.mail} required disabled={!!editing} maxLength={128} autoComplete="off" />
          <TextField label={t.staffNumber} name="staffNumber" value={staffNumber} onValue={setStaffNumber} maxLength={64} />
          <TextField label={t.phone} name="phone" type="tel" value={phone} onValue={setPhone} maxLength={32} />
          <TextField label={t.nick} name="nick" value={nick} onValue={setNick} maxLength={128} />
          <TextField label={t.extensionNumber} name="extensionNumber" value={extension} onValue={setExtension} maxLength={32} />
          <SelectField label={t.role} name="role" value={role} onValue={setRole} options={roleOptions} disabled={!!editing} hint={editing ? t.roleFixed : undefined} />
        </div>
        <fieldset class="group">
          <legend>{t.skillGroups}</legend>
          {groups.length === 0 ? <p class="field-hint">{t.noGroupsYet}</p> : null}
          {members.map((m, index) => (
            <div class="member-row" key={m.key}>
              <Field label={`${t.pickGroup} ${index + 1}`}>
                {(control) => (
                  <select
                    {...control}
                    class="input"
                    name="skillGroup"
                    value={m.groupId === null ? '' : String(m.groupId)}
                    onChange={(e) => update(m.key, { groupId: e.currentTarget.value ? Number(e.currentTarget.value) : null })}
                  >
                    {groupOptions.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t.priority}>
                {(control) => (
                  <select {...control} class="input" name="priority" value={String(m.priority)} onChange={(e) => update(m.key, { priority: Number(e.currentTarget.value) })}>
                    {PRIORITIES.map((p) => (
                      <option key={p} value={p}>
                        {p}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Button variant="text" class="btn-danger-text" onClick={() => setMembers((list) => list.filter((x) => x.key !== m.key))} aria-label={`${t.removeGroup} ${index + 1}`}>
                {t.removeGroup}
              </Button>
            </div>
          ))}
          {errors.groups ? (
            <p class="field-error" role="alert">
              {errors.groups}
            </p>
          ) : null}
          <p class="member-foot">
            <Button variant="text" disabled={groups.length === 0} onClick={() => setMembers((list) => [...list, { key: nextKey++, groupId: null, priority: DEFAULT_PRIORITY }])}>
              + {t.addGroup}
            </Button>
            <span class="field-hint">{t.priorityHint}</span>
          </p>
        </fieldset>
      </form>
    </FormDialog>
  );
}

