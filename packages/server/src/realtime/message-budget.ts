import { MESSAGE_BUDGET } from '@openccc/protocol';
import { TokenBucket } from '../auth/rate-limiter.js';

export type BudgetVerdict = 'accept' | 'refuse' | 'close';

export type MessageBudgetPolicy = { [K in keyof typeof MESSAGE_BUDGET]: number };

/**
 * One connection's message budget (MESSAGE_BUDGET in the protocol): what to do
 * with the next message. Checked before a frame is even parsed, so a flood
 * costs the server little and cannot reach the store.
 */
export class MessageBudget {
  private readonly messages: TokenBucket;
  private readonly refusals: TokenBucket;

  constructor(
    private readonly clock: () => number,
    policy: MessageBudgetPolicy = MESSAGE_BUDGET,
  ) {
    const now = clock();
    this.messages = new TokenBucket(policy.perSecond, policy.burst, now);
    this.refusals = new TokenBucket(1 / policy.refusalRefillSeconds, policy.refusals, now);
  }

  /** Counts one message. */
  admit(): BudgetVerdict {
    const now = this.clock();
    if (this.messages.take(now)) return 'accept';
    return this.refusals.take(now) ? 'refuse' : 'close';
  }
}
