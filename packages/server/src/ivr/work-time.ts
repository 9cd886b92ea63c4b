import type { IvrWorkTime } from '@openccc/protocol';

/** A moment as a wall clock in some time zone shows it. */
export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // h23: midnight is 00, never 24, whatever the platform's locale data says.
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Where `atMs` (unix ms) falls on the calendar and clock of `timeZone`, daylight saving included. */
export function localTime(timeZone: string, atMs: number): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(atMs)) parts[part.type] = part.value;
  const weekday = WEEKDAYS[parts.weekday ?? ''];
  if (weekday === undefined) throw new Error(`Intl gave an unexpected weekday "${parts.weekday}" for ${timeZone}.`);
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

function toMinutes(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

/** Whether a schedule is open at `atMs`: not a holiday, and inside a weekly range (`from` included, `to` not). */
export function isWorkTime(schedule: IvrWorkTime, atMs: number): boolean {
  const local = localTime(schedule.timeZone, atMs);
  if (schedule.holidays?.includes(local.date)) return false;
  return schedule.weekly.some((range) => range.days.includes(local.weekday) && toMinutes(range.from) <= local.minutes && local.minutes < toMinutes(range.to));
}
