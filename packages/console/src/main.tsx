import { render } from 'preact';
import { ConsoleApi } from './api.js';
import { App } from './app.js';
import { initialLanguage, LANGUAGE_KEY, type Language } from './i18n.js';
import { ROUTES } from './routes.js';
import './styles.css';

function remembered(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

let language: Language = initialLanguage(location.search, remembered());
let signedOutTick = 0;
const api = new ConsoleApi({
  language: () => language,
  onUnauthenticated: () => {
    signedOutTick++;
    draw();
  },
});

const setLanguage = (next: Language) => {
  language = next;
  try {
    localStorage.setItem(LANGUAGE_KEY, next);
  } catch {
    // Storage may be disabled; the choice then lasts for this page.
  }
  draw();
};

function draw(): void {
  render(<App api={api} lang={language} onLanguage={setLanguage} signedOutTick={signedOutTick} routes={ROUTES} />, document.getElementById('app') as HTMLElement);
}
draw();
