/**
 * The form OpenCCC stores instance numbers in: TCCC's `0086` followed by the
 * national number (without its trunk `0`). Input may carry spaces, dashes,
 * dots or brackets between digits.
 *
 * | input                          | stored            |
 * |--------------------------------|-------------------|
 * | `0086 10 8888 6666`            | `00861088886666`  |
 * | `+86 400-123-4567`             | `00864001234567`  |
 * | `8613800138000` (86 + 11 digits) | `008613800138000` |
 * | `010-88886666` (trunk 0)       | `00861088886666`  |
 * | `13800138000`, `95555`         | `0086…`           |
 *
 * Other countries' numbers (`+1…`, `0044…`) are refused: TCCC numbers are mainland China numbers.
 */

/** Shortest and longest national part: service numbers such as 95555 up to long virtual numbers. */
export const NATIONAL_DIGITS = { min: 5, max: 16 } as const;

export type NumberParse = { ok: true; number: string } | { ok: false; reason: { en: string; zh: string } };

/** Normalises a number to `0086…`, or says what is wrong with it. */
export function parseInstanceNumber(input: string): NumberParse {
  const compact = input.trim().replace(/[\s\-.()]/g, '');
  let national: string;
  if (compact.startsWith('+86')) national = compact.slice(3);
  else if (compact.startsWith('0086')) national = compact.slice(4);
  else if (compact.startsWith('+') || compact.startsWith('00')) return refuse(input, 'foreign');
  else if (/^86\d{11}$/.test(compact)) national = compact.slice(2);
  else if (compact.startsWith('0')) national = compact.slice(1);
  else national = compact;
  if (!/^\d+$/.test(national)) return refuse(input, 'digits');
  if (national.startsWith('0')) return refuse(input, 'digits');
  if (national.length < NATIONAL_DIGITS.min || national.length > NATIONAL_DIGITS.max) return refuse(input, 'length');
  return { ok: true, number: `0086${national}` };
}

function refuse(input: string, why: 'foreign' | 'digits' | 'length'): NumberParse {
  const shown = JSON.stringify(input);
  const reasons = {
    foreign: {
      en: `${shown} is not a mainland China number: OpenCCC numbers take the form 0086… (also accepted: +86…, 86 with an 11-digit mobile, or the national number).`,
      zh: `${shown} 不是中国大陆号码：OpenCCC 号码形如 0086…（也可写作 +86…、86 加 11 位手机号，或国内号码）。`,
    },
    digits: {
      en: `${shown} is not a phone number: give digits, optionally starting with +86 or 0086, e.g. 0086 400 123 4567.`,
      zh: `${shown} 不是电话号码：请填写数字，可以 +86 或 0086 开头，例如 0086 400 123 4567。`,
    },
    length: {
      en: `${shown} has a national part of the wrong length: after 0086 come ${NATIONAL_DIGITS.min} to ${NATIONAL_DIGITS.max} digits.`,
      zh: `${shown} 的国内号码长度不正确：0086 之后应有 ${NATIONAL_DIGITS.min} 到 ${NATIONAL_DIGITS.max} 位数字。`,
    },
  };
  return { ok: false, reason: reasons[why] };
}
