/**
 * RIFF/WAVE reading and writing for what the media plane needs: 8 kHz mono prompts in G.711 or
 * 16-bit PCM, and 16-bit stereo recordings written as they grow.
 */
import { decodeG711 } from './g711.js';

const FORMAT_PCM = 1;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;

export interface WavAudio {
  sampleRate: number;
  channels: number;
  /** Interleaved 16-bit samples. */
  samples: Int16Array;
}

export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

/** Parses a WAV file (PCM 16-bit, μ-law or A-law) to 16-bit linear samples. */
export function readWav(bytes: Uint8Array): WavAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') {
    throw new WavFormatError('not a WAV file: expected a RIFF header with the WAVE form type');
  }
  let format: { code: number; channels: number; sampleRate: number; bitsPerSample: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new WavFormatError(`fmt chunk is ${size} bytes; at least 16 expected`);
      format = {
        code: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new WavFormatError('data chunk before the fmt chunk');
      // A writer that died before patching the header leaves size 0 or too large: read what is there.
      const end = size === 0 || body + size > bytes.length ? bytes.length : body + size;
      return { sampleRate: format.sampleRate, channels: format.channels, samples: decodeData(format.code, format.bitsPerSample, bytes.subarray(body, end)) };
    }
    offset = body + size + (size & 1);
  }
  throw new WavFormatError('no data chunk found');
}

function decodeData(code: number, bitsPerSample: number, data: Uint8Array): Int16Array {
  if (code === FORMAT_PCM && bitsPerSample === 16) {
    const samples = new Int16Array(data.length >> 1);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true);
    return samples;
  }
  if (code === FORMAT_MULAW && bitsPerSample === 8) return decodeG711('PCMU', data);
  if (code === FORMAT_ALAW && bitsPerSample === 8) return decodeG711('PCMA', data);
  throw new WavFormatError(`unsupported WAV encoding (format ${code}, ${bitsPerSample} bits): use 16-bit PCM, μ-law or A-law`);
}

/** A 44-byte header for 16-bit PCM; dataBytes may be patched later. */
export function wavHeader(sampleRate: number, channels: number, dataBytes: number): Uint8Array {
  const header = new Uint8Array(44);
  const view = new DataView(header.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) header[at + i] = text.charCodeAt(i);
  };
  const blockAlign = channels * 2;
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  return header;
}

/** Serialises interleaved 16-bit samples as a complete WAV file. */
export function writeWav(audio: WavAudio): Uint8Array {
  const out = new Uint8Array(44 + audio.samples.length * 2);
  out.set(wavHeader(audio.sampleRate, audio.channels, audio.samples.length * 2));
  const view = new DataView(out.buffer);
  for (let i = 0; i < audio.samples.length; i++) view.setInt16(44 + i * 2, audio.samples[i] as number, true);
  return out;
}

/** The little-endian bytes of 16-bit samples, for appending to a growing WAV file. */
export function pcmBytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i] as number, true);
  return out;
}
