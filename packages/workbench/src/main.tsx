import { render } from 'preact';
import { App } from './app.js';
import { readConfig } from './config.js';
import { listenForHost } from './host-bridge.js';
import { Session } from './session.js';
import './styles.css';

const config = readConfig();
const session = new Session(config.embedded);
let refusedOrigin: string | null = null;

if (config.embedded) {
  listenForHost(session, config, (origin) => {
    refusedOrigin = origin;
    draw();
  });
} else {
  session.resumeStandalone();
}

function draw(): void {
  render(<App session={session} refusedOrigin={refusedOrigin} />, document.getElementById('app') as HTMLElement);
}
draw();
