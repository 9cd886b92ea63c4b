import { describe, expect, it } from 'vitest';
import { FrameChunker } from './frame-chunker.js';

/** Pushes every payload and returns copies of the chunks, in order. */
function cut(size: number, payloads: Uint8Array[]): Uint8Array[] {
  const chunker = new FrameChunker(size);
  const out: Uint8Array[] = [];
  for (const payload of payloads) chunker.push(payload, (chunk) => out.push(chunk.slice()));
  return out;
}

/** `count` payloads of `size` bytes numbering the stream's bytes 0, 1, 2, … (mod 256). */
function stream(size: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, p) => Uint8Array.from({ length: size }, (_, i) => (p * size + i) & 0xff));
}

const joined = (chunks: Uint8Array[]) => Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));

describe('FrameChunker', () => {
  it.each([80, 160, 240, 320, 100])('re-cuts %i-byte payloads into 160-byte frames without losing or reordering a byte', (size) => {
    const payloads = stream(size, 24);
    const frames = cut(160, payloads);
    expect(frames.every((frame) => frame.length === 160)).toBe(true);
    expect(frames).toHaveLength(Math.floor((size * 24) / 160));
    expect(joined(frames)).toEqual(joined(payloads).subarray(0, frames.length * 160));
  });

  it('cuts 20 ms frames into 30 ms packets (240 bytes), holding back the rest', () => {
    const chunker = new FrameChunker(240);
    const sizes: number[] = [];
    for (const frame of stream(160, 3)) chunker.push(frame, (chunk) => sizes.push(chunk.length));
    expect(sizes).toEqual([240, 240]);
    expect(chunker.buffered).toBe(0);
    chunker.push(new Uint8Array(160), (chunk) => sizes.push(chunk.length));
    expect(chunker.buffered).toBe(160);
  });

  it('hands a payload of exactly one chunk on as the same bytes, without copying', () => {
    const chunker = new FrameChunker(160);
    const payload = new Uint8Array(160);
    let seen: Uint8Array | undefined;
    chunker.push(payload, (chunk) => (seen = chunk));
    expect(seen?.buffer).toBe(payload.buffer);
  });

  it('drops what it held back on reset, and says how much', () => {
    const chunker = new FrameChunker(160);
    chunker.push(new Uint8Array(240).fill(1), () => undefined);
    expect(chunker.reset()).toBe(80);
    const frames: Uint8Array[] = [];
    chunker.push(new Uint8Array(160).fill(2), (chunk) => frames.push(chunk.slice()));
    expect(frames).toEqual([new Uint8Array(160).fill(2)]);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => new FrameChunker(0)).toThrow(RangeError);
  });
});
