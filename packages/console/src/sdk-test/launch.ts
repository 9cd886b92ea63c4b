import type { Language } from '../i18n.js';

/**
 * What the SDK test page is opened with, read from its URL fragment: the fragment never reaches
 * the server, so the token stays out of its logs. The console builds the link with `sdkTestLink`.
 */
export interface SdkTestLaunch {
  token: string;
  sdkAppId: number;
  userId: string;
  sdkUrl: string;
  lang: Language;
}

export const SDK_TEST_PATH = '/console/sdk-test';
const SDK_PATH = '/sdk/v1/tccc.js';

/** The link the API Explorer opens after CreateSDKLoginToken. */
export function sdkTestLink(launch: SdkTestLaunch): string {
  const fragment = new URLSearchParams({
    token: launch.token,
    sdkAppId: String(launch.sdkAppId),
    userId: launch.userId,
    sdkUrl: launch.sdkUrl,
    lang: launch.lang,
  });
  return `${SDK_TEST_PATH}#${fragment.toString()}`;
}

export type LaunchProblem = 'missing' | 'token' | 'sdkAppId' | 'userId' | 'sdkUrl';

/**
 * Reads and checks the fragment. `expectedSdkUrl` is the SdkURL this server issues (the page is
 * served with it); without it (the development server), an SdkURL on the page's own origin is taken.
 * Only that script is ever loaded: a link cannot make this page run a script from elsewhere.
 */
export function readLaunch(hash: string, pageOrigin: string, expectedSdkUrl: string | null): SdkTestLaunch | { problem: LaunchProblem; lang: Language } {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const lang: Language = params.get('lang') === 'en-US' ? 'en-US' : 'zh-CN';
  const token = params.get('token') ?? '';
  const sdkAppIdText = params.get('sdkAppId') ?? '';
  const userId = params.get('userId') ?? '';
  const sdkUrl = params.get('sdkUrl') ?? '';
  if (!token && !sdkAppIdText && !userId && !sdkUrl) return { problem: 'missing', lang };
  if (!/^[0-9a-f]{32}$/.test(token)) return { problem: 'token', lang };
  if (!/^[1-9]\d{0,15}$/.test(sdkAppIdText) || !Number.isSafeInteger(Number(sdkAppIdText))) return { problem: 'sdkAppId', lang };
  if (!userId || userId.length > 128) return { problem: 'userId', lang };
  if (!isTrustedSdkUrl(sdkUrl, pageOrigin, expectedSdkUrl)) return { problem: 'sdkUrl', lang };
  return { token, sdkAppId: Number(sdkAppIdText), userId, sdkUrl, lang };
}

function isTrustedSdkUrl(sdkUrl: string, pageOrigin: string, expected: string | null): boolean {
  if (expected) return sdkUrl === expected;
  try {
    const url = new URL(sdkUrl);
    return url.origin === pageOrigin && url.pathname === SDK_PATH && !url.search && !url.hash;
  } catch {
    return false;
  }
}
