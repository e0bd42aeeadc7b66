import { AsyncOp } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { HeldCallbacksModule, settleScheduler } from '../src/index.js';

/** A lower module whose operations complete when the test says so (finish()). */
class ManualModule {
  readonly name = 'manual';
  state = 'open';
  readonly #pending = new Map<string, (outcome: string) => void>();

  get pendingCount(): number {
    return this.#pending.size;
  }

  open(): void {
    this.state = 'open';
  }

  start(request: string, callback: (outcome: string) => void): AsyncOp<unknown> {
    this.#pending.set(request, callback);
    return AsyncOp.create({ context: request });
  }

  finish(request: string): void {
    const callback = this.#pending.get(request);
    this.#pending.delete(request);
    callback?.(`${request} done`);
  }

  close(): Promise<void> {
    this.state = 'closed';
    return Promise.resolve();
  }
}

function scheduler(): fc.Scheduler {
  return (fc.sample(fc.scheduler(), { numRuns: 1, seed: 7 }) as [fc.Scheduler])[0];
}

describe('HeldCallbacksModule', () => {
  it('should deliver a held callback inside the next start(), after that start was submitted below', () => {
    const lower = new ManualModule();
    const held = new HeldCallbacksModule(
      lower,
      scheduler(),
      () => undefined,
      () => true,
    );
    const order: string[] = [];
    const a = held.start('a', (outcome) => order.push(outcome));
    lower.finish('a');
    order.push('a finished below');
    const b = held.start('b', (outcome) => order.push(`${outcome}; b pending below: ${lower.pendingCount}`));
    order.push('b returned');
    expect(order).to.deep.equal(['a finished below', 'a done', 'b returned']);
    expect(held.pendingCount).to.equal(1);
    lower.finish('b');
    held.flush();
    for (const op of [a, b]) op.release();
  });

  it('should deliver a held callback in a scheduled task, and resolve close() once none is held', async () => {
    const s = scheduler();
    const lower = new ManualModule();
    const held = new HeldCallbacksModule(lower, s, () => undefined);
    const order: string[] = [];
    held.start('a', (outcome) => order.push(outcome)).release();
    lower.finish('a');
    expect(held.pendingCount).to.equal(1);
    void held.close().then(() => order.push('closed'));
    await settleScheduler(s);
    expect(order).to.deep.equal(['a done', 'closed']);
    expect(s.report().map((task) => task.outputValue)).to.deep.equal(['"deliver a held callback"']);
  });

  it('should pass what a scheduled delivery throws to onError, and flush() what is left to reaping', async () => {
    const s = scheduler();
    const lower = new ManualModule();
    const errors: unknown[] = [];
    const held = new HeldCallbacksModule(
      lower,
      s,
      (error) => errors.push(error),
      (n) => n === 2,
    );
    const failure = new Error('the callback threw');
    held
      .start('a', () => {
        throw failure;
      })
      .release();
    const delivered: string[] = [];
    held.start('b', (outcome) => delivered.push(outcome)).release();
    lower.finish('a');
    lower.finish('b');
    await settleScheduler(s);
    expect(errors).to.deep.equal([failure]);
    expect(delivered).to.deep.equal([]);
    expect(held.flush()).to.equal(true);
    expect(delivered).to.deep.equal(['b done']);
    expect(held.flush()).to.equal(false);
  });
});
