// Tutorial code: a start function with a deadline on an injectable clock.
// Compiled and run by test/examples.test.ts; shown in docs/tutorials/08-deadlines-and-reasons.md.
// #region start-delay
import { AsyncOp, type Clock, type NodeCallback } from 'async-op';

interface DelayContext {
  readonly clock: Clock;
  timer: unknown;
  /** The callback's own reference: whoever delivers (the timer or the cancel) uses and releases it. */
  own: AsyncOp<DelayContext> | undefined;
  readonly callback: NodeCallback<string>;
}

/** What startDelay() takes besides the delay. */
export interface DelayOptions {
  readonly clock: Clock;
  readonly label: string;
  /** The op's deadline, relative to now. */
  readonly timeoutMs: number;
  /** An op whose cancel (or deadline) also cancels this one. */
  readonly parent?: AsyncOp<unknown> | undefined;
}

/** Waits `ms` on `options.clock`, unless the deadline (its own or its parent's) or a cancel comes first. */
export function startDelay(ms: number, options: DelayOptions, callback: NodeCallback<string>): AsyncOp<DelayContext> {
  const { clock, label, timeoutMs, parent } = options;
  const context: DelayContext = { clock, timer: undefined, own: undefined, callback };
  // 1. the deadline is part of the op: when it passes, the cancel implementation runs with a deadline reason
  const op = AsyncOp.create({
    context,
    label,
    clock,
    timeoutMs,
    cancel: (ctx) => {
      ctx.clock.clearTimer(ctx.timer);
      deliver(ctx, ctx.own?.reason);
    },
  });
  // 2. the callback's reference, taken BEFORE starting (named, for the diagnostics tree)
  context.own = op.ref('startDelay callback');
  // 3. follow the parent: its cancel reaches this op, and its earlier deadline with it
  if (parent !== undefined) op.follow(parent);
  // 4. start the work last, on the same clock, unless a canceled parent already canceled the op
  if (!op.isCanceled) context.timer = clock.setTimer((ctx) => deliver(ctx, null, `${label} done`), ms, context);
  return op;
}

function deliver(context: DelayContext, error: unknown, value?: string): void {
  const own = context.own;
  // 5. exactly once: only the delivery that wins complete() calls back
  if (own === undefined || !own.complete()) return;
  context.own = undefined;
  own.release();
  context.callback(error, value);
}
// #endregion
