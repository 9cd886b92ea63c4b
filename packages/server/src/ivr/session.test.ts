import { parseIvrFlow, type IvrKeyPressed } from '@openccc/protocol';
import type { IVRKeyPressedElement } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { describe, expect, it } from 'vitest';
import { IvrStateError } from './errors.js';
import { IvrSession } from './session.js';
import { assertIvrMove } from './session-state.js';
import { IvrDriver, kinds, played } from './test-support/driver.js';
import { MONDAY_10_SHANGHAI, hotlineFlow } from './test-support/flows.js';

function driver(options: { now?: number; mode?: 'flow' | 'survey' } = {}, flow = hotlineFlow()): IvrDriver {
  return new IvrDriver(flow, { now: options.now ?? MONDAY_10_SHANGHAI, mode: options.mode ?? 'flow' });
}

/** Started, main menu played, now waiting for a key. */
function atMainMenu(): IvrDriver {
  const ivr = driver();
  ivr.started();
  ivr.finishPrompt();
  return ivr;
}

describe('a menu', () => {
  it('plays its prompts, waits for a key with its timeout, and queues on a queue key', () => {
    const ivr = driver();
    const start = ivr.started();
    expect(start).toEqual([{ type: 'play', playbackId: 'call-1:p1', prompts: ['zh-CN/welcome'], bargeIn: true }]);
    expect(ivr.session.phase).toBe('prompting');
    expect(ivr.session.nodeId).toBe('main');

    expect(ivr.finishPrompt(4000)).toEqual([
      { type: 'collectDigit', timeoutMs: 6000 },
      { type: 'schedule', timerId: 'call-1:t1', at: MONDAY_10_SHANGHAI + 4000 + 6000 },
    ]);
    expect(ivr.session.phase).toBe('collecting');

    const key = ivr.press('1', 1500);
    expect(key).toEqual([
      { type: 'cancelTimer', timerId: 'call-1:t1' },
      { type: 'keyPressed', record: { Key: '1', Label: '业务咨询', Timestamp: MONDAY_10_SHANGHAI + 5500, NodeLabel: '主菜单' }, step: { key: '1', label: '业务咨询' }, survey: false },
      { type: 'play', playbackId: 'call-1:p2', prompts: ['zh-CN/transferring'], bargeIn: false },
    ]);
    expect(ivr.session.phase).toBe('leaving');

    expect(ivr.finishPrompt(2000)).toEqual([{ type: 'queue', skillGroupId: 1, ivrPath: [{ key: '1', label: '业务咨询' }] }]);
    expect(ivr.session.phase).toBe('done');
    expect(ivr.session.result).toEqual({
      outcome: 'queued',
      endStatus: null,
      skillGroupId: 1,
      keysPressed: [{ Key: '1', Label: '业务咨询', Timestamp: MONDAY_10_SHANGHAI + 5500, NodeLabel: '主菜单' }],
      keys: ['1'],
      ivrPath: [{ key: '1', label: '业务咨询' }],
      startedAt: MONDAY_10_SHANGHAI,
      endedAt: MONDAY_10_SHANGHAI + 7500,
    });
  });

  it('goes to a sub-menu, records both keys with the clock, and queues without a prompt', () => {
    const ivr = atMainMenu();
    expect(played(ivr.press('2', 1000))).toEqual(['support/menu']);
    expect(ivr.session.nodeId).toBe('support');
    expect(kinds(ivr.finishPrompt(2000))).toEqual(['collectDigit', 'schedule']);
    expect(ivr.timer?.at).toBe(ivr.now + 4000);
    expect(ivr.press('1', 700)).toEqual([
      { type: 'cancelTimer', timerId: 'call-1:t2' },
      { type: 'keyPressed', record: { Key: '1', Label: '宽带', Timestamp: MONDAY_10_SHANGHAI + 3000 + 1000 + 2000 + 700, NodeLabel: '技术支持' }, step: { key: '1', label: '宽带' }, survey: false },
      { type: 'queue', skillGroupId: 2, ivrPath: [{ key: '2', label: '技术支持' }, { key: '1', label: '宽带' }] },
    ]);
    expect(ivr.session.result?.keysPressed.map((record) => [record.Key, record.Label, record.NodeLabel, record.Timestamp])).toEqual([
      ['2', '技术支持', '主菜单', MONDAY_10_SHANGHAI + 4000],
      ['1', '宽带', '技术支持', MONDAY_10_SHANGHAI + 6700],
    ]);
  });

  it('goes back up with a goto key, starting the menu afresh', () => {
    const ivr = atMainMenu();
    ivr.press('2');
    ivr.finishPrompt();
    expect(played(ivr.press('*'))).toEqual(['zh-CN/welcome']);
    expect(ivr.session.nodeId).toBe('main');
    expect(ivr.session.ivrPath).toEqual([{ key: '2', label: '技术支持' }, { key: '*', label: '返回' }]);
  });

  it('repeats itself on a repeat key, keeping the key in the path', () => {
    const ivr = atMainMenu();
    expect(kinds(ivr.press('0'))).toEqual(['cancelTimer', 'keyPressed', 'play']);
    expect(ivr.playing).not.toBeNull();
    expect(ivr.session.phase).toBe('prompting');
    expect(ivr.session.ivrPath).toEqual([{ key: '0', label: '重听' }]);
  });

  it('hangs up on a hang-up key after the goodbye, as ivrEnd (107)', () => {
    const ivr = atMainMenu();
    expect(played(ivr.press('9'))).toEqual(['zh-CN/goodbye']);
    expect(ivr.finishPrompt()).toEqual([{ type: 'hangup', reason: 'ivrEnd', endStatus: 107 }]);
    expect(ivr.session.result).toMatchObject({ outcome: 'hungUp', endStatus: 107, keys: ['9'] });
  });
});

describe('retries', () => {
  it('plays the invalid-key prompt and the menu again, then gives up after maxRetries with the fallback (ivrEnd)', () => {
    const ivr = atMainMenu();
    for (let attempt = 1; attempt <= 2; attempt++) {
      const wrong = ivr.press('7');
      expect(kinds(wrong)).toEqual(['cancelTimer', 'play']);
      expect(played(wrong)).toEqual(['zh-CN/invalid-key']);
      expect(ivr.session.phase).toBe('retrying');
      expect(played(ivr.finishPrompt())).toEqual(['zh-CN/welcome']);
      expect(kinds(ivr.finishPrompt())).toEqual(['collectDigit', 'schedule']);
    }
    const third = ivr.press('8');
    expect(kinds(third)).toEqual(['cancelTimer', 'play']);
    expect(played(third)).toEqual(['zh-CN/goodbye']);
    expect(ivr.session.phase).toBe('leaving');
    expect(ivr.finishPrompt()).toEqual([{ type: 'hangup', reason: 'ivrEnd', endStatus: 107 }]);
    expect(ivr.session.keysPressed).toEqual([]);
  });

  it('counts silence apart from wrong keys, and a valid key after retries still counts', () => {
    const ivr = atMainMenu();
    expect(played(ivr.silence())).toEqual(['zh-CN/no-input']);
    ivr.finishPrompt();
    ivr.finishPrompt();
    expect(played(ivr.press('7'))).toEqual(['zh-CN/invalid-key']);
    ivr.finishPrompt();
    ivr.finishPrompt();
    expect(kinds(ivr.press('1'))).toEqual(['cancelTimer', 'keyPressed', 'play']);
  });

  it('takes the fallback after maxRetries silences: here the next prompt', () => {
    const ivr = atMainMenu();
    ivr.silence();
    ivr.finishPrompt();
    ivr.finishPrompt();
    const second = ivr.silence();
    expect(played(second)).toEqual(['zh-CN/goodbye']);
    expect(ivr.finishPrompt()).toEqual([{ type: 'hangup', reason: 'ivrEnd', endStatus: 107 }]);
  });

  it('queues as a fallback when the menu says so, with the default retry count and no retry prompt', () => {
    const ivr = atMainMenu();
    ivr.press('2');
    ivr.finishPrompt();
    for (let i = 0; i < 2; i++) {
      expect(played(ivr.silence())).toEqual(['support/menu']);
      ivr.finishPrompt();
    }
    expect(ivr.silence()).toEqual([{ type: 'queue', skillGroupId: 2, ivrPath: [{ key: '2', label: '技术支持' }] }]);
  });

  it('resets the counts in a new node', () => {
    const ivr = atMainMenu();
    ivr.press('7');
    ivr.finishPrompt();
    ivr.finishPrompt();
    ivr.press('7');
    ivr.finishPrompt();
    ivr.finishPrompt();
    ivr.press('2');
    ivr.finishPrompt();
    ivr.press('*');
    ivr.finishPrompt();
    expect(played(ivr.press('7'))).toEqual(['zh-CN/invalid-key']);
  });
});

describe('barge-in', () => {
  it('stops the menu prompt when a key is pressed during it, and acts on the key', () => {
    const ivr = driver();
    ivr.started();
    const key = ivr.press('2', 800);
    expect(key.slice(0, 2)).toEqual([
      { type: 'stopPlayback', playbackId: 'call-1:p1' },
      { type: 'keyPressed', record: { Key: '2', Label: '技术支持', Timestamp: MONDAY_10_SHANGHAI + 800, NodeLabel: '主菜单' }, step: { key: '2', label: '技术支持' }, survey: false },
    ]);
    expect(played(key)).toEqual(['support/menu']);
    // The stopped playback may still report its end: a race, ignored.
    expect(ivr.session.handle({ type: 'promptFinished', playbackId: 'call-1:p1' })).toEqual([]);
    expect(ivr.session.nodeId).toBe('support');
  });

  it('counts a wrong key during the prompt as a wrong key, and barges into the retry prompt too', () => {
    const ivr = driver();
    ivr.started();
    expect(kinds(ivr.press('7'))).toEqual(['stopPlayback', 'play']);
    expect(ivr.session.phase).toBe('retrying');
    expect(kinds(ivr.press('1'))).toEqual(['stopPlayback', 'keyPressed', 'play']);
  });

  it('ignores keys during the prompt of a menu without barge-in, then takes them once it waits', () => {
    const ivr = atMainMenu();
    ivr.press('2');
    expect(ivr.press('1')).toEqual([]);
    expect(ivr.session.phase).toBe('prompting');
    ivr.finishPrompt();
    expect(kinds(ivr.press('1'))).toEqual(['cancelTimer', 'keyPressed', 'queue']);
  });

  it('ignores keys while play nodes and exit prompts play', () => {
    const ivr = atMainMenu();
    ivr.press('3');
    expect(ivr.session.nodeId).toBe('news');
    expect(ivr.press('1')).toEqual([]);
    expect(played(ivr.finishPrompt())).toEqual(['zh-CN/transferring']);
    expect(ivr.press('1')).toEqual([]);
    expect(ivr.finishPrompt()).toEqual([{ type: 'queue', skillGroupId: 3, ivrPath: [{ key: '3', label: '公告' }] }]);
  });
});

describe('the caller hanging up', () => {
  it('during a prompt stops it and ends as ivrGiveUp (102)', () => {
    const ivr = driver();
    ivr.started();
    expect(ivr.hangUp(1200)).toEqual([{ type: 'stopPlayback', playbackId: 'call-1:p1' }]);
    expect(ivr.session.result).toMatchObject({ outcome: 'callerHungUp', endStatus: 102, startedAt: MONDAY_10_SHANGHAI, endedAt: MONDAY_10_SHANGHAI + 1200 });
  });

  it('while waiting for a key cancels the timer, keeping the keys pressed so far', () => {
    const ivr = atMainMenu();
    ivr.press('2');
    ivr.finishPrompt();
    expect(ivr.hangUp()).toEqual([{ type: 'cancelTimer', timerId: 'call-1:t2' }]);
    expect(ivr.session.result).toMatchObject({ endStatus: 102, keys: ['2'] });
  });

  it('during "transferring" is still ivrGiveUp, during the goodbye keeps ivrEnd', () => {
    const queueing = atMainMenu();
    queueing.press('1');
    queueing.hangUp();
    expect(queueing.session.result).toMatchObject({ outcome: 'callerHungUp', endStatus: 102, skillGroupId: null });

    const leaving = atMainMenu();
    leaving.press('9');
    leaving.hangUp();
    expect(leaving.session.result).toMatchObject({ outcome: 'callerHungUp', endStatus: 107 });
  });

  it('after the IVR let the call go is a race, ignored, as are late keys', () => {
    const ivr = atMainMenu();
    ivr.press('2');
    ivr.finishPrompt();
    ivr.press('1');
    expect(ivr.hangUp()).toEqual([]);
    expect(ivr.press('1')).toEqual([]);
    expect(ivr.session.result?.outcome).toBe('queued');
  });
});

describe('work time', () => {
  it('inside the schedule goes to the start node', () => {
    expect(played(driver().started())).toEqual(['zh-CN/welcome']);
  });

  it('outside it plays the closed prompts without barge-in and hangs up as notWorkTime (106)', () => {
    const saturday = Date.UTC(2026, 11, 5, 3, 0, 0);
    const ivr = driver({ now: saturday });
    expect(ivr.started()).toEqual([{ type: 'play', playbackId: 'call-1:p1', prompts: ['zh-CN/outside-hours', 'zh-CN/goodbye'], bargeIn: false }]);
    expect(ivr.session.nodeId).toBeNull();
    expect(ivr.press('1')).toEqual([]);
    expect(ivr.finishPrompt()).toEqual([{ type: 'hangup', reason: 'notWorkTime', endStatus: 106 }]);
    expect(ivr.session.result).toMatchObject({ outcome: 'hungUp', endStatus: 106, keys: [] });
  });

  it('hangs up at once when there is no closed prompt', () => {
    const flow = hotlineFlow((json) => ((json.workTime as Record<string, unknown>).closedPrompts = []));
    const ivr = new IvrDriver(flow, { now: Date.UTC(2026, 11, 5, 3, 0, 0) });
    expect(ivr.started()).toEqual([{ type: 'hangup', reason: 'notWorkTime', endStatus: 106 }]);
  });

  it('a caller hanging up during the closed prompt keeps notWorkTime', () => {
    const ivr = driver({ now: Date.UTC(2026, 11, 5, 3, 0, 0) });
    ivr.started();
    ivr.hangUp();
    expect(ivr.session.result?.endStatus).toBe(106);
  });

  it('runs with no schedule at any hour', () => {
    const flow = hotlineFlow((json) => delete json.workTime);
    expect(played(new IvrDriver(flow, { now: Date.UTC(2026, 11, 6, 20, 0, 0) }).started())).toEqual(['zh-CN/welcome']);
  });
});

describe('the survey', () => {
  it('records the key in PostIVRKeyPressedEx form, thanks the caller and ends without an EndStatus', () => {
    const ivr = driver({ mode: 'survey' });
    expect(ivr.started()).toEqual([{ type: 'play', playbackId: 'call-1:p1', prompts: ['zh-CN/survey'], bargeIn: true }]);
    ivr.finishPrompt(5000);
    expect(ivr.press('1', 1000)).toEqual([
      { type: 'cancelTimer', timerId: 'call-1:t1' },
      { type: 'keyPressed', record: { Key: '1', Label: '满意', Timestamp: MONDAY_10_SHANGHAI + 6000, NodeLabel: '满意度调查' }, step: { key: '1', label: '满意' }, survey: true },
      { type: 'play', playbackId: 'call-1:p2', prompts: ['zh-CN/thanks'], bargeIn: false },
    ]);
    expect(ivr.finishPrompt()).toEqual([{ type: 'hangup', reason: 'surveyEnd', endStatus: null }]);
    expect(ivr.session.result).toMatchObject({ outcome: 'hungUp', endStatus: null, keys: ['1'], ivrPath: [] });
  });

  it('ignores the work-time schedule: it runs after a call that was answered', () => {
    const ivr = driver({ mode: 'survey', now: Date.UTC(2026, 11, 5, 3, 0, 0) });
    expect(played(ivr.started())).toEqual(['zh-CN/survey']);
  });

  it('records TCCC\'s noInput key when the caller gives no answer', () => {
    const ivr = driver({ mode: 'survey' });
    ivr.started();
    ivr.finishPrompt();
    expect(played(ivr.silence())).toEqual(['zh-CN/survey']);
    ivr.finishPrompt();
    const end = ivr.silence();
    expect(end).toEqual([
      { type: 'keyPressed', record: { Key: 'noInput', Label: '', Timestamp: ivr.now, NodeLabel: '满意度调查' }, step: { key: 'noInput', label: '' }, survey: true },
      { type: 'hangup', reason: 'surveyEnd', endStatus: null },
    ]);
  });

  it('records noInput when the caller hangs up before a key, and no EndStatus', () => {
    const ivr = driver({ mode: 'survey' });
    ivr.started();
    ivr.hangUp();
    expect(ivr.session.result).toMatchObject({ outcome: 'callerHungUp', endStatus: null, keys: ['noInput'] });
  });

  it('refuses to run on a flow without a survey', () => {
    const flow = hotlineFlow((json) => delete json.survey);
    expect(() => new IvrSession({ sessionId: 'x', flow, mode: 'survey', clock: () => 0 })).toThrow(IvrStateError);
  });
});

describe('other nodes', () => {
  it('a start at a queue or hang-up node lets the call go at once', () => {
    const queue = new IvrDriver(parseIvrFlow({ version: 1, start: 'q', nodes: { q: { kind: 'queue', skillGroupId: 3, prompts: ['zh-CN/transferring'] } } }), { now: MONDAY_10_SHANGHAI });
    expect(played(queue.started())).toEqual(['zh-CN/transferring']);
    expect(queue.finishPrompt()).toEqual([{ type: 'queue', skillGroupId: 3, ivrPath: [] }]);

    const hangup = new IvrDriver(parseIvrFlow({ version: 1, start: 'end', nodes: { end: { kind: 'hangup' } } }), { now: MONDAY_10_SHANGHAI });
    expect(hangup.started()).toEqual([{ type: 'hangup', reason: 'ivrEnd', endStatus: 107 }]);
    expect(hangup.transitions.map((move) => `${move.from}→${move.to}`)).toEqual(['idle→done']);
  });

  it('a goto key to a hang-up node ends as ivrEnd with the default label (the target node id)', () => {
    const ivr = atMainMenu();
    ivr.press('#');
    expect(ivr.session.ivrPath).toEqual([{ key: '#', label: 'closed' }]);
    expect(ivr.finishPrompt()).toEqual([{ type: 'hangup', reason: 'ivrEnd', endStatus: 107 }]);
  });
});

describe('illegal moves and races', () => {
  it('throws on events before started and on a second start', () => {
    const ivr = driver();
    expect(() => ivr.session.handle({ type: 'dtmf', digit: '1' })).toThrow(IvrStateError);
    expect(() => ivr.session.handle({ type: 'promptFinished', playbackId: 'call-1:p1' })).toThrow(/before started/);
    ivr.started();
    expect(() => ivr.session.handle({ type: 'started' })).toThrow(/started twice/);
  });

  it('throws on playbacks and timers it never issued, and on digits that are not DTMF', () => {
    const ivr = atMainMenu();
    expect(() => ivr.session.handle({ type: 'promptFinished', playbackId: 'call-1:p9' })).toThrow(/never played/);
    expect(() => ivr.session.handle({ type: 'timerFired', timerId: 'call-1:t9' })).toThrow(/never scheduled/);
    expect(() => ivr.session.handle({ type: 'timerFired', timerId: 'call-1:p1' })).toThrow(/never scheduled/);
    expect(() => ivr.session.handle({ type: 'promptFinished', playbackId: 'call-2:p1' })).toThrow(/never played/);
    expect(() => ivr.session.handle({ type: 'dtmf', digit: '12' })).toThrow(/not a DTMF digit/);
  });

  it('ignores a timer that fires after a key cancelled it, and a repeated promptFinished', () => {
    const ivr = atMainMenu();
    const timer = ivr.timer?.id as string;
    ivr.press('0');
    expect(ivr.session.handle({ type: 'timerFired', timerId: timer })).toEqual([]);
    expect(ivr.session.handle({ type: 'promptFinished', playbackId: 'call-1:p1' })).toEqual([]);
  });

  it('treats an unlisted DTMF digit (A–D) as a wrong key', () => {
    const ivr = atMainMenu();
    expect(played(ivr.press('A'))).toEqual(['zh-CN/invalid-key']);
  });

  it('allows only the moves of its table', () => {
    expect(() => assertIvrMove('x', 'leaving', 'prompting')).toThrow(IvrStateError);
    expect(() => assertIvrMove('x', 'done', 'idle')).toThrow(/cannot go from done to idle/);
    expect(() => assertIvrMove('x', 'collecting', 'retrying')).not.toThrow();
  });

  it('reports each move to the observer, and an observer that throws changes nothing', () => {
    const ivr = atMainMenu();
    ivr.press('1');
    ivr.finishPrompt();
    expect(ivr.transitions.map((move) => `${move.from}→${move.to} ${move.cause} ${move.nodeId}`)).toEqual([
      'idle→prompting started main',
      'prompting→collecting promptFinished main',
      'collecting→leaving dtmf main',
      'leaving→done promptFinished main',
    ]);

    const loud = new IvrSession({
      sessionId: 'loud',
      flow: hotlineFlow(),
      mode: 'flow',
      clock: () => MONDAY_10_SHANGHAI,
      onTransition: () => {
        throw new Error('observer failed');
      },
    });
    expect(kinds(loud.handle({ type: 'started' }))).toEqual(['play']);
    expect(loud.phase).toBe('prompting');
  });

  it('keeps playback and timer ids unique per session', () => {
    const first = driver();
    const second = new IvrDriver(hotlineFlow(), { now: MONDAY_10_SHANGHAI, sessionId: 'call-2' });
    first.started();
    second.started();
    expect(first.playing).toBe('call-1:p1');
    expect(second.playing).toBe('call-2:p1');
  });
});

it('records keys in the official SDK\'s IVRKeyPressedElement shape (checked by the compiler)', () => {
  const ivr = atMainMenu();
  ivr.press('1');
  const [record] = ivr.session.keysPressed;
  type TcccKey = Required<Pick<IVRKeyPressedElement, 'Key' | 'Label' | 'Timestamp' | 'NodeLabel'>>;
  const official: TcccKey = record as IvrKeyPressed;
  const back: IvrKeyPressed = official;
  expect(Object.keys(back).sort()).toEqual(['Key', 'Label', 'NodeLabel', 'Timestamp']);
});
