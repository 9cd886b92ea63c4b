/**
 * The SDK's host-page chrome: a floating button and a movable, collapsible
 * panel holding the workbench iframe. Styled through CSSOM only, so pages with
 * a strict style-src CSP still render it.
 */
const Z = '2147483000';
export type UiLanguage = 'zh-CN' | 'en-US';

const TEXT = {
  'zh-CN': {
    title: '坐席工作台',
    collapse: '收起',
    open: '打开坐席工作台',
    frame: 'OpenCCC 坐席工作台',
    refused: (origin: string) => `此页面（${origin}）未获准嵌入坐席工作台，因此无法在这里登录。请联系管理员，将 ${origin} 加入 OpenCCC 允许嵌入的来源。`,
  },
  'en-US': {
    title: 'Agent workbench',
    collapse: 'Collapse',
    open: 'Open the agent workbench',
    frame: 'OpenCCC agent workbench',
    refused: (origin: string) => `This page (${origin}) is not allowed to embed the agent workbench, so you cannot sign in here. Ask your administrator to add ${origin} to the origins OpenCCC allows.`,
  },
} as const;

/** The language of the host page (its lang attribute, else the browser's): English when it says so, Chinese otherwise. */
export function hostLanguage(): UiLanguage {
  return /^en\b/i.test(document.documentElement.lang || navigator.language || '') ? 'en-US' : 'zh-CN';
}

/** The workbench iframe the panel holds. */
export function workbenchFrame(src: string): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.src = src;
  frame.setAttribute('data-openccc', 'frame');
  frame.setAttribute('allow', 'microphone; autoplay');
  frame.style.cssText = 'flex:1;width:100%;border:0;background:#fff';
  return frame;
}

/** What the panel holds instead of the workbench when this page may not embed it: the reason, for the agent. */
export function refusalNotice(language: UiLanguage, origin: string): HTMLDivElement {
  const notice = document.createElement('div');
  notice.setAttribute('data-openccc', 'notice');
  notice.setAttribute('role', 'alert');
  notice.lang = language;
  notice.textContent = TEXT[language].refused(origin);
  notice.style.cssText = 'margin:16px;padding:12px 14px;border-radius:6px;background:#fff1f0;border-left:4px solid #d54941;color:#1d2129;font-size:14px;line-height:1.6;overflow-wrap:anywhere';
  return notice;
}

export class WorkbenchUi {
  /** The workbench iframe; null when the panel shows a notice instead. */
  readonly frame: HTMLIFrameElement | null;
  private readonly root: HTMLDivElement;
  private readonly button: HTMLButtonElement;
  private readonly panel: HTMLDivElement;
  private readonly title: HTMLSpanElement;
  private readonly collapse: HTMLButtonElement;
  private hidden = false;
  private buttonVisible = true;
  private panelVisible: boolean;

  constructor(content: HTMLIFrameElement | HTMLDivElement, showPanel: boolean) {
    this.frame = content instanceof HTMLIFrameElement ? content : null;
    this.panelVisible = showPanel;
    this.root = document.createElement('div');
    this.root.id = 'openccc-tccc';
    this.root.setAttribute('data-openccc', 'root');

    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.setAttribute('data-openccc', 'float-button');
    this.button.style.cssText = `position:fixed;right:24px;bottom:24px;width:52px;height:52px;border-radius:50%;border:0;background:#0052d9;color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer;z-index:${Z};display:flex;align-items:center;justify-content:center;padding:0`;
    this.button.innerHTML =
      '<svg width="24" height="24" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1z"/></svg>';
    this.button.addEventListener('click', () => this.setPanel(!this.panelVisible));

    this.panel = document.createElement('div');
    this.panel.id = 'openccc-tccc-panel';
    this.panel.setAttribute('data-openccc', 'panel');
    this.panel.setAttribute('role', 'region');
    this.button.setAttribute('aria-controls', this.panel.id);
    this.panel.style.cssText = `position:fixed;right:min(24px,2vw);bottom:88px;width:min(380px,calc(100vw - 16px));height:min(640px,calc(100vh - 112px));background:#fff;border-radius:10px;box-shadow:0 10px 32px rgba(0,0,0,.22);z-index:${Z};display:flex;flex-direction:column;overflow:hidden;font:13px/1.4 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif`;

    const header = document.createElement('div');
    header.setAttribute('data-openccc', 'drag-handle');
    header.style.cssText = 'height:30px;flex:none;display:flex;align-items:center;justify-content:space-between;padding:0 6px 0 12px;background:#f3f5f8;color:#1d2129;cursor:move;user-select:none;touch-action:none';
    this.title = document.createElement('span');
    this.collapse = document.createElement('button');
    this.collapse.type = 'button';
    this.collapse.setAttribute('data-openccc', 'collapse');
    this.collapse.textContent = '—';
    this.collapse.style.cssText = 'border:0;background:transparent;cursor:pointer;font-size:14px;width:26px;height:26px;color:#4e5969';
    this.collapse.addEventListener('click', () => this.setPanel(false));
    header.append(this.title, this.collapse);

    this.panel.append(header, content);
    this.root.append(this.panel, this.button);
    this.makeDraggable(header);
    this.setLanguage('zh-CN');
    this.render();
  }

  mount(): void {
    (document.body ?? document.documentElement).appendChild(this.root);
  }

  remove(): void {
    window.removeEventListener('resize', this.onResize);
    this.root.remove();
  }

  setLanguage(language: UiLanguage): void {
    const t = TEXT[language];
    this.title.textContent = t.title;
    this.collapse.title = t.collapse;
    this.collapse.setAttribute('aria-label', t.collapse);
    this.button.title = t.open;
    this.button.setAttribute('aria-label', t.open);
    this.panel.setAttribute('aria-label', t.title);
    if (this.frame) this.frame.title = t.frame;
  }

  hide(): void {
    this.hidden = true;
    this.render();
  }

  show(): void {
    this.hidden = false;
    this.render();
  }

  setFloatButton(visible: boolean): void {
    this.buttonVisible = visible;
    this.render();
  }

  setPanel(visible: boolean): void {
    this.panelVisible = visible;
    this.render();
  }

  private render(): void {
    // The iframe stays loaded while hidden so the session and audio continue.
    this.root.style.display = this.hidden ? 'none' : '';
    this.button.style.display = this.buttonVisible ? 'flex' : 'none';
    this.button.setAttribute('aria-expanded', String(this.panelVisible));
    this.panel.style.visibility = this.panelVisible ? 'visible' : 'hidden';
    this.panel.style.pointerEvents = this.panelVisible ? 'auto' : 'none';
  }

  /** Places the panel's top-left corner, kept inside the viewport (at least its title bar stays reachable). */
  private moveTo(left: number, top: number): void {
    const width = this.panel.getBoundingClientRect().width;
    this.panel.style.left = `${Math.min(Math.max(0, left), Math.max(0, innerWidth - width))}px`;
    this.panel.style.top = `${Math.min(Math.max(0, top), Math.max(0, innerHeight - 30))}px`;
    this.panel.style.right = 'auto';
    this.panel.style.bottom = 'auto';
  }

  private makeDraggable(handle: HTMLElement): void {
    handle.addEventListener('pointerdown', (down: PointerEvent) => {
      if (down.target !== handle && down.target !== this.title) return;
      const rect = this.panel.getBoundingClientRect();
      const dx = down.clientX - rect.left;
      const dy = down.clientY - rect.top;
      handle.setPointerCapture(down.pointerId);
      if (this.frame) this.frame.style.pointerEvents = 'none';
      const move = (e: PointerEvent) => this.moveTo(e.clientX - dx, e.clientY - dy);
      const up = () => {
        if (this.frame) this.frame.style.pointerEvents = '';
        handle.removeEventListener('pointermove', move);
        handle.removeEventListener('pointerup', up);
      };
      handle.addEventListener('pointermove', move);
      handle.addEventListener('pointerup', up);
    });
    // Keyboard users move the focused title bar with the arrow keys (Shift for bigger steps).
    handle.tabIndex = 0;
    handle.addEventListener('keydown', (e: KeyboardEvent) => {
      const step = e.shiftKey ? 50 : 10;
      const delta = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
      if (!delta || e.target !== handle) return;
      e.preventDefault();
      const rect = this.panel.getBoundingClientRect();
      this.moveTo(rect.left + (delta[0] ?? 0), rect.top + (delta[1] ?? 0));
    });
    window.addEventListener('resize', this.onResize);
  }

  /** A panel that was moved stays on screen when the window shrinks. */
  private readonly onResize = () => {
    if (this.panel.style.left) {
      const rect = this.panel.getBoundingClientRect();
      this.moveTo(rect.left, rect.top);
    }
  };
}
