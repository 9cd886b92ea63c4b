import { describe, expect, it } from 'vitest';
import type { TelephoneEvent } from './rtp-packet.js';
import { TelephoneEventReceiver } from './telephone-event-receiver.js';

/** One key press as a compliant sender sends it: updates with a growing duration, then three end packets. */
function press(event: number, timestamp: number, updates = 7): [number, TelephoneEvent][] {
  const packets: [number, TelephoneEvent][] = [];
  for (let i = 0; i < updates; i++) packets.push([timestamp, { event, end: false, volume: 10, duration: i * 320 }]);
  for (let i = 0; i < 3; i++) packets.push([timestamp, { event, end: true, volume: 10, duration: updates * 320 }]);
  return packets;
}

function starts(packets: [number, TelephoneEvent][]): number[] {
  const receiver = new TelephoneEventReceiver();
  return packets.flatMap(([timestamp, event]) => (receiver.receive(timestamp, event) ? [event.event] : []));
}

describe('TelephoneEventReceiver', () => {
  it('counts a press once across its updates and redundant end packets', () => {
    expect(starts(press(1, 0x33e0))).toEqual([1]);
  });

  it('counts consecutive presses of different digits', () => {
    expect(starts([...press(1, 0x33e0), ...press(2, 0x5aa0), ...press(2, 0x7000)])).toEqual([1, 2, 2]);
  });

  it('counts the same recording played twice as two presses (same timestamp, same digit)', () => {
    expect(starts([...press(5, 1000), ...press(5, 1000)])).toEqual([5, 5]);
  });

  it('counts a different digit under the same timestamp as a new press', () => {
    expect(starts([...press(3, 1000), ...press(4, 1000)])).toEqual([3, 4]);
  });

  it('counts a press whose update packets were all lost, from its end packets, once', () => {
    expect(starts(press(9, 4000, 0))).toEqual([9]);
  });

  it('treats the next segment of a press longer than the 16-bit duration as the same press', () => {
    const first: [number, TelephoneEvent] = [1000, { event: 0, end: false, volume: 10, duration: 0xffff }];
    const next: [number, TelephoneEvent][] = [
      [1000 + 0xffff, { event: 0, end: false, volume: 10, duration: 800 }],
      [1000 + 0xffff, { event: 0, end: true, volume: 10, duration: 1600 }],
    ];
    expect(starts([first, ...next])).toEqual([0]);
  });
});
