import { useEffect, useState } from 'preact/hooks';

const listeners = new Set<(now: number) => void>();
let timer: number | undefined;

/**
 * The page's clock, ticking once a second through one shared timer: every duration on the page
 * moves in the same render pass, and nothing ticks once no component listens.
 */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    listeners.add(setNow);
    timer ??= window.setInterval(() => {
      const at = Date.now();
      for (const listener of listeners) listener(at);
    }, 1000);
    return () => {
      listeners.delete(setNow);
      if (listeners.size === 0) {
        window.clearInterval(timer);
        timer = undefined;
      }
    };
  }, []);
  return now;
}
