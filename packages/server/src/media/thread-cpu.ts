import { readFileSync } from 'node:fs';

/** Linux reports thread times in clock ticks; CLK_TCK is 100 on every mainstream kernel build. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system) of the calling thread in ms: process.threadCpuUsage on Node ≥ 23.9, /proc on Linux, else null. */
export function threadCpuMs(): number | null {
  const withThreadUsage = process as { threadCpuUsage?: () => { user: number; system: number } };
  if (typeof withThreadUsage.threadCpuUsage === 'function') {
    const usage = withThreadUsage.threadCpuUsage();
    return (usage.user + usage.system) / 1000;
  }
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
