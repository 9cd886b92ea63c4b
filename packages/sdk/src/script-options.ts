export interface ScriptOptions {
  /** OpenCCC's origin: where tccc.js was loaded from. */
  origin: string;
  token: string;
  sdkAppId: number;
  userId: string;
  showWorkbenchAtFirstLogin: boolean;
}

/** The script element that loaded tccc.js (the current one, else the last matching tag). */
export function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && /\/sdk\/v1\/tccc\.js/.test(current.src)) return current;
  const all = document.querySelectorAll<HTMLScriptElement>('script[src*="/sdk/v1/tccc.js"]');
  return all.length ? (all[all.length - 1] ?? null) : null;
}

/** Reads data attributes, falling back to `?sdkAppId=&token=&userid=` on the src. Returns an error message when incomplete. */
export function readOptions(script: HTMLScriptElement): ScriptOptions | string {
  const url = new URL(script.src, location.href);
  const q = url.searchParams;
  const data = script.dataset;
  const token = data['token'] ?? q.get('token') ?? '';
  const sdkAppIdText = data['sdkAppId'] ?? q.get('sdkAppId') ?? q.get('sdkappid') ?? '';
  const userId = data['userid'] ?? q.get('userid') ?? q.get('userId') ?? '';
  const missing = [!token && 'data-token', !sdkAppIdText && 'data-sdk-app-id', !userId && 'data-userid'].filter(Boolean);
  if (missing.length) return `The SDK script tag is missing ${missing.join(', ')}.`;
  const sdkAppId = Number(sdkAppIdText);
  if (!Number.isSafeInteger(sdkAppId)) return `data-sdk-app-id must be the numeric SdkAppId, not "${sdkAppIdText}".`;
  return {
    origin: url.origin,
    token,
    sdkAppId,
    userId,
    showWorkbenchAtFirstLogin: (data['showWorkBenchAtFirstLogin'] ?? 'true') !== 'false',
  };
}
