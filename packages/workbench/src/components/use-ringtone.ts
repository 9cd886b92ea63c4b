import { useEffect, useState } from 'preact/hooks';
import { Ringtone, browserRingtoneDeps } from '../ringtone.js';

/**
 * Rings while `ringing`. `enable` is for user gestures (browsers start audio
 * only after one); until then `blocked` says the ring cannot be heard.
 */
export function useRingtone(ringing: boolean, speaker: string): { blocked: boolean; enable: () => void } {
  const [blocked, setBlocked] = useState(false);
  const [tone] = useState(() => new Ringtone(browserRingtoneDeps(), setBlocked));

  useEffect(() => () => tone.stop(), [tone]);

  useEffect(() => {
    if (ringing) tone.start();
    else tone.stop();
  }, [tone, ringing]);

  useEffect(() => tone.setSink(speaker), [tone, speaker]);

  return { blocked, enable: () => tone.unlock() };
}
