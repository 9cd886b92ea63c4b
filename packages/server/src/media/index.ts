/** The media plane: G.711 legs (RTP and WebRTC) in worker threads behind a typed command/event interface. */
export { MediaPlane } from './media-plane.js';
export { mediaPlaneDefaults, type MediaPlaneOptions } from './media-options.js';
export { MediaError } from './media-error.js';
export { spawnCompiledWorker, type WorkerInit } from './worker-spawn.js';
export type * from './protocol.js';
export { G711_CODECS, RTP_PTIMES } from './protocol.js';
export { encodeG711, decodeG711, transcodeG711 } from './g711.js';
export { readWav, writeWav, WavFormatError, type WavAudio } from './wav.js';
export { toneSamples, dtmfSamples, RINGBACK_CHINA, FRAME_SAMPLES, SAMPLE_RATE } from './tones.js';
export { analyseTones, detectDtmf, goertzelPower, rms, ToneDetector } from './goertzel.js';
export { parseRtp, serializeRtp, parseTelephoneEvent, serializeTelephoneEvent } from './rtp-packet.js';
