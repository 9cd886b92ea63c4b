import type { Frame, Page } from 'playwright-core';

/** An init script that keeps each peer connection's remote audio track, so a test can listen to what a page receives. */
export const LISTEN_TO_REMOTE_AUDIO = `
  (() => {
    const Original = window.RTCPeerConnection;
    if (!Original) return;
    window.__remoteTracks = [];
    window.RTCPeerConnection = class extends Original {
      constructor(...args) {
        super(...args);
        this.addEventListener('track', (event) => window.__remoteTracks.push(event.track));
      }
    };
  })();
`;

/** Resolves when the frequency dominates what the page receives; with `hz` 0, when it receives any sound. */
export async function hears(target: Page | Frame, hz: number): Promise<void> {
  await target.waitForFunction(
    (frequency) => {
      const w = window as unknown as { __remoteTracks: MediaStreamTrack[]; __analyser?: AnalyserNode; __ctx?: AudioContext };
      const track = w.__remoteTracks.findLast((t) => t.readyState === 'live');
      if (!track) return false;
      if (!w.__analyser) {
        w.__ctx = new AudioContext();
        const source = w.__ctx.createMediaStreamSource(new MediaStream([track]));
        w.__analyser = w.__ctx.createAnalyser();
        w.__analyser.fftSize = 4096;
        source.connect(w.__analyser);
      }
      if (frequency === 0) {
        const wave = new Float32Array(w.__analyser.fftSize);
        w.__analyser.getFloatTimeDomainData(wave);
        return Math.sqrt(wave.reduce((sum, x) => sum + x * x, 0) / wave.length) > 0.01;
      }
      const bins = new Float32Array(w.__analyser.frequencyBinCount);
      w.__analyser.getFloatFrequencyData(bins);
      let peak = 0;
      for (let i = 1; i < bins.length; i++) if ((bins[i] as number) > (bins[peak] as number)) peak = i;
      const peakHz = (peak * w.__ctx!.sampleRate) / w.__analyser.fftSize;
      return Math.abs(peakHz - frequency) < 30 && (bins[peak] as number) > -60;
    },
    hz,
    { timeout: 15_000, polling: 100 },
  );
}
