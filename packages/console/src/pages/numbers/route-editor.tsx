import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { validateIvrFlow } from '@openccc/protocol';
import type { ConsoleApi } from '../../api.js';
import { format, type Language } from '../../i18n.js';
import { Button, Notice, SelectField, common, errorText, toast, useAsync } from '../../ui/index.js';
import { checkForm, issueText, type FormIssue } from './ivr-check.js';
import { IvrEditor } from './ivr-editor.js';
import { flowToForm, formToFlow, newFlowForm, type FlowForm } from './ivr-form.js';
import { RouteRefused, loadNumber, loadPrompts, loadSkillGroups, saveRoute, type NumberRoute, type PromptRow, type SkillGroupOption } from './numbers-data.js';
import { numbersText } from './text.js';

type RouteKind = NumberRoute['kind'];

export interface RouteEditorProps {
  api: ConsoleApi;
  number: string;
  lang: Language;
  readOnly: boolean;
}

/** `#/numbers/<number>`: where the number's calls go; an IVR is edited as a form, checked as the server checks it. */
export function RouteEditor({ api, number, lang, readOnly }: RouteEditorProps) {
  const t = numbersText[lang];
  const loaded = useAsync(() => Promise.all([loadNumber(api, number), loadPrompts(api), loadSkillGroups(api)]), [api, number]);
  const data = loaded.data;
  return (
    <section class="page numbers-page route-editor" aria-labelledby="route-title">
      <div class="page-header">
        <div>
          <a href="#/numbers">← {t.back}</a>
          <h1 id="route-title">{format(t.routeTitle, { number })}</h1>
        </div>
      </div>
      {readOnly ? <Notice>{common[lang].readOnly}</Notice> : null}
      {loaded.error ? (
        <Notice kind="error">
          {errorText(loaded.error, lang)} <Button onClick={loaded.reload}>{common[lang].retry}</Button>
        </Notice>
      ) : !data ? (
        <p role="status">{common[lang].loading}</p>
      ) : (
        <RouteForm api={api} number={number} lang={lang} readOnly={readOnly} route={data[0].route} library={data[1]} skillGroups={data[2]} />
      )}
    </section>
  );
}

interface RouteFormProps extends RouteEditorProps {
  route: NumberRoute;
  library: PromptRow[];
  skillGroups: SkillGroupOption[];
}

function RouteForm({ api, number, lang, readOnly, route, library, skillGroups }: RouteFormProps) {
  const t = numbersText[lang];
  const [kind, setKind] = useState<RouteKind>(route.kind);
  const [skillGroupId, setSkillGroupId] = useState(route.kind === 'skillGroup' ? String(route.skillGroupId) : '');
  const [form, setForm] = useState<FlowForm>(() => {
    if (route.kind !== 'ivr') return newFlowForm(skillGroups[0]?.id);
    const stored = validateIvrFlow(route.flow);
    return stored.ok ? flowToForm(stored.flow) : newFlowForm(skillGroups[0]?.id);
  });
  const [tried, setTried] = useState(false);
  const [serverIssues, setServerIssues] = useState<FormIssue[] | null>(null);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const summary = useRef<HTMLDivElement>(null);

  const context = useMemo(() => {
    const prompts = new Set(library.map((p) => p.promptId));
    const groups = new Set(skillGroups.map((g) => g.id));
    return { promptExists: (id: string) => prompts.has(id), skillGroupExists: (id: number) => groups.has(id) };
  }, [library, skillGroups]);
  // Checked as the user types once a save was tried; before that, a half-made flow is not scolded.
  const issues = useMemo(() => (kind === 'ivr' && tried ? (serverIssues ?? checkForm(form, context)) : []), [kind, tried, serverIssues, form, context]);
  const groupError = kind === 'skillGroup' && tried && skillGroupId === '' ? t.chooseSkillGroup : undefined;
  const errorAt = (path: string) => {
    const found = issues.find((issue) => issue.path === path);
    return found ? issueText(found, lang) : undefined;
  };
  useEffect(() => setServerIssues(null), [form]);

  const save = async () => {
    setTried(true);
    setFailure(null);
    let body: NumberRoute;
    if (kind === 'skillGroup') {
      if (skillGroupId === '') return;
      body = { kind, skillGroupId: Number(skillGroupId) };
    } else if (kind === 'ivr') {
      const found = checkForm(form, context);
      if (found.length > 0) {
        setServerIssues(null);
        window.setTimeout(() => summary.current?.focus());
        return;
      }
      body = { kind, flow: formToFlow(form) };
    } else {
      body = { kind: 'none' };
    }
    setSaving(true);
    try {
      await saveRoute(api, number, body);
      toast(t.saved);
      setTried(false);
    } catch (error) {
      if (error instanceof RouteRefused) {
        setServerIssues(error.issues.map((issue) => ({ path: issue.path, message: issue.message })));
        window.setTimeout(() => summary.current?.focus());
      } else {
        setFailure(errorText(error, lang));
      }
    } finally {
      setSaving(false);
    }
  };

  const kinds: Array<{ value: RouteKind; label: string }> = [
    { value: 'none', label: t.kindNone },
    { value: 'skillGroup', label: t.kindSkillGroup },
    { value: 'ivr', label: t.kindIvr },
  ];
  return (
    <form
      class="route-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (!readOnly) void save();
      }}
    >
      <fieldset class="group route-kind" disabled={readOnly}>
        <legend>{t.routeKind}</legend>
        <div class="route-kinds" role="radiogroup" aria-label={t.routeKind}>
          {kinds.map((option) => (
            <label class="radio" key={option.value}>
              <input type="radio" name="route-kind" value={option.value} checked={kind === option.value} onChange={() => setKind(option.value)} />
              {option.label}
            </label>
          ))}
        </div>
        {kind === 'skillGroup' ? (
          skillGroups.length === 0 ? (
            <Notice kind="warning">{t.noSkillGroups}</Notice>
          ) : (
            <SelectField
              label={t.skillGroup}
              required
              value={skillGroupId}
              options={[{ value: '', label: t.chooseSkillGroup }, ...skillGroups.map((g) => ({ value: String(g.id), label: `${g.name} (${g.id})` }))]}
              onValue={setSkillGroupId}
              error={groupError}
            />
          )
        ) : null}
      </fieldset>

      {issues.length > 0 ? (
        <div class="notice notice-error ivr-issues" role="alert" tabIndex={-1} ref={summary}>
          <p>{serverIssues ? t.serverRefused : format(t.invalidSummary, { n: issues.length })}</p>
          <ul>
            {issues.map((issue, index) => (
              <li key={index}>
                {issue.path ? <code class="mono">{issue.path}</code> : null} {issueText(issue, lang)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {failure ? <Notice kind="error">{failure}</Notice> : null}

      {kind === 'ivr' ? <IvrEditor form={form} onForm={setForm} library={library} skillGroups={skillGroups} lang={lang} readOnly={readOnly} errorAt={errorAt} /> : null}

      {readOnly ? null : (
        <div class="route-actions">
          <Button variant="primary" type="submit" busy={saving}>
            {saving ? common[lang].saving : t.saveRoute}
          </Button>
          <a class="btn btn-secondary" href="#/numbers">
            {common[lang].cancel}
          </a>
        </div>
      )}
    </form>
  );
}
