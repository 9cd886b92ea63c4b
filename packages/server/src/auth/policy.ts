import type { ApiKeyPolicy } from '../store/ports.js';

/** `Describe*` matches every action starting with `Describe`; `*` matches all. */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return action.startsWith(pattern.slice(0, -1));
  return pattern === action;
}

/** Whether a key with this policy (null: main-account key) may call `action`. */
export function allowsAction(policy: ApiKeyPolicy | null, action: string): boolean {
  return policy === null || policy.actions.some((pattern) => actionMatches(pattern, action));
}

/** Whether a key with this policy may act on instance `sdkAppId`. */
export function allowsInstance(policy: ApiKeyPolicy | null, sdkAppId: number): boolean {
  return policy === null || policy.sdkAppIds === null || policy.sdkAppIds.includes(sdkAppId);
}

const ACTION_PATTERN = /^(\*|[A-Z][A-Za-z]*\*?)$/;

/** Checks a policy given on the command line; returns an error message or null. */
export function checkActionPatterns(patterns: string[]): string | null {
  const bad = patterns.find((p) => !ACTION_PATTERN.test(p));
  return bad === undefined ? null : `"${bad}" is not an action name or pattern (e.g. CreateSDKLoginToken, Describe*, *).`;
}
