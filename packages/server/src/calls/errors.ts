/**
 * Thrown when a session is asked to make a move its state machine does not
 * allow, or is fed an event that only a bug in the engine can produce (a hold
 * while nobody talks, an accept from an agent who was never offered the call).
 * Races the engine cannot avoid, such as a second hang-up or an ACD
 * cancellation after the session ended, are ignored, never thrown.
 */
export class CallStateError extends Error {
  override name = 'CallStateError';
}
