import { useEffect, useState } from 'preact/hooks';

/** The current time, refreshed every `everyMs` while `active` (timers and countdowns). */
export function useNow(active = true, everyMs = 500): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [active, everyMs]);
  return now;
}
