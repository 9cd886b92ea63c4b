import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface ActionError {
  code: string;
  message: string;
}

/** Normalises anything a `session.call` rejects with into `{code, message}` (SessionError has both). */
export function toActionError(error: unknown): ActionError {
  if (error && typeof error === 'object' && 'code' in error) {
    const { code, message } = error as { code: unknown; message?: unknown };
    return { code: String(code), message: typeof message === 'string' ? message : '' };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** One async action at a time, with its pending flag and last failure. */
export function useAction() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ActionError | null>(null);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const run = useCallback(async (work: () => Promise<unknown>): Promise<boolean> => {
    setPending(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (e) {
      if (mounted.current) setError(toActionError(e));
      return false;
    } finally {
      if (mounted.current) setPending(false);
    }
  }, []);
  const clear = useCallback(() => setError(null), []);
  return { pending, error, run, clear };
}
