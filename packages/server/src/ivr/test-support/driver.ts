import type { IvrFlow } from '@openccc/protocol';
import { IvrSession } from '../session.js';
import type { IvrCommand, IvrTransition } from '../types.js';

/** A session on a hand-moved clock, remembering what the engine would: the playback and the timer in progress. */
export class IvrDriver {
  now: number;
  readonly session: IvrSession;
  readonly transitions: IvrTransition[] = [];
  playing: string | null = null;
  timer: { id: string; at: number } | null = null;

  constructor(flow: IvrFlow, options: { now: number; mode?: 'flow' | 'survey'; sessionId?: string }) {
    this.now = options.now;
    this.session = new IvrSession({
      sessionId: options.sessionId ?? 'call-1',
      flow,
      mode: options.mode ?? 'flow',
      clock: () => this.now,
      onTransition: (transition) => this.transitions.push(transition),
    });
  }

  started(): IvrCommand[] {
    return this.track(this.session.handle({ type: 'started' }));
  }

  /** The current playback ends, `ms` after now. */
  finishPrompt(ms = 3000): IvrCommand[] {
    if (this.playing === null) throw new Error('nothing is playing');
    this.now += ms;
    const playbackId = this.playing;
    this.playing = null;
    return this.track(this.session.handle({ type: 'promptFinished', playbackId }));
  }

  press(digit: string, afterMs = 500): IvrCommand[] {
    this.now += afterMs;
    return this.track(this.session.handle({ type: 'dtmf', digit }));
  }

  /** The armed timer fires at its time. */
  silence(): IvrCommand[] {
    if (this.timer === null) throw new Error('no timer is armed');
    const timer = this.timer;
    this.now = timer.at;
    this.timer = null;
    return this.track(this.session.handle({ type: 'timerFired', timerId: timer.id }));
  }

  hangUp(afterMs = 100): IvrCommand[] {
    this.now += afterMs;
    return this.track(this.session.handle({ type: 'callerHungUp' }));
  }

  private track(commands: IvrCommand[]): IvrCommand[] {
    for (const command of commands) {
      if (command.type === 'play') this.playing = command.playbackId;
      if (command.type === 'stopPlayback' && command.playbackId === this.playing) this.playing = null;
      if (command.type === 'schedule') this.timer = { id: command.timerId, at: command.at };
      if (command.type === 'cancelTimer' && command.timerId === this.timer?.id) this.timer = null;
    }
    return commands;
  }
}

/** The command types in order, for compact path assertions. */
export function kinds(commands: IvrCommand[]): string[] {
  return commands.map((command) => command.type);
}

/** The prompts of the first `play` command. */
export function played(commands: IvrCommand[]): string[] | undefined {
  const play = commands.find((command) => command.type === 'play');
  return play?.type === 'play' ? play.prompts : undefined;
}
