/**
 * Toll-fraud rules for calls the gateway places to carriers: which destinations an extension or
 * agent may dial. Numbers and prefixes are compared in international form without the `+` or
 * `00` (E.164 digits), so `+86…`, `0086…` (OpenCCC's stored form, see `numbers/number-format.ts`)
 * and `86…` are the same number. A national number without its country code must be normalised
 * first (`parseInstanceNumber` does it for China); otherwise it is read as starting with a
 * country code, and the default plan refuses it.
 */

export { ConcurrencyCaps } from './concurrency-caps.js';

export interface DialPlan {
  /** Prefixes that may be dialled, e.g. `86`, `0086`, `+1`; `''` allows every number. */
  allow: string[];
  /** Prefixes that are refused even when an allow prefix matches. */
  deny: string[];
}

export type DialPlanCheck = { ok: true } | { ok: false; reason: 'denied' | 'notAllowed' };

/**
 * The plan when none is configured: mainland China (country code 86) only, as OpenCCC numbers
 * are. The deny list matters once an operator widens `allow`: the international premium-rate
 * service (979), global satellite and international networks (870 Inmarsat, 881, 882, 883),
 * favourites of international revenue-share fraud, and no use to a contact center.
 */
export const DEFAULT_DIAL_PLAN: Readonly<DialPlan> = Object.freeze({
  allow: ['86'],
  deny: ['979', '870', '881', '882', '883'],
});

/** Checks a dialled number against a plan: deny wins over allow, and a number no allow prefix matches is refused. */
export function checkDialPlan(plan: DialPlan, number: string): DialPlanCheck {
  const digits = internationalDigits(number);
  if (digits === null || digits === '') return { ok: false, reason: 'notAllowed' };
  if (plan.deny.some((prefix) => matches(digits, prefix))) return { ok: false, reason: 'denied' };
  return plan.allow.some((prefix) => matches(digits, prefix)) ? { ok: true } : { ok: false, reason: 'notAllowed' };
}

function matches(digits: string, prefix: string): boolean {
  const normalised = internationalDigits(prefix);
  return normalised !== null && digits.startsWith(normalised);
}

/** `+86 10-8888 6666` → `861088886666`; null when anything but digits and separators remains. */
function internationalDigits(text: string): string | null {
  const compact = text.trim().replace(/[\s\-.()]/g, '');
  const digits = compact.startsWith('+') ? compact.slice(1) : compact.startsWith('00') ? compact.slice(2) : compact;
  return /^\d*$/.test(digits) ? digits : null;
}
