/** Minimal server-rendered pages (landing, console link); text in zh-CN with English alongside. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2328;line-height:1.6}
code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}h1{font-size:1.5rem}.en{color:#57606a}</style></head>
<body>${body}</body></html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function landingPage(publicUrl: string): string {
  const url = escapeHtml(publicUrl);
  return page(
    'OpenCCC',
    `<h1>OpenCCC 正在运行</h1>
<p class="en">OpenCCC is running.</p>
<p>云 API 地址 / Cloud API endpoint: <code>${url}/</code>（TC3-HMAC-SHA256，服务 <code>ccc</code>，版本 <code>2020-02-10</code>）</p>
<p>坐席工作台 / Agent workbench: <a href="/workbench/"><code>/workbench/</code></a> · 网页电话（虚拟号码拨打热线）/ Web phone (call a hotline from a virtual number): <a href="/phone"><code>/phone</code></a></p>
<p>健康检查 / Health: <a href="/healthz"><code>/healthz</code></a> · 指标 / Metrics: <a href="/metrics"><code>/metrics</code></a></p>`,
  );
}
