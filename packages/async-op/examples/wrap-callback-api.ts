// Guide code: wrapping a callback API that cannot be stopped (fs.stat) as a cancellable start function, and bridging
// an AbortSignal both ways. Compiled and run by test/examples.test.ts; shown in docs/guides/.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncOp, CanceledError, isCanceledError, runAsPromise, type NodeCallback } from 'async-op';

// #region stat-start
/**
 * Starts an fs.stat that can be canceled: fs.stat cannot be stopped, so cancel reports CANCELED at once (fake cancel)
 * and the late real result is dropped.
 */
export function startStat(path: string, callback: NodeCallback<fs.Stats>): AsyncOp<unknown> {
  // 1. validate first: throwing here calls back nothing and leaves nothing behind
  if (typeof path !== 'string') throw new TypeError(`Expected \`path\` to be a string, got ${typeof path}`);
  // 2. the op; its cancel implementation reports CANCELED at once, if it wins the delivery
  const op = AsyncOp.create({
    context: null,
    cancel: () => {
      if (own.complete()) callback(new CanceledError('stat canceled'));
    },
  });
  // 3. the callback's own reference, taken BEFORE starting: the result may come before anyone else acts
  const own = op.ref();
  // 4. start the work last. Its completion ALWAYS arrives, so it, not cancel, ends the callback's reference:
  //    releasing it in cancel would make this late completion touch a released reference
  fs.stat(path, (error, stats) => {
    // 5. complete() picks exactly one delivery: the real result or the cancel, whichever came first
    const isDelivery = own.complete();
    own.release();
    if (isDelivery) callback(error, stats);
  });
  return op;
}
// #endregion

// #region promise-with-signal
/** The same start function as a Promise that honours `{ signal }`: aborting rejects with the signal's reason. */
export function statWithSignal(path: string, signal?: AbortSignal): Promise<fs.Stats> {
  return runAsPromise<fs.Stats>((callback) => startStat(path, callback), { signal });
}
// #endregion

// #region op-signal
/** Hands an op's `signal` to an API that takes `{ signal }`: cancel() aborts the sleep with the op's reason. */
export async function sleepUnlessCanceled(op: AsyncOp<unknown>, ms: number): Promise<'slept' | 'canceled'> {
  try {
    await sleep(ms, undefined, { signal: op.signal });
    return 'slept';
  } catch (error) {
    // node:timers/promises rejects with an AbortError whose `cause` is the op's reason
    if (op.isCanceled && isCanceledError(error)) return 'canceled';
    throw error;
  }
}
// #endregion

// #region follow-signal
/** Makes an op follow an external signal: its abort cancels the op; the link goes away when the op completes. */
export function cancelOnAbort(op: AsyncOp<unknown>, signal: AbortSignal): void {
  op.follow(signal);
}
// #endregion
