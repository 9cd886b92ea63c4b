// The CRM page: sign-in, the customer list with click-to-call, the screen-pop on an incoming
// call, notes per call and the call history. The agent SDK is loaded with TCCC's snippet.
import { currentLang, setLang, t, translatePage } from './i18n.js';

/**
 * @typedef {{ id: string, name: string, company: string, phone: string, level: string }} Customer
 * @typedef {{ sessionId: string, startedAt: number, direction: string, duration: number, endStatus: string, agent: string, recordUrl: string, note: string }} CallRecord
 * @typedef {{ sessionId: string, phone: string, customerId: string | null, state: 'ringing' | 'dialling' | 'talking' | 'ended' }} Call
 */

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

let csrfToken = '';
/** @type {Customer[]} */
let customers = [];
/** @type {Customer | null} */
let selected = null;
/** @type {Call | null} */
let call = null;
/** The call the notes box writes to: the current one, or the last one after it ended. */
let noteSessionId = '';
let subscribed = false;

/**
 * @param {'GET' | 'POST'} method
 * @param {string} path
 * @param {unknown} [body]
 */
function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { 'x-csrf-token': csrfToken };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? null : JSON.stringify(body) });
}

/** `008613900001111` as `+86 139 0000 1111`. @param {string} phone */
function displayPhone(phone) {
  const national = phone.replace(/^0086/, '');
  return /^1\d{10}$/.test(national) ? `+86 ${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}` : `+86 ${national}`;
}

/** @param {string} text @param {boolean} [offerReconnect] */
function notice(text, offerReconnect = false) {
  $('notice').hidden = !text;
  $('notice-text').textContent = text;
  $('reconnect').hidden = !offerReconnect;
}

// ── Sign-in ─────────────────────────────────────────────────────────────────

async function boot() {
  translatePage();
  const me = await api('GET', '/api/me');
  if (me.ok) return enterCrm(await me.json());
  $('login-view').hidden = false;
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('login-error').textContent = '';
  const response = await api('POST', '/api/login', { mail: input('mail').value, password: input('password').value });
  if (response.ok) {
    input('password').value = '';
    $('login-view').hidden = true;
    await enterCrm(await response.json());
    return;
  }
  $('login-error').textContent = t(response.status === 429 ? 'rateLimited' : 'badCredentials');
});

$('sign-out').addEventListener('click', async () => {
  await api('POST', '/api/logout');
  location.reload();
});

$('lang').addEventListener('click', () => {
  setLang(currentLang() === 'en' ? 'zh-CN' : 'en');
  render();
});

/** @param {{ user: { mail: string, name: string }, csrfToken: string }} me */
async function enterCrm(me) {
  csrfToken = me.csrfToken;
  $('user-name').textContent = me.user.name;
  $('agent').hidden = false;
  $('crm-view').hidden = false;
  const response = await api('GET', '/api/customers');
  customers = (await response.json()).customers;
  render();
  await startTccc().catch((error) => notice(`${t('failed')}${error instanceof Error ? error.message : String(error)}`, true));
}

// ── The agent SDK (TCCC's snippet) ──────────────────────────────────────────

/** Gets a one-time token from the backend and loads the SDK with it; again on `tokenExpired`. */
async function startTccc() {
  notice(t('connecting'));
  const response = await api('POST', '/api/ccc/token');
  if (!response.ok) throw new Error(`token request failed (${response.status})`);
  const { token, sdkUrl, sdkAppId, userId } = await response.json();
  await new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.crossOrigin = 'anonymous';
    script.dataset.token = token;
    script.dataset.sdkAppId = String(sdkAppId);
    script.dataset.userid = userId;
    script.dataset.showWorkBenchAtFirstLogin = 'false';
    script.src = sdkUrl;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`cannot load ${sdkUrl}`));
    document.body.appendChild(script);
  });
  if (subscribed) return; // window.tccc and its handlers survive loading the script again
  subscribed = true;
  const tccc = window.tccc;
  tccc.on(tccc.events.ready, () => {
    notice('');
    showStatus(tccc.Agent.getStatus());
  });
  tccc.on(tccc.events.statusChanged, (event) => showStatus(event.status, event.reason));
  tccc.on(tccc.events.tokenExpired, () => {
    notice(t('renewing'));
    startTccc().catch((error) => notice(`${t('failed')}${String(error)}`, true));
  });
  tccc.on(tccc.events.signedOut, (event) => {
    showStatus('offline');
    // Another tab of this agent took over: say so, and let the agent choose (no automatic reload).
    notice(t(event.reason === 'elsewhere' ? 'signedOutElsewhere' : 'signedOutOther'), true);
  });
  tccc.on(tccc.events.error, (event) => notice(`${t('failed')}${event.errorMsg}`, true));
  tccc.on(tccc.events.callIn, (event) => {
    const phone = event.type === 'phone' ? event.callerPhoneNumber : event.peerUserId;
    void screenPop(event.sessionId, phone);
  });
  tccc.on(tccc.events.userAccessed, (event) => updateCall(event.sessionId, 'talking'));
  tccc.on(tccc.events.calloutAccepted, (event) => updateCall(event.sessionId, 'talking'));
  tccc.on(tccc.events.autoTransfer, (event) => updateCall(event.sessionId, 'ended'));
  tccc.on(tccc.events.sessionEnded, (event) => {
    updateCall(event.sessionId, 'ended');
    void refreshHistoryUntil(event.sessionId);
  });
}

$('reconnect').addEventListener('click', () => {
  startTccc().catch((error) => notice(`${t('failed')}${String(error)}`, true));
});

/** @param {string} status @param {string} [reason] */
function showStatus(status, reason) {
  const badge = $('agent-status');
  badge.dataset.status = status;
  badge.textContent = t(`status.${status}`) + (reason ? ` (${reason})` : '');
}

// ── Calls ───────────────────────────────────────────────────────────────────

/** The screen-pop: find the caller among the customers and open their card. @param {string} sessionId @param {string} phone */
async function screenPop(sessionId, phone) {
  const response = await api('GET', `/api/customers/by-phone/${encodeURIComponent(phone)}`);
  const customer = response.ok ? /** @type {Customer} */ ((await response.json()).customer) : null;
  call = { sessionId, phone, customerId: customer?.id ?? null, state: 'ringing' };
  noteSessionId = sessionId;
  if (customer) {
    await select(customer.id);
    return;
  }
  // Not a customer yet: show the caller's number, not the card that happened to be open.
  selected = null;
  history = [];
  render();
}

/** @param {string} sessionId @param {Call['state']} state */
function updateCall(sessionId, state) {
  if (call?.sessionId !== sessionId) return;
  call.state = state;
  render();
}

/** @param {Customer} customer */
async function startCall(customer) {
  await select(customer.id);
  try {
    const result = await window.tccc.Call.startOutboundCall({ phoneNumber: customer.phone, phoneDesc: customer.name });
    const sessionId = result.data?.sessionId ?? '';
    call = { sessionId, phone: customer.phone, customerId: customer.id, state: 'dialling' };
    noteSessionId = sessionId;
    render();
  } catch (failure) {
    notice(`${t('failed')}${/** @type {{ errorMsg?: string }} */ (failure).errorMsg ?? String(failure)}`);
  }
}

$('answer').addEventListener('click', () => {
  if (call) window.tccc.Call.accept({ sessionId: call.sessionId }).catch((failure) => notice(`${t('failed')}${failure.errorMsg}`));
});
$('hang-up').addEventListener('click', () => {
  if (call) window.tccc.Call.hungUp({ sessionId: call.sessionId }).catch((failure) => notice(`${t('failed')}${failure.errorMsg}`));
});

$('note-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!selected || !noteSessionId) return;
  const text = /** @type {HTMLTextAreaElement} */ ($('note-text')).value;
  const response = await api('POST', '/api/notes', { sessionId: noteSessionId, customerId: selected.id, text });
  $('note-saved').hidden = !response.ok;
  if (response.ok) await loadHistory();
});

// ── Customers and history ───────────────────────────────────────────────────

/** @param {string} customerId */
async function select(customerId) {
  const changed = selected?.id !== customerId;
  selected = customers.find((customer) => customer.id === customerId) ?? null;
  if (changed) {
    /** @type {HTMLTextAreaElement} */ ($('note-text')).value = '';
    $('note-saved').hidden = true;
  }
  render();
  await loadHistory();
}

/** @type {CallRecord[]} */
let history = [];

async function loadHistory() {
  if (!selected) return;
  const response = await api('GET', `/api/customers/${encodeURIComponent(selected.id)}/calls`);
  history = response.ok ? (await response.json()).calls : [];
  renderHistory();
}

/** A call's record is written as the call ends: look again a few times until it is there. @param {string} sessionId */
async function refreshHistoryUntil(sessionId) {
  for (let attempt = 0; attempt < 10; attempt++) {
    await loadHistory();
    if (!selected || history.some((record) => record.sessionId === sessionId)) return;
    await new Promise((resolve) => setTimeout(resolve, 500 * (attempt + 1)));
  }
}

$('refresh').addEventListener('click', () => void loadHistory());

/** @param {string} tag @param {string} [text] */
function element(tag, text = '') {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}

function render() {
  translatePage();
  $('lang').textContent = currentLang() === 'en' ? '中文' : 'English';
  showStatus($('agent-status').dataset.status ?? 'offline');
  const body = /** @type {HTMLTableSectionElement} */ (document.querySelector('#customers tbody'));
  body.replaceChildren(
    ...customers.map((customer) => {
      const row = document.createElement('tr');
      row.dataset.customerId = customer.id;
      row.className = customer.id === selected?.id ? 'selected' : '';
      const button = element('button', t('call'));
      button.className = 'call-button';
      button.addEventListener('click', (event) => {
        event.stopPropagation();
        void startCall(customer);
      });
      const action = element('td');
      action.append(button);
      row.append(element('td', customer.name), element('td', customer.company), element('td', displayPhone(customer.phone)), action);
      row.addEventListener('click', () => void select(customer.id));
      return row;
    }),
  );

  const banner = $('call-banner');
  banner.hidden = !call;
  if (call) {
    const customer = customers.find((c) => c.id === call?.customerId);
    banner.dataset.state = call.state;
    banner.dataset.sessionId = call.sessionId;
    $('call-state').textContent = t({ ringing: 'incoming', dialling: 'dialling', talking: 'inCall', ended: 'callEnded' }[call.state]);
    $('call-peer').textContent = customer ? `${customer.name} · ${displayPhone(call.phone)}` : `${t('unknownCaller')} ${displayPhone(call.phone)}`;
    $('answer').hidden = call.state !== 'ringing';
    $('hang-up').hidden = call.state === 'ended';
  }

  $('no-customer').hidden = Boolean(selected);
  $('customer').hidden = !selected;
  if (selected) {
    $('customer-name').textContent = selected.name;
    $('customer-company').textContent = selected.company;
    $('customer-phone').textContent = displayPhone(selected.phone);
    $('customer-level').textContent = selected.level;
    const noteCall = call?.customerId === selected.id ? call : null;
    $('note-form').hidden = !noteCall;
    $('note-session').textContent = noteCall ? `${t('notesFor')} ${noteCall.sessionId.slice(0, 8)}` : '';
  }
  renderHistory();
}

function renderHistory() {
  const body = /** @type {HTMLTableSectionElement} */ (document.querySelector('#history tbody'));
  $('no-calls').hidden = history.length > 0;
  body.replaceChildren(
    ...history.map((record) => {
      const row = document.createElement('tr');
      row.dataset.sessionId = record.sessionId;
      const when = new Date(record.startedAt * 1000).toLocaleString(currentLang());
      const recording = element('td');
      if (record.recordUrl) {
        const audio = document.createElement('audio');
        audio.controls = true;
        audio.preload = 'none';
        audio.src = record.recordUrl;
        recording.append(audio);
      }
      row.append(element('td', when), element('td', t(record.direction)), element('td', `${record.duration} s`), element('td', t(`end.${record.endStatus}`).replace(/^end\./, '')), element('td', record.agent), recording, element('td', record.note));
      return row;
    }),
  );
}

void boot();
