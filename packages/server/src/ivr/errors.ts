/**
 * Thrown when an IVR session is fed an event only a bug in the engine can
 * produce (an event before `started`, a playback or timer it never issued) or
 * asked to make a move its state machine does not allow. Races the engine
 * cannot avoid (a key or a hang-up just after the IVR let the call go, a timer
 * that fires after it was cancelled) are ignored, never thrown.
 */
export class IvrStateError extends Error {
  override name = 'IvrStateError';
}
