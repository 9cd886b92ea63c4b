import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyBudget, DEFAULT_BODY_BUDGET_BYTES } from './body-budget.js';

/** Collects what comes out of a stream. */
function collect(stream: NodeJS.ReadableStream): Buffer[] {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return chunks;
}

describe('BodyBudget', () => {
  it('defaults to 64 MB', () => {
    expect(new BodyBudget().limit).toBe(DEFAULT_BODY_BUDGET_BYTES);
    expect(DEFAULT_BODY_BUDGET_BYTES).toBe(64 * 1024 * 1024);
  });

  it('takes bytes while they fit, and takes nothing when they do not', () => {
    const budget = new BodyBudget(100);
    expect(budget.take(60)).toBe(true);
    expect(budget.fits(40)).toBe(true);
    expect(budget.fits(41)).toBe(false);
    expect(budget.take(41)).toBe(false);
    expect(budget.inUse).toBe(60);
    expect(budget.take(40)).toBe(true);
    budget.release(100);
    expect(budget.inUse).toBe(0);
    budget.release(5);
    expect(budget.inUse).toBe(0);
  });

  it('meters a body chunk by chunk and gives every byte back once', async () => {
    const budget = new BodyBudget(100);
    const meter = budget.meter(() => expect.fail('the body fits'));
    const out = collect(meter.stream);
    meter.stream.write(Buffer.alloc(30));
    meter.stream.end(Buffer.alloc(20));
    await once(meter.stream, 'end');
    expect(Buffer.concat(out).length).toBe(50);
    expect(budget.inUse).toBe(50);
    meter.release();
    meter.release();
    expect(budget.inUse).toBe(0);
  });

  it('stalls a body at the first chunk that does not fit, tells once, and keeps other requests whole', async () => {
    const budget = new BodyBudget(100);
    const first = budget.meter(() => expect.fail('the first body fits'));
    collect(first.stream);
    first.stream.write(Buffer.alloc(70));
    let exhausted = 0;
    let told!: () => void;
    const stalled = new Promise<void>((resolve) => (told = resolve));
    const second = budget.meter(() => {
      exhausted += 1;
      told();
    });
    const out = collect(second.stream);
    const source = new PassThrough();
    source.pipe(second.stream);
    source.write(Buffer.alloc(20));
    source.write(Buffer.alloc(20));
    source.write(Buffer.alloc(20));
    await stalled;
    expect(exhausted).toBe(1);
    expect(Buffer.concat(out).length).toBe(20);
    expect(budget.inUse).toBe(90);
    second.release();
    first.release();
    expect(budget.inUse).toBe(0);
  });

  it('takes nothing after its request was released', async () => {
    const budget = new BodyBudget(100);
    let exhausted = 0;
    const meter = budget.meter(() => (exhausted += 1));
    collect(meter.stream);
    meter.release();
    // An idle Transform runs its transform function within write().
    meter.stream.write(Buffer.alloc(10));
    expect(budget.inUse).toBe(0);
    expect(exhausted).toBe(0);
  });
});
