// A tour of AsyncOp in one file: a cancellable start function over a timer, run three ways.
// Run it with `npm start` from the repository root.
import { AsyncOp, CanceledError, isCanceledError, runAsPromise, type NodeCallback } from 'async-op';

interface WaitContext {
  readonly label: string;
  timer: NodeJS.Timeout | undefined;
  /** The callback's own reference: whoever delivers the result (timer or cancel) uses and releases it. */
  callbackRef: AsyncOp<WaitContext> | undefined;
  readonly callback: NodeCallback<string>;
}

const log = (line: string): void => console.log(`${(performance.now() | 0).toString().padStart(5)} ms  ${line}`);

/**
 * Starts a wait of `ms` milliseconds. Returning means `callback` will be called exactly once; the returned reference
 * belongs to the caller, who may cancel with it and must release it.
 */
// #region start-wait
function startWait(label: string, ms: number, callback: NodeCallback<string>): AsyncOp<WaitContext> {
  const context: WaitContext = { label, timer: undefined, callbackRef: undefined, callback };
  // 1. create the op: the cancel implementation clears the timer and reports CANCELED at once
  const op = AsyncOp.create({
    context,
    cancel: (ctx) => {
      clearTimeout(ctx.timer);
      deliver(ctx, new CanceledError(`${ctx.label} canceled`));
    },
    dispose: (ctx) => log(`${ctx.label}: disposed (last reference released)`),
  });
  // 2. take the callback's reference BEFORE starting: the result may come before start returns
  context.callbackRef = op.ref();
  // 3. start the work
  context.timer = setTimeout(() => deliver(context, null, `${label} finished after ${ms} ms`), ms);
  return op;
}

function deliver(context: WaitContext, error: unknown, value?: string): void {
  const own = context.callbackRef;
  // 4. exactly once: only the delivery that wins complete() calls back
  if (own === undefined || !own.complete()) return;
  context.callbackRef = undefined;
  own.release();
  context.callback(error, value);
}
// #endregion

async function main(): Promise<void> {
  log('1. a wait that runs to its end');
  const first = startWait('wait A', 30, (error, value) => log(`wait A: callback ${error ? String(error) : value}`));
  await new Promise((resolve) => setTimeout(resolve, 50));
  log(`wait A: cancel() after completion returns ${first.cancel()} and runs nothing`);
  first.release();

  log('2. a wait canceled half-way: the callback comes inside cancel(), once');
  const second = startWait('wait B', 1000, (error) => log(`wait B: callback ${String(error)}`));
  second.onCancel((reason) => log(`wait B: onCancel registration saw "${String(reason)}"`));
  log(`wait B: cancel("user pressed stop") returns ${second.cancel('user pressed stop')}`);
  log(`wait B: a second cancel() returns ${second.cancel()}`);
  second.release();

  log('3. the same start function as a Promise, with an AbortSignal timeout of 40 ms');
  try {
    await runAsPromise<string>((callback) => startWait('wait C', 1000, callback), { signal: AbortSignal.timeout(40) });
  } catch (error) {
    log(`wait C: rejected with ${String(error)} (isCanceledError: ${isCanceledError(error)})`);
  }
  log('done: every callback ran exactly once and every reference was released');
}

await main();
