import { describe, expect, it } from 'vitest';
import { readLaunch, sdkTestLink } from './launch.js';

const ORIGIN = 'http://127.0.0.1:8080';
const SDK_URL = `${ORIGIN}/sdk/v1/tccc.js`;
const TOKEN = '0123456789abcdef0123456789abcdef';

describe('the SDK test page link', () => {
  it('carries the token in the fragment and reads back what it was given', () => {
    const link = sdkTestLink({ token: TOKEN, sdkAppId: 1400000001, userId: 'li+lei@example.com', sdkUrl: SDK_URL, lang: 'en-US' });
    expect(link.startsWith('/console/sdk-test#')).toBe(true);
    expect(link.split('#')[0]).not.toContain(TOKEN);
    expect(readLaunch(link.slice(link.indexOf('#')), ORIGIN, SDK_URL)).toEqual({ token: TOKEN, sdkAppId: 1400000001, userId: 'li+lei@example.com', sdkUrl: SDK_URL, lang: 'en-US' });
  });

  it('loads no script but the SdkURL this server issues', () => {
    const launchWith = (sdkUrl: string, expected: string | null) => readLaunch(`#token=${TOKEN}&sdkAppId=1&userId=a&sdkUrl=${encodeURIComponent(sdkUrl)}`, ORIGIN, expected);
    expect(launchWith('https://evil.example/sdk/v1/tccc.js', SDK_URL)).toEqual({ problem: 'sdkUrl', lang: 'zh-CN' });
    expect(launchWith(`${ORIGIN}/other.js`, SDK_URL)).toEqual({ problem: 'sdkUrl', lang: 'zh-CN' });
    // Without the server's word (the development server): only the page's own origin and the SDK's path.
    expect(launchWith(SDK_URL, null)).toMatchObject({ sdkUrl: SDK_URL });
    expect(launchWith('https://evil.example/sdk/v1/tccc.js', null)).toEqual({ problem: 'sdkUrl', lang: 'zh-CN' });
    expect(launchWith(`${SDK_URL}?x=1`, null)).toEqual({ problem: 'sdkUrl', lang: 'zh-CN' });
    expect(launchWith('javascript:alert(1)', null)).toEqual({ problem: 'sdkUrl', lang: 'zh-CN' });
  });

  it('names what is missing or wrong', () => {
    expect(readLaunch('', ORIGIN, SDK_URL)).toEqual({ problem: 'missing', lang: 'zh-CN' });
    expect(readLaunch(`#token=xyz&sdkAppId=1&userId=a&sdkUrl=${SDK_URL}`, ORIGIN, SDK_URL)).toMatchObject({ problem: 'token' });
    expect(readLaunch(`#token=${TOKEN}&sdkAppId=1e3&userId=a&sdkUrl=${SDK_URL}`, ORIGIN, SDK_URL)).toMatchObject({ problem: 'sdkAppId' });
    expect(readLaunch(`#token=${TOKEN}&sdkAppId=1&sdkUrl=${SDK_URL}`, ORIGIN, SDK_URL)).toMatchObject({ problem: 'userId' });
  });
});
