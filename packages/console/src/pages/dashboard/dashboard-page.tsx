import { createContext } from 'preact';
import { memo } from 'preact/compat';
import { useContext, useMemo, useState } from 'preact/hooks';
import { format, type Language } from '../../i18n.js';
import type { PageProps } from '../../routes.js';
import { dashboardText, formatDuration, statusLabel } from './dashboard-text.js';
import { useLiveDashboard, type LiveState } from './live-connection.js';
import { agentList, lastHour, oldestWait, serviceLevel, statusCounts, type LiveView } from './live-view.js';
import { DASHBOARD_STATUSES, type AgentRow, type ServerStatus } from '@openccc/protocol';
import { MinuteChart } from './minute-chart.js';
import { useNow } from './ticker.js';
import './dashboard.css';

const SERVICE_LEVEL_KEY = 'openccc.console.dashboard.serviceLevelSeconds';
const DEFAULT_SERVICE_LEVEL_SECONDS = 20;

/** Server clock minus the page's: durations are counted on the server's time. */
const ClockOffset = createContext(0);

function rememberedTarget(): number {
  const value = Number(localStorage.getItem(SERVICE_LEVEL_KEY));
  return Number.isInteger(value) && value >= 1 && value <= 600 ? value : DEFAULT_SERVICE_LEVEL_SECONDS;
}

/** `#/dashboard`: agents by status, queues, today's calls and the agent list, live over a WebSocket. */
export function DashboardPage({ api, lang }: PageProps) {
  const t = dashboardText[lang];
  const { view, state } = useLiveDashboard(api);
  const [only, setOnly] = useState<ServerStatus | null>(null);
  return (
    <section class="page dashboard-page" aria-labelledby="dashboard-title">
      <header class="page-header">
        <div>
          <h1 id="dashboard-title">{t.title}</h1>
          <p class="page-lead">{t.lead}</p>
        </div>
        <LiveBadge state={state} lang={lang} />
      </header>
      {view ? (
        <ClockOffset.Provider value={view.clockOffset}>
          <Overview view={view} lang={lang} only={only} onOnly={setOnly} />
          <AgentSection view={view} lang={lang} only={only} onOnly={setOnly} />
        </ClockOffset.Provider>
      ) : (
        <div class="table-state" role="status">
          <span class="spinner" aria-hidden="true" /> {t.connecting}
        </div>
      )}
    </section>
  );
}

function LiveBadge({ state, lang }: { state: LiveState; lang: Language }) {
  const t = dashboardText[lang];
  return (
    <p class={`live-badge live-${state}`} role="status" data-live-state={state}>
      <span class="live-dot" aria-hidden="true" />
      {state === 'live' ? t.live : state === 'connecting' ? t.connecting : t.reconnecting}
    </p>
  );
}

interface SectionProps {
  view: LiveView;
  lang: Language;
  only: ServerStatus | null;
  onOnly: (status: ServerStatus | null) => void;
}

function Overview({ view, lang, only, onOnly }: SectionProps) {
  const t = dashboardText[lang];
  const now = useNow() + useContext(ClockOffset);
  const counts = statusCounts(view.agents.values());
  const hour = lastHour(view.minutes, now);
  return (
    <>
      <section class="card dash-panel" aria-labelledby="dash-status-heading">
        <h2 id="dash-status-heading">{t.agentsHeading}</h2>
        <div class="status-cards" role="group" aria-describedby="dash-filter-hint">
          {DASHBOARD_STATUSES.map((status) => (
            <button
              key={status}
              type="button"
              class={`status-card dash-status-${status}`}
              aria-pressed={only === status}
              data-status-count={status}
              onClick={() => onOnly(only === status ? null : status)}
            >
              <span class="status-card-count">{counts[status]}</span>
              <span class="status-card-label">
                <span class="dash-dot" aria-hidden="true" />
                {statusLabel(status, lang)}
              </span>
            </button>
          ))}
        </div>
        <p id="dash-filter-hint" class="field-hint">
          {t.filterHint}
        </p>
      </section>
      <div class="dash-row">
        <TodayPanel view={view} lang={lang} />
        <section class="card dash-panel" aria-labelledby="dash-calls-heading">
          <h2 id="dash-calls-heading">{t.callsHeading}</h2>
          <dl class="kpis kpis-4">
            {(['ivr', 'queued', 'ringing', 'talking'] as const).map((key) => (
              <div key={key} class="kpi" data-kpi={key}>
                <dt>{t[key]}</dt>
                <dd>{view.calls[key]}</dd>
              </div>
            ))}
          </dl>
        </section>
      </div>
      <div class="dash-row">
        <section class="card dash-panel" aria-labelledby="dash-queues-heading">
          <h2 id="dash-queues-heading">{t.queuesHeading}</h2>
          <QueueTable view={view} lang={lang} now={now} />
        </section>
        <section class="card dash-panel" aria-labelledby="dash-chart-heading">
          <h2 id="dash-chart-heading">{t.chartHeading}</h2>
          <MinuteChart hour={hour} lang={lang} />
        </section>
      </div>
    </>
  );
}

function TodayPanel({ view, lang }: { view: LiveView; lang: Language }) {
  const t = dashboardText[lang];
  const [target, setTarget] = useState(rememberedTarget);
  const [draft, setDraft] = useState(String(target));
  const level = serviceLevel(view.today, target);
  const valid = /^\d+$/.test(draft) && Number(draft) >= 1 && Number(draft) <= 600;
  const onDraft = (value: string) => {
    setDraft(value);
    if (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 600) {
      setTarget(Number(value));
      localStorage.setItem(SERVICE_LEVEL_KEY, value);
    }
  };
  return (
    <section class="card dash-panel" aria-labelledby="dash-today-heading">
      <div class="dash-panel-head">
        <h2 id="dash-today-heading">{t.todayHeading}</h2>
        <div class="sl-target">
          <label for="dash-sl-target">{t.serviceLevelTarget}</label>
          <input
            id="dash-sl-target"
            class="input input-small"
            type="number"
            min={1}
            max={600}
            step={1}
            inputMode="numeric"
            value={draft}
            aria-invalid={valid ? undefined : 'true'}
            aria-describedby={valid ? undefined : 'dash-sl-error'}
            onInput={(event) => onDraft(event.currentTarget.value)}
          />
        </div>
      </div>
      {valid ? null : (
        <p id="dash-sl-error" class="field-error" role="alert">
          {t.serviceLevelInvalid}
        </p>
      )}
      <dl class="kpis kpis-4">
        <div class="kpi kpi-ok" data-kpi="answered">
          <dt>{t.answered}</dt>
          <dd>{view.today.answered}</dd>
        </div>
        <div class="kpi kpi-danger" data-kpi="abandoned">
          <dt>{t.abandoned}</dt>
          <dd>{view.today.abandoned}</dd>
        </div>
        <div class="kpi" data-kpi="serviceLevel" title={format(t.serviceLevelHint, { n: target })}>
          <dt>{t.serviceLevel}</dt>
          <dd>{level === null ? '—' : `${Math.round(level * 1000) / 10}%`}</dd>
          <p class="kpi-hint">{format(t.serviceLevelHint, { n: target })}</p>
        </div>
        <div class="kpi" data-kpi="outbound">
          <dt>{t.outbound}</dt>
          <dd>{view.today.outbound}</dd>
        </div>
      </dl>
    </section>
  );
}

function QueueTable({ view, lang, now }: { view: LiveView; lang: Language; now: number }) {
  const t = dashboardText[lang];
  if (view.queues.length === 0) return <p class="muted">{t.noGroups}</p>;
  const oldest = oldestWait(view.queues);
  return (
    <div class="dash-table-scroll">
      <table class="table table-compact">
        <thead>
          <tr>
            <th scope="col">{t.group}</th>
            <th scope="col" class="num">
              {t.waiting}
            </th>
            <th scope="col" class="num">
              {t.longest}
            </th>
          </tr>
        </thead>
        <tbody>
          {view.queues.map((queue) => (
            <tr key={queue.groupId} data-group-id={queue.groupId} class={queue.waiting > 0 ? 'queue-waiting' : undefined}>
              <th scope="row">{queue.groupName}</th>
              <td class="num" data-waiting={queue.waiting}>
                {queue.waiting}
              </td>
              <td class={`num${queue.oldestSince !== null && queue.oldestSince === oldest ? ' queue-oldest' : ''}`}>{queue.oldestSince === null ? '—' : formatDuration(now - queue.oldestSince)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AgentSection({ view, lang, only, onOnly }: SectionProps) {
  const t = dashboardText[lang];
  const rows = useMemo(() => agentList(view.agents, only, lang), [view.agents, only, lang]);
  return (
    <section class="card dash-panel" aria-labelledby="dash-agents-heading">
      <div class="dash-panel-head">
        <h2 id="dash-agents-heading">{t.listHeading}</h2>
        <span class="muted" role="status">
          {format(t.showing, { n: rows.length, total: view.agents.size })}
        </span>
        {only !== null ? (
          <button type="button" class="btn btn-text" onClick={() => onOnly(null)}>
            {t.showAll}
          </button>
        ) : null}
      </div>
      {rows.length === 0 ? (
        <p class="muted">{t.noAgents}</p>
      ) : (
        // Rows are a grid, not a table: off-screen rows skip layout and paint (`content-visibility`), so a
        // thousand ticking durations cost only the rows in view.
        <div class="dash-agents" role="table" aria-labelledby="dash-agents-heading" tabIndex={0}>
          <div role="rowgroup" class="dash-agents-head">
            <div role="row" class="dash-agent-row">
              <span role="columnheader">{t.name}</span>
              <span role="columnheader">{t.staffNumber}</span>
              <span role="columnheader">{t.mail}</span>
              <span role="columnheader">{t.status}</span>
              <span role="columnheader">{t.reason}</span>
              <span role="columnheader" class="num">
                {t.inStatus}
              </span>
            </div>
          </div>
          <div role="rowgroup">
            {rows.map((agent) => (
              <AgentLine key={agent.mail.toLowerCase()} agent={agent} lang={lang} />
            ))}
          </div>
        </div>
      )}
    </section>
  );
}

/** One agent's row; re-rendered only when that agent changes (its duration ticks by itself). */
const AgentLine = memo(function AgentLine({ agent, lang }: { agent: AgentRow; lang: Language }) {
  return (
    <div role="row" class="dash-agent-row" data-mail={agent.mail} data-status={agent.status}>
      <span role="rowheader">{agent.name || agent.mail}</span>
      <span role="cell">{agent.staffNumber}</span>
      <span role="cell" class="dash-mail">
        {agent.mail}
      </span>
      <span role="cell">
        <span class={`dash-chip dash-status-${agent.status}`}>
          <span class="dash-dot" aria-hidden="true" />
          {statusLabel(agent.status, lang)}
        </span>
      </span>
      <span role="cell">{agent.reason}</span>
      <span role="cell" class="num">
        <Since since={agent.since} />
      </span>
    </div>
  );
});

function Since({ since }: { since: number | null }) {
  const now = useNow() + useContext(ClockOffset);
  return <>{since === null ? '—' : formatDuration(now - since)}</>;
}
