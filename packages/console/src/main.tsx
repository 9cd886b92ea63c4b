import { render } from 'preact';

render(<p>OpenCCC</p>, document.getElementById('app') as HTMLElement);
