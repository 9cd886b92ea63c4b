/** A WAV file for tests: `seconds` of silence in the given format (header fields as a real file has them). */
export function wavFile({ formatTag = 7, channels = 1, sampleRate = 8000, bitsPerSample = 8, seconds = 1 } = {}): Buffer {
  const blockAlign = channels * (bitsPerSample / 8);
  const dataBytes = Math.round(seconds * sampleRate) * blockAlign;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(formatTag, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(bitsPerSample, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return Buffer.concat([header, Buffer.alloc(dataBytes, formatTag === 7 ? 0xff : formatTag === 6 ? 0xd5 : 0)]);
}

export function dataUrl(bytes: Buffer): string {
  return `data:audio/wav;base64,${bytes.toString('base64')}`;
}
