import { useEffect, useState } from 'preact/hooks';
import { Ringtone, browserRingtoneDeps } from '../ringtone.js';

/**
 * Rings while `ringing`. Every click or key in the panel lets the browser start
 * audio; until one happens `blocked` says the ring cannot be heard.
 */
export function useRingtone(ringing: boolean, speaker: string): { blocked: boolean; enable: () => void } {
  const [blocked, setBlocked] = useState(false);
  const [tone] = useState(() => new Ringtone(browserRingtoneDeps(), setBlocked));

  useEffect(() => {
    const unlock = () => tone.unlock();
    document.addEventListener('pointerdown', unlock, true);
    document.addEventListener('keydown', unlock, true);
    return () => {
      document.removeEventListener('pointerdown', unlock, true);
      document.removeEventListener('keydown', unlock, true);
      tone.stop();
    };
  }, [tone]);

  useEffect(() => {
    if (ringing) tone.start();
    else tone.stop();
  }, [tone, ringing]);

  useEffect(() => tone.setSink(speaker), [tone, speaker]);

  return { blocked, enable: () => tone.unlock() };
}
