/** Virtual numbers: a random default, what may be dialled, how numbers are shown, and what the page remembers. */

/** What the network accepts: digits with an optional leading `+`, 3 to 32 characters. */
const DIALABLE = /^\+?\d{3,31}$/;

/** A random virtual mobile number, `0086139` and eight digits. */
export function randomNumber(random: () => number = Math.random): string {
  let digits = '';
  for (let i = 0; i < 8; i++) digits += String(Math.floor(random() * 10) % 10);
  return `0086139${digits}`;
}

/** Keeps what a number can hold: digits and a leading `+` (spaces, dashes, dots and brackets go). */
export function cleanNumber(value: string): string {
  const kept = value.replace(/[^\d+]/g, '');
  return kept.startsWith('+') ? `+${kept.slice(1).replace(/\+/g, '')}` : kept.replace(/\+/g, '');
}

export function isDialable(value: string): boolean {
  return DIALABLE.test(value);
}

/** Groups a number for reading: `0086 139 1234 5678`, `0086 10 8888 6666`, `400 123 4567`. */
export function formatNumber(value: string): string {
  const mobile = /^0086(1\d{2})(\d{4})(\d{4})$/.exec(value);
  if (mobile) return `0086 ${mobile[1]} ${mobile[2]} ${mobile[3]}`;
  const national = /^0086(\d+)$/.exec(value);
  if (national) return `0086 ${groupRest(national[1] as string)}`;
  if (/^\d{7,}$/.test(value)) return groupRest(value);
  return value;
}

function groupRest(digits: string): string {
  // Hotlines (400/800) as 3-3-4; others in fours from the end, the remainder first.
  const hotline = /^([48]00)(\d{3})(\d{4})$/.exec(digits);
  if (hotline) return `${hotline[1]} ${hotline[2]} ${hotline[3]}`;
  const head = digits.length % 4 || 4;
  const groups = [digits.slice(0, head)];
  for (let i = head; i < digits.length; i += 4) groups.push(digits.slice(i, i + 4));
  return groups.join(' ');
}

/** The page's memory: its number, its language, whether it was connected. */
export interface Memory {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

const KEYS = { number: 'openccc.phone.number', language: 'openccc.phone.language', online: 'openccc.phone.online' } as const;

/** localStorage, or nothing when the browser refuses it (private windows, disabled storage). */
export function browserMemory(): Memory {
  return {
    get(key) {
      try {
        return globalThis.localStorage?.getItem(key) ?? null;
      } catch {
        return null;
      }
    },
    set(key, value) {
      try {
        globalThis.localStorage?.setItem(key, value);
      } catch {
        // Not remembered; the page still works.
      }
    },
  };
}

/** The remembered number, or a new random one (remembered at once, so a reload keeps it). */
export function rememberedNumber(memory: Memory, random: () => number = Math.random): string {
  const stored = memory.get(KEYS.number);
  if (stored && isDialable(stored)) return stored;
  const number = randomNumber(random);
  memory.set(KEYS.number, number);
  return number;
}

export function rememberNumber(memory: Memory, number: string): void {
  memory.set(KEYS.number, number);
}

/** Whether the page was connected when last left, so a reload connects again. */
export function wasOnline(memory: Memory): boolean {
  return memory.get(KEYS.online) === '1';
}

export function rememberOnline(memory: Memory, online: boolean): void {
  memory.set(KEYS.online, online ? '1' : '0');
}

export const LANGUAGE_KEY = KEYS.language;
