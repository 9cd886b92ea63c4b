/** A unix time (seconds) as `YYYY-MM-DD HH:mm:ss` in the browser's time zone; empty for 0. */
export function formatTime(seconds: number): string {
  if (!seconds) return '';
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Only the clock part, `HH:mm:ss`, for times within a call whose date is shown once. */
export function formatClock(seconds: number): string {
  return formatTime(seconds).slice(11);
}

/** Seconds as `m:ss`, or `h:mm:ss` from an hour on. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(rest)}` : `${m}:${pad(rest)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
