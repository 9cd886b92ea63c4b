import type { Language } from '../i18n.js';
import { readLaunch, type SdkTestLaunch } from './launch.js';
import { text } from './text.js';
import './sdk-test.css';

/**
 * The SDK test page: loads the SdkURL exactly as TCCC's quick-integration snippet does, then shows
 * the SDK's state, the agent's status and every event as it comes, with buttons for the status.
 */

/** The part of `window.tccc` this page uses. */
interface Tccc {
  events: Record<string, string>;
  on(name: string, handler: (payload: unknown) => void): void;
  Agent: {
    online(): Promise<unknown>;
    offline(): Promise<unknown>;
    setStatus(options: { status: string; restReason?: string }): Promise<unknown>;
    getStatus(): string;
  };
}

type SdkState = 'loading' | 'signing-in' | 'ready' | 'failed';

const root = document.getElementById('sdk-test') as HTMLElement;
const expected = document.querySelector<HTMLMetaElement>('meta[name="openccc-sdk-url"]')?.content ?? '';
const launch = readLaunch(location.hash, location.origin, /^https?:\/\//.test(expected) ? expected : null);
// The token is read once; it should not stay in the address bar or the history.
if (location.hash) history.replaceState(null, '', location.pathname);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) if (value !== undefined) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function describe(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, (key, inner: unknown) => (key === 'data' ? undefined : inner), 2);
  } catch {
    return String(value);
  }
}

function start(lang: Language): void {
  const t = text[lang];
  document.documentElement.lang = lang;
  document.title = `OpenCCC ${t.title}`;
  root.replaceChildren();
  const header = el('header', { class: 'head' }, el('h1', {}, t.title));
  root.append(header, el('p', { class: 'intro' }, t.intro));
  if ('problem' in launch) {
    const key = launch.problem === 'missing' ? 'missing' : (`${launch.problem}_problem` as const);
    root.append(el('p', { class: 'problem', role: 'alert', id: 'sdk-problem' }, t[key]));
    return;
  }
  run(launch, t);
}

function run(launch: SdkTestLaunch, t: (typeof text)[Language]): void {
  const state = el('strong', { id: 'sdk-state', 'data-state': 'loading' }, t.loading);
  const status = el('strong', { id: 'agent-status' }, '—');
  const facts = el(
    'dl',
    { class: 'facts' },
    el('dt', {}, t.sdkAppId),
    el('dd', {}, String(launch.sdkAppId)),
    el('dt', {}, t.userId),
    el('dd', {}, launch.userId),
    el('dt', {}, t.sdkUrl),
    el('dd', {}, el('code', {}, launch.sdkUrl)),
    el('dt', {}, t.token),
    el('dd', {}, el('code', {}, `${launch.token.slice(0, 6)}…`)),
    el('dt', {}, t.state),
    el('dd', { 'aria-live': 'polite' }, state),
    el('dt', {}, t.agentStatus),
    el('dd', { 'aria-live': 'polite' }, status),
  );
  const log = el('ol', { id: 'sdk-events', class: 'events', 'aria-live': 'polite' });
  const empty = el('p', { class: 'empty' }, t.noEvents);
  const buttons = el('div', { class: 'controls', role: 'group', 'aria-label': t.controls });
  root.append(facts, buttons, el('h2', {}, t.events), empty, log, el('p', { class: 'note' }, t.reopen));

  const setState = (next: SdkState, detail?: string) => {
    state.dataset['state'] = next;
    state.textContent = { loading: t.loading, 'signing-in': t.signingIn, ready: t.ready, failed: t.failed }[next] + (detail ? `: ${detail}` : '');
  };
  const record = (name: string, payload: unknown) => {
    empty.hidden = true;
    const time = new Date().toLocaleTimeString(launch.lang, { hour12: false });
    log.append(el('li', { 'data-event': name }, el('span', { class: 'time' }, time), el('span', { class: 'name' }, name), el('pre', {}, describe(payload))));
    log.lastElementChild?.scrollIntoView({ block: 'nearest' });
  };

  const script = document.createElement('script');
  script.src = launch.sdkUrl;
  script.dataset['token'] = launch.token;
  script.dataset['sdkAppId'] = String(launch.sdkAppId);
  script.dataset['userid'] = launch.userId;
  script.addEventListener('error', () => setState('failed', t.loadFailed));
  script.addEventListener('load', () => {
    const tccc = (window as unknown as { tccc?: Tccc }).tccc;
    if (!tccc) return setState('failed', t.loadFailed);
    setState('signing-in');
    const showStatus = () => {
      status.textContent = tccc.Agent.getStatus();
    };
    for (const name of Object.values(tccc.events)) {
      tccc.on(name, (payload) => {
        record(name, payload);
        if (name === 'ready') setState('ready');
        if (name === 'error' && state.dataset['state'] !== 'ready') setState('failed', (payload as { errorMsg?: string } | null)?.errorMsg);
        showStatus();
      });
    }
    const control = (label: string, call: () => Promise<unknown>) => {
      const button = el('button', { type: 'button' }, label);
      button.addEventListener('click', () => {
        call().then(
          (result) => record(`${label} · ${t.result}`, result),
          (failure: unknown) => record(`${label} · ${t.result}`, failure),
        );
      });
      buttons.append(button);
    };
    control(t.online, () => tccc.Agent.online());
    control(t.free, () => tccc.Agent.setStatus({ status: 'free' }));
    control(t.notReady, () => tccc.Agent.setStatus({ status: 'notReady' }));
    control(t.rest, () => tccc.Agent.setStatus({ status: 'rest', restReason: t.rest }));
    control(t.offline, () => tccc.Agent.offline());
  });
  document.body.append(script);
}

start(launch.lang);
