/**
 * Tells RFC 4733 key presses apart in a stream of telephone-event packets. A sender repeats every
 * event many times (updates with a growing duration, then usually three end packets), all with the
 * event's start timestamp; the SSRC is not looked at, because some senders (sipp's DTMF pcaps among
 * them) use a different one for events than for audio.
 *
 * A packet starts a new key press when there was none, when its timestamp or its event code differs
 * from the current one's, or when the current one has ended and this packet is not an end packet
 * (the same recording played twice: same timestamp, same digit, but a second press). A new
 * timestamp that continues an event cut at the 16-bit duration limit (RFC 4733 §2.5.1.3) is not a
 * new press.
 */
import type { TelephoneEvent } from './rtp-packet.js';

const MAX_DURATION = 0xffff;

interface CurrentEvent {
  timestamp: number;
  event: number;
  ended: boolean;
  duration: number;
}

export class TelephoneEventReceiver {
  private current: CurrentEvent | undefined;

  /** Classifies one telephone-event packet: true for the first packet seen of a new key press. */
  receive(timestamp: number, event: TelephoneEvent): boolean {
    const current = this.current;
    const sameEvent = current !== undefined && current.event === event.event;
    if (sameEvent && current.timestamp === timestamp && !(current.ended && !event.end)) {
      current.ended ||= event.end;
      current.duration = Math.max(current.duration, event.duration);
      return false;
    }
    // A long press cut into segments: the next segment starts where the full one ended.
    if (sameEvent && !current.ended && current.duration === MAX_DURATION && timestamp === ((current.timestamp + MAX_DURATION) >>> 0)) {
      this.current = { timestamp, event: event.event, ended: event.end, duration: event.duration };
      return false;
    }
    this.current = { timestamp, event: event.event, ended: event.end, duration: event.duration };
    return true;
  }
}
