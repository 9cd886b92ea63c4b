/**
 * Thrown when the distributor is asked to make a move its state machines do not
 * allow, or is fed an event that can only come from a bug in the caller (a call
 * queued twice). Races the engine cannot avoid, such as an accept arriving just
 * after the ring timed out, are answered with commands, never with this error.
 */
export class AcdStateError extends Error {
  override name = 'AcdStateError';
}
