import { parseIvrFlow, type IvrWorkTime } from '@openccc/protocol';
import { describe, expect, it } from 'vitest';
import { isWorkTime, localTime } from './work-time.js';

function schedule(workTime: Record<string, unknown>): IvrWorkTime {
  const flow = parseIvrFlow({ version: 1, start: 'end', workTime: { closedPrompts: [], ...workTime }, nodes: { end: { kind: 'hangup' } } });
  return flow.workTime as IvrWorkTime;
}

const shanghai = schedule({
  timeZone: 'Asia/Shanghai',
  weekly: [
    { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' },
    { days: [6], from: '10:00', to: '12:00' },
  ],
  holidays: ['2026-10-01'],
});

/** A wall-clock time in Shanghai (UTC+8, no daylight saving) as unix ms. */
function cst(year: number, month: number, day: number, hour: number, minute = 0, second = 0): number {
  return Date.UTC(year, month - 1, day, hour - 8, minute, second);
}

describe('localTime', () => {
  it('reads the calendar and clock of the zone, midnight as 00:00', () => {
    expect(localTime('Asia/Shanghai', cst(2026, 11, 30, 0, 0))).toEqual({ date: '2026-11-30', weekday: 1, minutes: 0 });
    expect(localTime('Asia/Shanghai', cst(2026, 12, 6, 23, 59))).toEqual({ date: '2026-12-06', weekday: 7, minutes: 23 * 60 + 59 });
    expect(localTime('UTC', Date.UTC(2026, 11, 5, 23, 30))).toEqual({ date: '2026-12-05', weekday: 6, minutes: 23 * 60 + 30 });
  });
});

describe('isWorkTime', () => {
  it('is open from `from` (included) to `to` (excluded), to the minute', () => {
    expect(isWorkTime(shanghai, cst(2026, 11, 30, 8, 59, 59))).toBe(false);
    expect(isWorkTime(shanghai, cst(2026, 11, 30, 9, 0, 0))).toBe(true);
    expect(isWorkTime(shanghai, cst(2026, 11, 30, 17, 59, 59))).toBe(true);
    expect(isWorkTime(shanghai, cst(2026, 11, 30, 18, 0, 0))).toBe(false);
  });

  it('follows the weekday of the zone, not of UTC', () => {
    // Friday 12:00 UTC is Friday 20:00 in Shanghai: closed, where a UTC reading would say open.
    expect(isWorkTime(shanghai, Date.UTC(2026, 11, 4, 12, 0))).toBe(false);
    // Sunday 18:00 UTC is already Monday 02:00 there (still closed); Monday 01:30 UTC is Monday 09:30 there (open).
    expect(isWorkTime(shanghai, Date.UTC(2026, 11, 6, 18, 0))).toBe(false);
    expect(isWorkTime(shanghai, Date.UTC(2026, 11, 7, 1, 30))).toBe(true);
    // Saturday 10:30 in Shanghai (Saturday's own range) is 02:30 UTC; Sunday has no range.
    expect(isWorkTime(shanghai, cst(2026, 12, 5, 10, 30))).toBe(true);
    expect(isWorkTime(shanghai, cst(2026, 12, 5, 12, 0))).toBe(false);
    expect(isWorkTime(shanghai, cst(2026, 12, 6, 10, 30))).toBe(false);
  });

  it('is closed all day on a holiday of the zone', () => {
    expect(isWorkTime(shanghai, cst(2026, 10, 1, 10, 0))).toBe(false);
    expect(isWorkTime(shanghai, cst(2026, 10, 2, 10, 0))).toBe(true);
    // 1 October 00:30 in Shanghai is still 30 September in UTC.
    const zeroThirty = schedule({ timeZone: 'Asia/Shanghai', weekly: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }], holidays: ['2026-10-01'] });
    expect(isWorkTime(zeroThirty, cst(2026, 10, 1, 0, 30))).toBe(false);
    expect(isWorkTime(zeroThirty, cst(2026, 9, 30, 23, 59))).toBe(true);
  });

  it('takes 24:00 as the end of the day and joins ranges across midnight written as two', () => {
    const nights = schedule({
      timeZone: 'Asia/Shanghai',
      weekly: [
        { days: [5], from: '22:00', to: '24:00' },
        { days: [6], from: '00:00', to: '06:00' },
      ],
    });
    expect(isWorkTime(nights, cst(2026, 12, 4, 23, 59, 59))).toBe(true);
    expect(isWorkTime(nights, cst(2026, 12, 5, 0, 0))).toBe(true);
    expect(isWorkTime(nights, cst(2026, 12, 5, 6, 0))).toBe(false);
    expect(isWorkTime(nights, cst(2026, 12, 4, 21, 59))).toBe(false);
  });

  it('follows daylight saving in zones that have it', () => {
    const newYork = schedule({ timeZone: 'America/New_York', weekly: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }] });
    // Before 8 March 2026 New York is UTC-5, after it UTC-4: 09:00 local moves from 14:00 to 13:00 UTC.
    expect(isWorkTime(newYork, Date.UTC(2026, 2, 6, 13, 30))).toBe(false);
    expect(isWorkTime(newYork, Date.UTC(2026, 2, 6, 14, 0))).toBe(true);
    expect(isWorkTime(newYork, Date.UTC(2026, 2, 9, 13, 0))).toBe(true);
    expect(isWorkTime(newYork, Date.UTC(2026, 2, 9, 12, 59))).toBe(false);
  });
});
