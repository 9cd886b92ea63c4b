import { render } from 'preact';
import { App } from './app.js';
import { CallAudio, browserAudioDeps, webrtcSupported } from './call-audio.js';
import { initialLanguage, type Language } from './i18n.js';
import { Phone, phoneUrlFor } from './phone.js';
import { LANGUAGE_KEY, browserMemory, rememberedNumber, wasOnline } from './phone-number.js';
import { Ringer } from './ringer.js';
import { PHONE_PATH } from './wire.js';
import './styles.css';

const memory = browserMemory();
const ringer = new Ringer();
const audioDeps = browserAudioDeps();
const now = () => Date.now();
/** A call id; crypto.randomUUID needs a secure context, getRandomValues does not. */
const newId = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
const phone = new Phone(
  {
    url: phoneUrlFor(location, PHONE_PATH),
    openSocket: (url) => new WebSocket(url),
    openAudio: (onChange) => CallAudio.open(audioDeps, onChange),
    ringer,
    memory,
    now,
    newId,
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
  },
  rememberedNumber(memory),
);

// Browsers allow sound only after the page was used: every click or key unlocks the ring.
for (const type of ['pointerdown', 'keydown', 'touchstart'] as const) {
  document.addEventListener(type, () => ringer.unlock(), { capture: true, passive: true });
}

let language: Language = initialLanguage(location.search, memory.get(LANGUAGE_KEY));
const setLanguage = (next: Language) => {
  language = next;
  memory.set(LANGUAGE_KEY, next);
  draw();
};

function draw(): void {
  render(<App phone={phone} language={language} onLanguage={setLanguage} now={now} webrtc={webrtcSupported()} />, document.getElementById('app') as HTMLElement);
}
draw();

// Connected when last here: connect again, so calls to this number reach the page.
if (wasOnline(memory)) phone.connect();
