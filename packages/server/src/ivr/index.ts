/** The IVR interpreter: a pure state machine the call engine feeds events and whose commands it carries out. */
export { IvrSession, type IvrSessionOptions } from './session.js';
export { assertIvrMove, type IvrPhase } from './session-state.js';
export { IvrStateError } from './errors.js';
export { isWorkTime, localTime, type LocalTime } from './work-time.js';
export type * from './types.js';
export { PromptLibrary, defaultPromptFolder, loadPromptLibrary, type PromptEntry, type PromptManifest } from './prompt-library.js';
export { WAVE_FORMAT, WavError, readWavFormat, type WavFormat } from './wav.js';
