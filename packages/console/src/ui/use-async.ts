import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again (e.g. after a change, or the retry button). */
  reload: () => void;
}

/**
 * Runs `load` when `deps` change and on `reload()`; only the latest run's answer is kept, so a slow
 * earlier request never overwrites a newer one.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  useEffect(() => {
    const mine = ++run.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => {
        if (run.current === mine) setState({ data, error: null, loading: false });
      },
      (error: unknown) => {
        if (run.current === mine) setState((s) => ({ ...s, error, loading: false }));
      },
    );
    // The caller lists what the load depends on.
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}
