/**
 * G.711 μ-law (PCMU) and A-law (PCMA) by table lookup: one 64 KiB table per direction and law,
 * so encoding and decoding a 20 ms frame is 160 array reads.
 */
import type { G711Codec } from './protocol.js';

function muLawEncodeSample(sample: number): number {
  const BIAS = 0x84;
  const CLIP = 32635;
  let sign = 0;
  let magnitude = sample;
  if (magnitude < 0) {
    sign = 0x80;
    magnitude = -magnitude;
  }
  if (magnitude > CLIP) magnitude = CLIP;
  magnitude += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function muLawDecodeSample(code: number): number {
  const inverted = ~code & 0xff;
  const exponent = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
  return inverted & 0x80 ? -magnitude : magnitude;
}

function aLawEncodeSample(sample: number): number {
  // A-law works on 13-bit magnitudes; the sign bit set means positive.
  let sign = 0x80;
  let magnitude = sample >> 3;
  if (magnitude < 0) {
    sign = 0x00;
    magnitude = -magnitude - 1;
  }
  if (magnitude > 0xfff) magnitude = 0xfff;
  let code: number;
  if (magnitude < 32) {
    code = magnitude >> 1;
  } else {
    let segment = 1;
    for (let limit = 64; magnitude >= limit && segment < 7; limit <<= 1) segment++;
    code = (segment << 4) | ((magnitude >> segment) & 0x0f);
  }
  return (code | sign) ^ 0x55;
}

function aLawDecodeSample(code: number): number {
  const value = code ^ 0x55;
  const segment = (value & 0x70) >> 4;
  let magnitude = (value & 0x0f) << 4;
  magnitude += segment === 0 ? 8 : 0x108;
  if (segment > 1) magnitude <<= segment - 1;
  return value & 0x80 ? magnitude : -magnitude;
}

function buildTables(encodeSample: (s: number) => number, decodeSample: (c: number) => number) {
  const encode = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) encode[i] = encodeSample(i < 32768 ? i : i - 65536);
  const decode = new Int16Array(256);
  for (let c = 0; c < 256; c++) decode[c] = decodeSample(c);
  return { encode, decode };
}

const MU_LAW = buildTables(muLawEncodeSample, muLawDecodeSample);
const A_LAW = buildTables(aLawEncodeSample, aLawDecodeSample);

function tables(codec: G711Codec) {
  return codec === 'PCMU' ? MU_LAW : A_LAW;
}

/** Encodes 16-bit linear samples to G.711 bytes. */
export function encodeG711(codec: G711Codec, samples: Int16Array, out = new Uint8Array(samples.length)): Uint8Array {
  const { encode } = tables(codec);
  for (let i = 0; i < samples.length; i++) out[i] = encode[(samples[i] as number) & 0xffff] as number;
  return out;
}

/** Decodes G.711 bytes to 16-bit linear samples. */
export function decodeG711(codec: G711Codec, bytes: Uint8Array, out = new Int16Array(bytes.length)): Int16Array {
  const { decode } = tables(codec);
  for (let i = 0; i < bytes.length; i++) out[i] = decode[bytes[i] as number] as number;
  return out;
}

/** Rewrites G.711 bytes from one law to the other (through linear). */
export function transcodeG711(from: G711Codec, to: G711Codec, bytes: Uint8Array): Uint8Array {
  if (from === to) return bytes;
  const decode = tables(from).decode;
  const encode = tables(to).encode;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = encode[(decode[bytes[i] as number] as number) & 0xffff] as number;
  return out;
}

/** The byte a law uses for silence. */
export function g711Silence(codec: G711Codec): number {
  return codec === 'PCMU' ? 0xff : 0xd5;
}

/** RTP static payload types (RFC 3551). */
export const G711_PAYLOAD_TYPE: Record<G711Codec, number> = { PCMU: 0, PCMA: 8 };
