import { useEffect, useRef } from 'preact/hooks';

/** Calls `onGesture` on every click or key press in the workbench: the moments a browser lets audio start. */
export function useGesture(onGesture: () => void): void {
  const latest = useRef(onGesture);
  latest.current = onGesture;
  useEffect(() => {
    const handler = () => latest.current();
    document.addEventListener('pointerdown', handler, true);
    document.addEventListener('keydown', handler, true);
    return () => {
      document.removeEventListener('pointerdown', handler, true);
      document.removeEventListener('keydown', handler, true);
    };
  }, []);
}
