import { cloudError, type CloudApiError } from '@openccc/protocol';
import { WAVE_FORMAT, WavError, readWavFormat, type WavFormat } from '../ivr/index.js';

/** TCCC's limit for an IVR audio file. */
export const MAX_PROMPT_BYTES = 5 * 1024 * 1024;

/** 8 kHz mono, as the media plane plays it: G.711 (μ-law, A-law) or 16-bit PCM. */
export function checkPromptWav(bytes: Uint8Array, name: string): WavFormat {
  if (bytes.length > MAX_PROMPT_BYTES) {
    throw invalid(`${name} has ${bytes.length} bytes; an IVR prompt may have at most ${MAX_PROMPT_BYTES} (5 MB).`, `${name} 大小为 ${bytes.length} 字节，IVR 提示音最大 ${MAX_PROMPT_BYTES} 字节（5 MB）。`);
  }
  let format: WavFormat;
  try {
    format = readWavFormat(bytes);
  } catch (error) {
    if (!(error instanceof WavError)) throw error;
    throw invalid(`${name}: ${error.message} IVR prompts are WAV files.`, `${name} 不是有效的 WAV 文件（${error.message}）。IVR 提示音须为 WAV 文件。`);
  }
  const g711 = (format.formatTag === WAVE_FORMAT.mulaw || format.formatTag === WAVE_FORMAT.alaw) && format.bitsPerSample === 8;
  const pcm16 = format.formatTag === WAVE_FORMAT.pcm && format.bitsPerSample === 16;
  if (!(g711 || pcm16) || format.channels !== 1 || format.sampleRate !== 8000) {
    const found = `format tag ${format.formatTag}, ${format.bitsPerSample}-bit, ${format.channels} channel(s), ${format.sampleRate} Hz`;
    throw invalid(
      `${name} is ${found}. IVR prompts must be 8000 Hz mono, G.711 (μ-law or A-law) or 16-bit PCM; for example: sox in.wav -r 8000 -c 1 -e u-law out.wav`,
      `${name} 的格式为 ${found}。IVR 提示音须为 8000 Hz 单声道的 G.711（μ-law 或 A-law）或 16 位 PCM，例如：sox in.wav -r 8000 -c 1 -e u-law out.wav`,
    );
  }
  if (format.dataBytes === 0) throw invalid(`${name} holds no audio.`, `${name} 不含音频数据。`);
  return format;
}

/**
 * The bytes of an `AudioUrl`. OpenCCC takes the audio inside the request as a base64 `data:` URL and
 * fetches nothing: a server that fetched URLs named by callers could be made to reach internal addresses.
 */
export function decodeAudioUrl(url: string, name: string): Uint8Array {
  const match = /^data:([^,;]*)((?:;[^,;]*)*),(.*)$/s.exec(url.trim());
  if (!match) {
    throw invalid(
      `${name}: OpenCCC does not fetch audio from URLs. Send the WAV file in the request as AudioUrl "data:audio/wav;base64,<the file in base64>".`,
      `${name}：OpenCCC 不从 URL 下载音频，请在请求中以 AudioUrl "data:audio/wav;base64,<文件的 base64>" 发送 WAV 文件。`,
    );
  }
  const [, , parameters = '', payload = ''] = match;
  const base64 = payload.replace(/\s+/g, '');
  if (!parameters.split(';').includes('base64') || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    throw invalid(`${name}: the data: URL must be base64 (data:audio/wav;base64,…).`, `${name}：data: URL 须为 base64 编码（data:audio/wav;base64,…）。`);
  }
  return Buffer.from(base64, 'base64');
}

function invalid(en: string, zh: string): CloudApiError {
  return cloudError('InvalidParameterValue', en, zh);
}
