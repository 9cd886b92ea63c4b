/**
 * Reads the header of a WAV file: enough to check that a prompt is what the
 * media plane plays without transcoding (G.711 at 8 kHz, mono).
 */

/** RIFF WAVE format tags OpenCCC names. */
export const WAVE_FORMAT = { pcm: 1, alaw: 6, mulaw: 7 } as const;

export interface WavFormat {
  /** `WAVE_FORMAT_*` from the `fmt ` chunk: 7 is μ-law, 6 A-law, 1 PCM. */
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Offset and length of the samples (the `data` chunk). */
  dataOffset: number;
  dataBytes: number;
  durationMs: number;
}

export class WavError extends Error {
  override name = 'WavError';
}

function ascii(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}

/** Parses the RIFF chunks of `bytes`; throws `WavError` naming what is wrong. */
export function readWavFormat(bytes: Uint8Array): WavFormat {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') throw new WavError('Not a WAV file: it does not start with RIFF…WAVE.');
  const riffEnd = 8 + view.getUint32(4, true);
  if (riffEnd > bytes.length) throw new WavError(`The RIFF header announces ${riffEnd} bytes, but the file has ${bytes.length}: it is truncated.`);
  let format: Omit<WavFormat, 'dataOffset' | 'dataBytes' | 'durationMs'> | null = null;
  let blockAlign = 0;
  for (let offset = 12; offset + 8 <= riffEnd; ) {
    const id = ascii(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (body + size > riffEnd) throw new WavError(`The "${id}" chunk at byte ${offset} runs past the end of the file.`);
    if (id === 'fmt ') {
      if (size < 16) throw new WavError(`The fmt chunk has ${size} bytes; at least 16 are needed.`);
      format = { formatTag: view.getUint16(body, true), channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bitsPerSample: view.getUint16(body + 14, true) };
      blockAlign = view.getUint16(body + 12, true);
    } else if (id === 'data') {
      if (!format) throw new WavError('The data chunk comes before the fmt chunk.');
      const bytesPerSecond = format.sampleRate * blockAlign;
      return { ...format, dataOffset: body, dataBytes: size, durationMs: bytesPerSecond > 0 ? Math.round((size * 1000) / bytesPerSecond) : 0 };
    }
    // Chunks are padded to an even length.
    offset = body + size + (size % 2);
  }
  throw new WavError(format ? 'The file has no data chunk.' : 'The file has no fmt chunk.');
}
