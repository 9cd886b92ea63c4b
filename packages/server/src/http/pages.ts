import { ADMIN_MAIL } from '../bootstrap.js';

/** Minimal server-rendered pages (landing, console link, error pages); text in zh-CN with English alongside. */
export function page(title: string, body: string, lang: 'zh-CN' | 'en' = 'zh-CN'): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328;line-height:1.6}
code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:2rem}.en{color:#57606a}</style></head>
<body>${body}</body></html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface LandingOptions {
  /** The public base URL, shown as the Cloud API endpoint. */
  publicUrl: string;
  /** Whether the virtual phone network, and so the web phone at `/phone`, is on. */
  webPhone: boolean;
}

/** `GET /` in a browser: where to go next, and what the first-run administrator account is for. */
export function landingPage({ publicUrl, webPhone }: LandingOptions): string {
  const url = escapeHtml(publicUrl);
  const phone = webPhone
    ? `<li><a href="/phone">网页电话</a>：用虚拟号码拨打热线，测试来电。<br><span class="en"><a href="/phone">Web phone</a>: call a hotline from a virtual number to test inbound calls.</span></li>`
    : '';
  return page(
    'OpenCCC',
    `<h1>OpenCCC 正在运行</h1>
<p class="en">OpenCCC is running.</p>
<ul>
<li><a href="/console/">管理控制台</a>：管理员管理坐席、技能组、号码和通话记录。<br><span class="en"><a href="/console/">Admin console</a>: administrators manage staff, skill groups, numbers and call records.</span></li>
<li><a href="/workbench/">坐席工作台</a>：坐席用邮箱和密码登录，接打电话。<br><span class="en"><a href="/workbench/">Agent workbench</a>: agents sign in with email and password to take and place calls.</span></li>
${phone}</ul>
<h2>管理员账号 <span class="en">/ Administrator account</span></h2>
<p>首次运行时，<code>npm start</code>（或 <code>openccc init</code>）会打印一次管理员账号 <code>${ADMIN_MAIL}</code> 及其密码：用它以管理员身份登录<a href="/console/">管理控制台</a>。密码只显示这一次。遗失后，在服务器上运行
<code>npm run -s openccc -- staff reset-password ${ADMIN_MAIL}</code> 生成新密码（有多个实例时加 <code>--instance SdkAppId</code>）。</p>
<p class="en">On the first run, <code>npm start</code> (or <code>openccc init</code>) prints the administrator account <code>${ADMIN_MAIL}</code> and its password once: use them to sign in to the <a href="/console/">console</a> as administrator. If the password is lost, run <code>npm run -s openccc -- staff reset-password ${ADMIN_MAIL}</code> on the server to generate a new one (add <code>--instance SdkAppId</code> when there are several instances).</p>
<h2>开发者 <span class="en">/ Developers</span></h2>
<p>云 API 地址 / Cloud API endpoint: <code>${url}/</code>（TC3-HMAC-SHA256，服务 <code>ccc</code>，版本 <code>2020-02-10</code>）</p>
<p>健康检查 / Health: <a href="/healthz"><code>/healthz</code></a> · 指标 / Metrics: <a href="/metrics"><code>/metrics</code></a></p>`,
  );
}

export type PageLanguage = 'zh-CN' | 'en';

/**
 * The language of an error page from `Accept-Language`: Chinese when the most preferred
 * language is Chinese, English otherwise (and without the header).
 */
export function pageLanguage(acceptLanguage: string | undefined): PageLanguage {
  let best = { q: 0, zh: false };
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    // Ties keep the first: the header's order is the user's order.
    if (tag && Number.isFinite(q) && q > best.q) best = { q, zh: /^zh(-|$)/i.test(tag) };
  }
  return best.zh ? 'zh-CN' : 'en';
}

/** At most this many characters of an unknown path are shown back (escaped). */
const SHOWN_PATH_CHARS = 120;

/** The 404 page of a browser route, in the reader's language, with a link home. */
export function notFoundPage(language: PageLanguage, path: string): string {
  const shown = escapeHtml(path.length > SHOWN_PATH_CHARS ? `${path.slice(0, SHOWN_PATH_CHARS)}…` : path);
  return language === 'zh-CN'
    ? page(
        '页面不存在 · OpenCCC',
        `<h1>页面不存在</h1>
<p>OpenCCC 上没有 <code>${shown}</code> 这个页面。</p>
<p><a href="/">返回首页</a>，从那里进入管理控制台和坐席工作台。</p>`,
        'zh-CN',
      )
    : page(
        'Page not found · OpenCCC',
        `<h1>Page not found</h1>
<p>OpenCCC has no page at <code>${shown}</code>.</p>
<p><a href="/">Go to the home page</a> for the console and the agent workbench.</p>`,
        'en',
      );
}
