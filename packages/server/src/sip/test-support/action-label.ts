import type { TransactionAction } from '../transaction/machine.js';

/** A short label of a transaction action for table tests: `send`, `startTimer:A`, `fail:timeout`. */
export function actionLabel(action: TransactionAction): string {
  if (action.type === 'startTimer' || action.type === 'stopTimer') return `${action.type}:${action.timer}`;
  if (action.type === 'fail') return `fail:${action.failure}`;
  return action.type;
}
