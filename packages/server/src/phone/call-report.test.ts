import { describe, expect, it } from 'vitest';
import { CallRecorder, SILENCE_RMS, formatReport } from './call-report.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('CallRecorder', () => {
  it('reports a hotline call: answered by the system, then an agent, with audio, tones and digits', () => {
    const time = clock();
    const recorder = new CallRecorder('outbound', '008613900001111', '4001', time.now);
    recorder.setCallId('c1');
    recorder.setMedia({ address: '127.0.0.1', port: 40000 });
    time.advance(120);
    recorder.setMedia({ address: '127.0.0.1', port: 40000 }, { address: '127.0.0.1', port: 30000, codec: 'PCMU' });
    time.advance(180);
    recorder.onAnswered('system');
    recorder.onPacket(0.2);
    recorder.onPacket(0.3);
    recorder.onPacket(SILENCE_RMS / 2);
    recorder.onPacket(); // an RFC 4733 packet
    time.advance(500);
    recorder.onTone(450);
    recorder.onTone(450);
    recorder.onTone(1000);
    recorder.onDigitSent('1');
    recorder.onDigitReceived('9');
    recorder.onRinging();
    time.advance(1000);
    recorder.onAnswered('agent@example.com');
    recorder.setPlayed('440 Hz tone');
    time.advance(2000);
    recorder.onEnded('hangup', 'the phone hung up', 'local');
    time.advance(5000); // later events change nothing
    recorder.onAnswered('late');
    recorder.onEnded('error', 'late', 'remote');

    const report = recorder.report();
    expect(report).toEqual({
      direction: 'outbound',
      callId: 'c1',
      from: '008613900001111',
      to: '4001',
      connected: true,
      answeredBy: 'agent@example.com',
      answers: [
        { by: 'system', atMs: 300 },
        { by: 'agent@example.com', atMs: 1800 },
      ],
      ringing: true,
      timeToAnswerMs: 300,
      talkMs: 3500,
      endReason: 'hangup',
      endMessage: 'the phone hung up',
      endedBy: 'local',
      errors: [],
      media: { local: { address: '127.0.0.1', port: 40000 }, remote: { address: '127.0.0.1', port: 30000, codec: 'PCMU' } },
      audio: {
        packets: 4,
        frames: 3,
        rmsMean: 0.1675,
        rmsPeak: 0.3,
        soundMs: 40,
        tones: [
          { frequency: 450, bursts: 2, firstAtMs: 500 },
          { frequency: 1000, bursts: 1, firstAtMs: 500 },
        ],
      },
      digitsSent: '1',
      digitsReceived: '9',
      played: '440 Hz tone',
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('reports a call that never connected', () => {
    const time = clock();
    const recorder = new CallRecorder('outbound', 'a', '4002', time.now);
    time.advance(700);
    recorder.onError('tooManyCalls', 'too many calls');
    recorder.onEnded('busy', 'all lines busy', 'remote');
    const report = recorder.report();
    expect(report).toMatchObject({ connected: false, answeredBy: null, answers: [], timeToAnswerMs: null, talkMs: null, endReason: 'busy', endedBy: 'remote', played: 'silence' });
    expect(report.audio).toEqual({ packets: 0, frames: 0, rmsMean: 0, rmsPeak: 0, soundMs: 0, tones: [] });
    expect(report.errors).toEqual([{ code: 'tooManyCalls', message: 'too many calls' }]);
  });

  it('counts talk time up to now while the call lasts', () => {
    const time = clock();
    const recorder = new CallRecorder('inbound', '4001', 'me', time.now);
    time.advance(100);
    recorder.onAnswered('self');
    time.advance(900);
    expect(recorder.report()).toMatchObject({ connected: true, talkMs: 900, endReason: null, endedBy: null });
  });
});

describe('formatReport', () => {
  it('writes the facts for people', () => {
    const time = clock();
    const recorder = new CallRecorder('outbound', '008613900001111', '4001', time.now);
    recorder.setCallId('c1');
    time.advance(400);
    recorder.onAnswered('system');
    recorder.onPacket(0.1);
    recorder.onTone(450);
    recorder.onDigitSent('1');
    recorder.onDigitSent('#');
    time.advance(9600);
    recorder.onEnded('remoteHangup', 'the agent hung up', 'remote');
    const text = formatReport(recorder.report());
    expect(text).toContain('call            to 4001  (c1)');
    expect(text).toContain('connected       yes');
    expect(text).toContain('answered by     system at 0.4 s');
    expect(text).toContain('time to answer  0.4 s');
    expect(text).toContain('talk time       9.6 s');
    expect(text).toContain('ended           remoteHangup (the other side hung up) — the agent hung up');
    expect(text).toContain('audio received  1 frames, 0.0 s of sound, mean -20 dBFS, peak -20 dBFS');
    expect(text).toContain('tones heard     450 Hz ×1 (first at 0.0 s)');
    expect(text).toContain('digits sent     1#');
    expect(text).not.toContain('digits received');
  });

  it('says when no audio came and lists errors', () => {
    const recorder = new CallRecorder('inbound', '', 'me', () => 0);
    recorder.onError('local', 'no media');
    recorder.onEnded('timeout', 'no call came within 5 s', 'local');
    const text = formatReport(recorder.report());
    expect(text).toContain('call            none came to me');
    expect(text).toContain('connected       no');
    expect(text).toContain('audio received  none (0 packets)');
    expect(text).toContain('ended           timeout (gave up waiting) — no call came within 5 s');
    expect(text).toContain('error           local: no media');
  });
});
