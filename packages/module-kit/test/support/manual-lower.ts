import { AsyncOp } from 'async-op';
import type { CancellableModule, ModuleState, Result, StartCallback } from '../../src/index.js';

/** One operation of a {@link ManualLower}: the test ends it (or the cancel does). */
export interface ManualCall {
  readonly request: unknown;
  readonly op: AsyncOp<ManualCall>;
  /** The cancel reasons it received, in order. */
  readonly cancels: unknown[];
  /** Ends it with `result` unless it ended already; returns whether it did. */
  end(result: Result<string>): boolean;
}

/**
 * A lower module for tests: each start records a call that the test ends with end(); `onStart` may act inside start
 * (call back at once, throw, cancel something); a cancel reports `canceled` at once when `cancelReports` is true
 * (fake cancel), else only records the reason (the test ends the call).
 */
export class ManualLower implements CancellableModule<unknown, string> {
  readonly name = 'manual-lower';
  readonly state: ModuleState = 'open';
  readonly calls: ManualCall[] = [];
  cancelReports = false;
  onStart: ((call: ManualCall) => void) | undefined = undefined;

  get pendingCount(): number {
    return this.calls.filter((call) => !call.op.isCompleted).length;
  }

  open(): void {}

  start(request: unknown, callback: StartCallback<string>): AsyncOp<unknown> {
    const cancels: unknown[] = [];
    let own: AsyncOp<ManualCall> | null = null;
    const end = (result: Result<string>): boolean => {
      if (own === null || !own.complete()) return false;
      const releasing = own;
      own = null;
      releasing.release();
      callback(result);
      return true;
    };
    const context = { request, cancels, end } as unknown as ManualCall;
    const op = AsyncOp.create<ManualCall>({
      context,
      cancel: (call) => {
        call.cancels.push(call.op.reason);
        if (this.cancelReports) call.end({ status: 'canceled', error: call.op.reason });
      },
    });
    Object.assign(context, { op });
    own = op.ref();
    this.calls.push(context);
    try {
      this.onStart?.(context);
    } catch (error) {
      if (own !== null) {
        own.complete();
        own.release();
        own = null;
      }
      op.release();
      throw error;
    }
    return op;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  destroy(): void {}
}
