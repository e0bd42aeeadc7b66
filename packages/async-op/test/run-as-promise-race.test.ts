import { getEventListeners } from 'node:events';
import { expect } from 'chai';
import fc from 'fast-check';
import { it } from 'mocha';
import { AsyncOp, cancelKindOf, runAsPromise, runAsPromiseRejectingOnCancel, type NodeCallback } from '../src/index.js';

/** What the op follows before runAsPromise sees it: nothing (it follows the signal), or a source (the fallback). */
const SOURCES = ['none', 'parent op', 'the same signal', 'another signal'] as const;

it('should settle runAsPromise once, release the reference once and leave no listener, in any order of abort, callback and start', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.boolean(),
      fc.constantFrom(...SOURCES),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      async (s, isSilenced, source, isAbortDuringStart, isCallbackDuringStart, isAbortFirstInStart) => {
        const run = isSilenced ? runAsPromiseRejectingOnCancel : runAsPromise;
        const controller = new AbortController();
        const { signal } = controller;
        const abortReason = new Error('aborted');
        const parent = AsyncOp.create({ context: null });
        const other = new AbortController();
        const errors: unknown[] = [];
        const guard = (action: () => void) => () => {
          try {
            action();
          } catch (error) {
            errors.push(error);
          }
        };
        /** The competing events in the order they reached the op (an abort during start: once start returned). */
        const order: string[] = [];
        let disposals = 0;
        let returned: AsyncOp<unknown> | undefined;
        /** What the op's end was: the completion (value 1), or the reason of the cancel that won. */
        let expected: { readonly value: number } | { readonly error: unknown } | undefined;
        const start = (callback: NodeCallback<number>): AsyncOp<unknown> => {
          let own: AsyncOp<unknown> | null = null;
          const end = (error: unknown): void => {
            const held = own;
            if (held === null || !held.complete()) return;
            own = null;
            expected = error === undefined ? { value: 1 } : { error };
            held.release();
            if (error === undefined) callback(null, 1);
            else if (!isSilenced) callback(error);
          };
          const op = AsyncOp.create({
            context: null,
            cancel: () => end(own?.reason),
            dispose: () => disposals++,
          });
          own = op.ref();
          if (source === 'parent op') op.follow(parent);
          if (source === 'the same signal') op.follow(signal);
          if (source === 'another signal') op.follow(other.signal);
          // until start() returned, runAsPromise cannot cancel the op: only an op that follows the signal itself sees it
          const abortNow = guard(() => {
            if (source === 'the same signal') order.push('abort');
            controller.abort(abortReason);
          });
          const completeNow = guard(() => {
            order.push('complete');
            end(undefined);
          });
          if (isAbortDuringStart && isAbortFirstInStart) abortNow();
          if (isCallbackDuringStart) completeNow();
          if (isAbortDuringStart && !isAbortFirstInStart) abortNow();
          if (!isCallbackDuringStart) void s.schedule(Promise.resolve('complete')).then(completeNow);
          if (isAbortDuringStart && source !== 'the same signal') order.push('abort');
          return (returned = op);
        };
        let settlements = 0;
        let outcome: { readonly value: unknown } | { readonly error: unknown } | undefined;
        run<number>(start, { signal }).then(
          (value) => {
            settlements++;
            outcome = { value };
          },
          (error: unknown) => {
            settlements++;
            outcome = { error };
          },
        );
        const scheduleEvent = (event: string, action: () => void): void => {
          void s.schedule(Promise.resolve(event)).then(
            guard(() => {
              order.push(event);
              action();
            }),
          );
        };
        if (!isAbortDuringStart) scheduleEvent('abort', () => controller.abort(abortReason));
        if (source === 'parent op') scheduleEvent('parent cancel', () => parent.cancel());
        await s.waitIdle();
        await new Promise((resolve) => setImmediate(resolve));
        // exactly one settlement, with what really ended the op (signal.reason unchanged when the abort won)
        expect(errors).to.deep.equal([]);
        expect(settlements).to.equal(1);
        expect(outcome).to.deep.equal(expected);
        // the first event to reach the op won: an abort cancels it as soon as runAsPromise holds it
        const first = order[0];
        if (first === 'complete') expect(outcome).to.deep.equal({ value: 1 });
        else if (first === 'abort') expect(outcome).to.deep.equal({ error: abortReason });
        else expect(cancelKindOf((outcome as { readonly error: unknown }).error)).to.equal('parent');
        // the caller's reference released by runAsPromise, the op ended once, nothing left on either signal
        expect(returned?.isReleased).to.equal(true);
        expect(disposals).to.equal(1);
        expect(getEventListeners(signal, 'abort')).to.have.length(0);
        expect(getEventListeners(other.signal, 'abort')).to.have.length(0);
        parent.release();
      },
    ),
  );
});
