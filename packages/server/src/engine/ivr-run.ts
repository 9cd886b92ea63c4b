import type { IvrKeyPressed, IvrPathStep } from '@openccc/protocol';
import type { IvrCommand, IvrEvent, IvrHangupReason } from '../ivr/types.js';
import type { IvrSession } from '../ivr/session.js';

/** What an IVR run needs from the engine. */
export interface IvrHost {
  /** Plays one prompt file on the caller's leg; the engine reports its end with `promptEnded`. */
  playFile(path: string): void;
  stopFile(): void;
  schedule(timerId: string, at: number): void;
  cancelTimer(timerId: string): void;
  keyPressed(record: IvrKeyPressed, step: IvrPathStep, survey: boolean): void;
  queue(skillGroupId: number, ivrPath: IvrPathStep[]): void;
  hangup(reason: IvrHangupReason): void;
}

/**
 * One call's IVR: feeds the pure `IvrSession` and carries out its commands on
 * the caller's leg. A `play` of several prompts plays them one after another;
 * `promptFinished` goes back once the last has finished.
 */
export class IvrRun {
  private playback: { id: string; files: string[] } | null = null;
  private over = false;

  constructor(
    private readonly session: IvrSession,
    private readonly promptPath: (promptId: string) => string | undefined,
    private readonly host: IvrHost,
  ) {}

  get done(): boolean {
    return this.over;
  }

  handle(event: IvrEvent): void {
    if (this.over) return;
    this.run(this.session.handle(event));
  }

  /** The prompt playing on the caller's leg finished (or was stopped). */
  promptEnded(finished: boolean): void {
    const playback = this.playback;
    if (!playback || !finished) return;
    const next = playback.files.shift();
    if (next !== undefined) {
      this.host.playFile(next);
      return;
    }
    this.playback = null;
    this.handle({ type: 'promptFinished', playbackId: playback.id });
  }

  /** The caller hung up, or the call ended elsewhere. */
  stop(): void {
    if (this.over) return;
    if (this.session.phase !== 'done') this.handle({ type: 'callerHungUp' });
    this.over = true;
  }

  private run(commands: IvrCommand[]): void {
    for (const command of commands) {
      switch (command.type) {
        case 'play': {
          const files = command.prompts.map((id) => this.promptPath(id)).filter((path): path is string => path !== undefined);
          this.playback = { id: command.playbackId, files };
          const first = files.shift();
          if (first === undefined) {
            // Nothing playable (a prompt removed since the flow was checked): the play is over at once.
            this.playback = null;
            queueMicrotask(() => this.handle({ type: 'promptFinished', playbackId: command.playbackId }));
          } else this.host.playFile(first);
          break;
        }
        case 'stopPlayback':
          if (this.playback?.id === command.playbackId) {
            this.playback = null;
            this.host.stopFile();
          }
          break;
        case 'collectDigit':
          break;
        case 'schedule':
          this.host.schedule(command.timerId, command.at);
          break;
        case 'cancelTimer':
          this.host.cancelTimer(command.timerId);
          break;
        case 'keyPressed':
          this.host.keyPressed(command.record, command.step, command.survey);
          break;
        case 'queue':
          this.over = true;
          this.host.queue(command.skillGroupId, command.ivrPath);
          break;
        case 'hangup':
          this.over = true;
          this.host.hangup(command.reason);
          break;
      }
    }
  }
}
