import { format, type Language } from '../../i18n.js';
import { Button, SelectField, TextField } from '../../ui/index.js';
import {
  ACTION_KINDS,
  DTMF_KEYS,
  NODE_KINDS,
  defaultSurvey,
  defaultWorkTime,
  emptyAction,
  emptyKey,
  emptyNode,
  formToFlow,
  freshNodeId,
  newUid,
  renameNode,
  type ActionForm,
  type ActionKind,
  type FlowForm,
  type NodeForm,
  type NodeKind,
  type RetryForm,
  type SurveyForm,
  type WorkTimeForm,
} from './ivr-form.js';
import type { PromptRow, SkillGroupOption } from './numbers-data.js';
import { PromptPicker } from './prompt-picker.js';
import { WEEKDAYS, ivrText } from './text.js';

export interface IvrEditorProps {
  form: FlowForm;
  onForm: (form: FlowForm) => void;
  library: readonly PromptRow[];
  skillGroups: readonly SkillGroupOption[];
  lang: Language;
  readOnly: boolean;
  /** The message for the field at a JSON path (`nodes.main.keys.1.node`), if it has one. */
  errorAt: (path: string) => string | undefined;
}

type T = (typeof ivrText)['zh-CN'];

const KIND_TEXT: Record<NodeKind, keyof T> = { menu: 'kindMenu', play: 'kindPlay', queue: 'kindQueue', hangup: 'kindHangup' };
const ACTION_TEXT: Record<ActionKind, keyof T> = { queue: 'actionQueue', goto: 'actionGoto', repeat: 'actionRepeat', hangup: 'actionHangup' };

/** The IVR flow as a form: nodes with their prompts, keys and retries, the work-time schedule, the survey, and the JSON it makes. */
export function IvrEditor(props: IvrEditorProps) {
  const { form, onForm, lang, readOnly, errorAt } = props;
  const t = ivrText[lang];
  const nodeOptions = [{ value: '', label: t.chooseNode }, ...form.nodes.filter((n) => n.id !== '').map((n) => ({ value: n.id, label: n.label ? `${n.id} · ${n.label}` : n.id }))];
  const setNode = (uid: string, patch: Partial<NodeForm>) => onForm({ ...form, nodes: form.nodes.map((n) => (n.uid === uid ? { ...n, ...patch } : n)) });

  return (
    <div class="ivr-editor">
      <fieldset class="group ivr-section">
        <legend>{t.basics}</legend>
        <div class="form-grid">
          <TextField disabled={readOnly} label={t.flowName} hint={t.flowNameHint} value={form.name} onValue={(name) => onForm({ ...form, name })} maxLength={128} error={errorAt('name')} />
          <SelectField disabled={readOnly} label={t.start} required value={form.start} options={nodeOptions} onValue={(start) => onForm({ ...form, start })} error={errorAt('start')} />
        </div>
      </fieldset>

      <section class="ivr-section" aria-labelledby="ivr-nodes-title">
        <div class="ivr-section-header">
          <h2 id="ivr-nodes-title">{t.nodes}</h2>
          {readOnly ? null : (
            <Button onClick={() => onForm({ ...form, nodes: [...form.nodes, { ...emptyNode(freshNodeId(form), 'hangup'), prompts: ['zh-CN/goodbye'] }] })}>{t.addNode}</Button>
          )}
        </div>
        {errorAt('nodes') ? <p class="field-error">{errorAt('nodes')}</p> : null}
        {form.nodes.map((node) => (
          <NodeEditor key={node.uid} {...props} node={node} nodeOptions={nodeOptions} setNode={(patch) => setNode(node.uid, patch)} t={t} />
        ))}
      </section>

      <WorkTimeEditor {...props} t={t} />
      <SurveyEditor {...props} t={t} />

      <details class="ivr-json">
        <summary>{t.json}</summary>
        <p class="muted">{t.jsonHint}</p>
        <pre class="mono" tabIndex={0} aria-label={t.json}>
          {JSON.stringify(formToFlow(form), null, 2)}
        </pre>
      </details>
    </div>
  );
}

interface NodeEditorProps extends IvrEditorProps {
  node: NodeForm;
  nodeOptions: Array<{ value: string; label: string }>;
  setNode: (patch: Partial<NodeForm>) => void;
  t: T;
}

function NodeEditor(props: NodeEditorProps) {
  const { form, onForm, node, setNode, library, lang, readOnly, errorAt, nodeOptions, t } = props;
  const base = `nodes.${node.id}`;
  const kindOptions = NODE_KINDS.map((kind) => ({ value: kind, label: t[KIND_TEXT[kind]] }));
  const usedKeys = new Set(node.keys.map((k) => k.key));
  const setKey = (uid: string, action: ActionForm, key?: string) =>
    setNode({ keys: node.keys.map((k) => (k.uid === uid ? { ...k, action, ...(key === undefined ? {} : { key }) } : k)) });

  return (
    <fieldset class="group ivr-node" data-node={node.id}>
      <legend>
        <span class="mono">{node.id || '—'}</span> · {t[KIND_TEXT[node.kind]]}
        {node.label ? ` · ${node.label}` : ''}
      </legend>
      <div class="ivr-node-head">
        <TextField disabled={readOnly} label={t.nodeId} hint={t.nodeIdHint} required value={node.id} maxLength={64} onValue={(id) => onForm(renameNode(form, node.uid, id))} error={errorAt(`${base}.id`)} />
        <SelectField disabled={readOnly} label={t.nodeKind} value={node.kind} options={kindOptions} onValue={(kind) => setNode({ kind, ...(kind === 'menu' && node.keys.length === 0 ? { keys: [emptyKey('1')] } : {}) })} error={errorAt(`${base}.kind`)} />
        <TextField disabled={readOnly} label={t.nodeLabel} value={node.label} maxLength={64} onValue={(label) => setNode({ label })} error={errorAt(`${base}.label`)} />
        {readOnly || form.nodes.length < 2 ? null : (
          <Button class="btn-danger-text ivr-node-remove" variant="text" onClick={() => onForm({ ...form, nodes: form.nodes.filter((n) => n.uid !== node.uid) })}>
            {t.removeNode}
          </Button>
        )}
      </div>

      <PromptPicker
        label={node.kind === 'menu' || node.kind === 'play' ? t.promptsLabel : t.promptsOptional}
        value={node.prompts}
        onValue={(prompts) => setNode({ prompts })}
        library={library}
        lang={lang}
        readOnly={readOnly}
        path={`${base}.prompts`}
        errorAt={errorAt}
      />

      {node.kind === 'play' ? <SelectField disabled={readOnly} label={t.next} required value={node.next} options={nodeOptions} onValue={(next) => setNode({ next })} error={errorAt(`${base}.next`)} /> : null}
      {node.kind === 'queue' ? <SkillGroupSelect {...props} value={node.skillGroupId} onValue={(skillGroupId) => setNode({ skillGroupId })} path={`${base}.skillGroupId`} /> : null}

      {node.kind === 'menu' ? (
        <>
          <div class="ivr-keys" role="group" aria-label={`${node.id} ${t.keys}`}>
            <h3>{t.keys}</h3>
            {errorAt(`${base}.keys`) ? <p class="field-error">{errorAt(`${base}.keys`)}</p> : null}
            {node.keys.map((key) => {
              const keyPath = `${base}.keys.${key.key}`;
              return (
                <div class="ivr-key" key={key.uid} data-key={key.key}>
                  <SelectField disabled={readOnly}
                    label={t.key}
                    value={key.key}
                    options={DTMF_KEYS.filter((k) => k === key.key || !usedKeys.has(k)).map((k) => ({ value: k, label: k }))}
                    onValue={(k) => setKey(key.uid, key.action, k)}
                    error={errorAt(keyPath)}
                  />
                  <ActionEditor {...props} action={key.action} onAction={(action) => action && setKey(key.uid, action)} path={keyPath} allowRepeat />
                  {readOnly ? null : (
                    <Button variant="text" class="btn-danger-text ivr-key-remove" aria-label={format(t.removeKey, { key: key.key })} onClick={() => setNode({ keys: node.keys.filter((k) => k.uid !== key.uid) })}>
                      {t.remove}
                    </Button>
                  )}
                </div>
              );
            })}
            {readOnly || usedKeys.size >= DTMF_KEYS.length ? null : (
              <Button onClick={() => setNode({ keys: [...node.keys, emptyKey(DTMF_KEYS.find((k) => !usedKeys.has(k))!)] })}>{t.addKey}</Button>
            )}
          </div>
          <div class="form-grid ivr-menu-settings">
            <TextField disabled={readOnly} label={t.timeoutMs} hint={t.timeoutHint} inputMode="numeric" value={node.timeoutMs} onValue={(timeoutMs) => setNode({ timeoutMs })} error={errorAt(`${base}.timeoutMs`)} />
            <label class="checkbox ivr-checkbox">
              <input type="checkbox" disabled={readOnly} checked={node.bargeIn ?? true} onChange={(event) => setNode({ bargeIn: event.currentTarget.checked })} />
              {t.bargeIn}
            </label>
          </div>
          <div class="ivr-retries">
            <RetryEditor {...props} title={t.invalidKey} retry={node.invalidKey} onRetry={(invalidKey) => setNode({ invalidKey })} path={`${base}.invalidKey`} />
            <RetryEditor {...props} title={t.noInput} retry={node.noInput} onRetry={(noInput) => setNode({ noInput })} path={`${base}.noInput`} />
          </div>
          <div class="ivr-fallback">
            <ActionEditor {...props} title={t.fallback} action={node.fallback} onAction={(fallback) => setNode({ fallback })} path={`${base}.fallback`} />
          </div>
        </>
      ) : null}
    </fieldset>
  );
}

interface ActionEditorProps extends NodeEditorProps {
  title?: string;
  /** null: the default (a fallback left out). */
  action: ActionForm | null;
  onAction: (action: ActionForm | null) => void;
  path: string;
  allowRepeat?: boolean;
}

function ActionEditor(props: ActionEditorProps) {
  const { title, action, onAction, path, allowRepeat = false, nodeOptions, library, lang, readOnly, errorAt, t } = props;
  const kinds = ACTION_KINDS.filter((kind) => allowRepeat || kind !== 'repeat');
  const options: Array<{ value: ActionKind | ''; label: string }> = [...(allowRepeat ? [] : [{ value: '' as const, label: t.fallbackDefault }]), ...kinds.map((kind) => ({ value: kind, label: t[ACTION_TEXT[kind]] }))];
  const set = (patch: Partial<ActionForm>) => onAction({ ...(action ?? emptyAction('hangup')), ...patch });
  return (
    <div class="ivr-action">
      <SelectField disabled={readOnly}
        label={title ?? t.action}
        value={action?.action ?? ''}
        options={options}
        onValue={(kind) => (kind === '' ? onAction(null) : set({ action: kind }))}
        error={errorAt(`${path}.action`) ?? (allowRepeat ? undefined : errorAt(path))}
      />
      {action?.action === 'queue' ? <SkillGroupSelect {...props} value={action.skillGroupId} onValue={(skillGroupId) => set({ skillGroupId })} path={`${path}.skillGroupId`} /> : null}
      {action?.action === 'goto' ? <SelectField disabled={readOnly} label={t.targetNode} required value={action.node} options={nodeOptions} onValue={(node) => set({ node })} error={errorAt(`${path}.node`)} /> : null}
      {action && allowRepeat ? <TextField disabled={readOnly} label={t.keyLabel} value={action.label} maxLength={64} onValue={(label) => set({ label })} error={errorAt(`${path}.label`)} /> : null}
      {action?.action === 'queue' || action?.action === 'hangup' ? (
        <PromptPicker label={t.actionPrompts} value={action.prompts} onValue={(prompts) => set({ prompts })} library={library} lang={lang} readOnly={readOnly} path={`${path}.prompts`} errorAt={errorAt} />
      ) : null}
    </div>
  );
}

function SkillGroupSelect({ skillGroups, value, onValue, path, errorAt, readOnly, t }: NodeEditorProps & { value: string; onValue: (value: string) => void; path: string }) {
  const known = skillGroups.some((g) => String(g.id) === value);
  const options = [
    { value: '', label: t.chooseSkillGroup },
    ...(value !== '' && !known ? [{ value, label: `#${value}` }] : []),
    ...skillGroups.map((g) => ({ value: String(g.id), label: `${g.name} (${g.id})` })),
  ];
  return <SelectField disabled={readOnly} label={t.skillGroup} required value={value} options={options} onValue={onValue} error={errorAt(path)} />;
}

function RetryEditor(props: IvrEditorProps & { t: T; title: string; retry: RetryForm; onRetry: (retry: RetryForm) => void; path: string }) {
  const { title, retry, onRetry, path, library, lang, readOnly, errorAt, t } = props;
  return (
    <div class="ivr-retry" role="group" aria-label={title}>
      <h3>{title}</h3>
      <TextField disabled={readOnly} label={t.maxRetries} hint={t.maxRetriesHint} inputMode="numeric" value={retry.maxRetries} onValue={(maxRetries) => onRetry({ ...retry, maxRetries })} error={errorAt(`${path}.maxRetries`) ?? errorAt(path)} />
      <PromptPicker label={t.retryPrompts} value={retry.prompts} onValue={(prompts) => onRetry({ ...retry, prompts })} library={library} lang={lang} readOnly={readOnly} path={`${path}.prompts`} errorAt={errorAt} />
    </div>
  );
}

function WorkTimeEditor({ form, onForm, library, lang, readOnly, errorAt, t }: IvrEditorProps & { t: T }) {
  const work = form.workTime;
  const set = (patch: Partial<WorkTimeForm>) => work && onForm({ ...form, workTime: { ...work, ...patch } });
  const days = WEEKDAYS[lang];
  return (
    <fieldset class="group ivr-section ivr-worktime">
      <legend>{t.workTime}</legend>
      <label class="checkbox ivr-checkbox">
        <input type="checkbox" disabled={readOnly} checked={work !== null} onChange={(event) => onForm({ ...form, workTime: event.currentTarget.checked ? defaultWorkTime() : null })} />
        {t.workTimeOn}
      </label>
      {work ? (
        <>
          <TextField disabled={readOnly} label={t.timeZone} hint={t.timeZoneHint} required value={work.timeZone} maxLength={64} onValue={(timeZone) => set({ timeZone })} error={errorAt('workTime.timeZone')} />
          <h3>{t.weekly}</h3>
          {errorAt('workTime.weekly') ? <p class="field-error">{errorAt('workTime.weekly')}</p> : null}
          {work.weekly.map((range, index) => {
            const path = `workTime.weekly.${index}`;
            const setRange = (patch: Partial<typeof range>) => set({ weekly: work.weekly.map((r) => (r.uid === range.uid ? { ...r, ...patch } : r)) });
            return (
              <div class="ivr-range" key={range.uid} data-range={index}>
                <div class={`field${errorAt(`${path}.days`) ? ' field-invalid' : ''}`} role="group" aria-label={`${t.days} ${index + 1}`}>
                  <span class="field-label">{t.days}</span>
                  <div class="ivr-days">
                    {[1, 2, 3, 4, 5, 6, 7].map((day) => (
                      <label class="ivr-day" key={day}>
                        <input
                          type="checkbox"
                          disabled={readOnly}
                          checked={range.days.includes(day)}
                          onChange={(event) => setRange({ days: event.currentTarget.checked ? [...range.days, day] : range.days.filter((d) => d !== day) })}
                        />
                        {days[String(day) as keyof typeof days]}
                      </label>
                    ))}
                  </div>
                  {errorAt(`${path}.days`) ? <p class="field-error">{errorAt(`${path}.days`)}</p> : null}
                </div>
                <TextField disabled={readOnly} label={t.from} hint={t.timeHint} value={range.from} maxLength={5} onValue={(from) => setRange({ from })} error={errorAt(`${path}.from`) ?? errorAt(path)} />
                <TextField disabled={readOnly} label={t.to} value={range.to} maxLength={5} onValue={(to) => setRange({ to })} error={errorAt(`${path}.to`)} />
                {readOnly || work.weekly.length < 2 ? null : (
                  <Button variant="text" class="btn-danger-text" onClick={() => set({ weekly: work.weekly.filter((r) => r.uid !== range.uid) })}>
                    {t.removeRange}
                  </Button>
                )}
              </div>
            );
          })}
          {readOnly ? null : <Button onClick={() => set({ weekly: [...work.weekly, { uid: newUid(), days: [6], from: '10:00', to: '12:00' }] })}>{t.addRange}</Button>}
          <h3>{t.holidays}</h3>
          <div class="ivr-holidays">
            {work.holidays.map((date, index) => (
              <div class="ivr-holiday" key={index}>
                <TextField disabled={readOnly} label={format(t.holidayN, { n: index + 1 })} value={date} maxLength={10} onValue={(value) => set({ holidays: work.holidays.map((d, i) => (i === index ? value : d)) })} error={errorAt(`workTime.holidays.${index}`)} />
                {readOnly ? null : (
                  <Button variant="text" class="btn-danger-text" aria-label={format(t.removeHoliday, { date })} onClick={() => set({ holidays: work.holidays.filter((_, i) => i !== index) })}>
                    {t.remove}
                  </Button>
                )}
              </div>
            ))}
          </div>
          {readOnly ? null : <Button onClick={() => set({ holidays: [...work.holidays, nextYearDate()] })}>{t.addHoliday}</Button>}
          <PromptPicker label={t.closedPrompts} value={work.closedPrompts} onValue={(closedPrompts) => set({ closedPrompts })} library={library} lang={lang} readOnly={readOnly} path="workTime.closedPrompts" errorAt={errorAt} />
        </>
      ) : null}
    </fieldset>
  );
}

function SurveyEditor(props: IvrEditorProps & { t: T }) {
  const { form, onForm, library, lang, readOnly, errorAt, t } = props;
  const survey = form.survey;
  const set = (patch: Partial<SurveyForm>) => survey && onForm({ ...form, survey: { ...survey, ...patch } });
  const used = new Set(survey?.keys.map((k) => k.key));
  return (
    <fieldset class="group ivr-section ivr-survey">
      <legend>{t.survey}</legend>
      <label class="checkbox ivr-checkbox">
        <input type="checkbox" disabled={readOnly} checked={survey !== null} onChange={(event) => onForm({ ...form, survey: event.currentTarget.checked ? defaultSurvey() : null })} />
        {t.surveyOn}
      </label>
      {survey ? (
        <>
          <TextField disabled={readOnly} label={t.surveyLabel} value={survey.label} maxLength={64} onValue={(label) => set({ label })} error={errorAt('survey.label')} />
          <PromptPicker label={t.promptsLabel} value={survey.prompts} onValue={(prompts) => set({ prompts })} library={library} lang={lang} readOnly={readOnly} path="survey.prompts" errorAt={errorAt} />
          <h3>{t.surveyKeys}</h3>
          {errorAt('survey.keys') ? <p class="field-error">{errorAt('survey.keys')}</p> : null}
          {survey.keys.map((key) => (
            <div class="ivr-key" key={key.uid}>
              <SelectField disabled={readOnly}
                label={t.key}
                value={key.key}
                options={DTMF_KEYS.filter((k) => k === key.key || !used.has(k)).map((k) => ({ value: k, label: k }))}
                onValue={(k) => set({ keys: survey.keys.map((s) => (s.uid === key.uid ? { ...s, key: k } : s)) })}
                error={errorAt(`survey.keys.${key.key}`)}
              />
              <TextField disabled={readOnly} label={t.surveyKeyLabel} required value={key.label} maxLength={64} onValue={(label) => set({ keys: survey.keys.map((s) => (s.uid === key.uid ? { ...s, label } : s)) })} error={errorAt(`survey.keys.${key.key}.label`)} />
              {readOnly ? null : (
                <Button variant="text" class="btn-danger-text" aria-label={format(t.removeKey, { key: key.key })} onClick={() => set({ keys: survey.keys.filter((s) => s.uid !== key.uid) })}>
                  {t.remove}
                </Button>
              )}
            </div>
          ))}
          {readOnly || used.size >= DTMF_KEYS.length ? null : (
            <Button onClick={() => set({ keys: [...survey.keys, { uid: newUid(), key: DTMF_KEYS.find((k) => !used.has(k))!, label: '' }] })}>{t.addKey}</Button>
          )}
          <div class="form-grid ivr-menu-settings">
            <TextField disabled={readOnly} label={t.timeoutMs} hint={t.timeoutHint} inputMode="numeric" value={survey.timeoutMs} onValue={(timeoutMs) => set({ timeoutMs })} error={errorAt('survey.timeoutMs')} />
            <label class="checkbox ivr-checkbox">
              <input type="checkbox" disabled={readOnly} checked={survey.bargeIn ?? true} onChange={(event) => set({ bargeIn: event.currentTarget.checked })} />
              {t.bargeIn}
            </label>
          </div>
          <div class="ivr-retries">
            <RetryEditor {...props} t={t} title={t.invalidKey} retry={survey.invalidKey} onRetry={(invalidKey) => set({ invalidKey })} path="survey.invalidKey" />
            <RetryEditor {...props} t={t} title={t.noInput} retry={survey.noInput} onRetry={(noInput) => set({ noInput })} path="survey.noInput" />
          </div>
          <PromptPicker label={t.thanksPrompts} value={survey.thanksPrompts} onValue={(thanksPrompts) => set({ thanksPrompts })} library={library} lang={lang} readOnly={readOnly} path="survey.thanksPrompts" errorAt={errorAt} />
        </>
      ) : null}
    </fieldset>
  );
}

/** A date to start a new holiday from (the user edits it): a year from today. */
function nextYearDate(): string {
  const date = new Date();
  date.setFullYear(date.getFullYear() + 1);
  return date.toISOString().slice(0, 10);
}
