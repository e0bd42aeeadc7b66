import type { TransferListItem } from 'node:worker_threads';
import { AsyncOp } from '../async-op.js';
import { describeValue, expectFunction } from '../describe-value.js';
import type { NodeCallback } from '../run-as-promise.js';
import type { CancelSlotTable } from './cancel-slot-table.js';
import { CrossThreadErrorCode } from './cross-thread-error-codes.js';
import { CrossThreadExitError } from './cross-thread-exit-error.js';
import { isResultMessage, isWellFormedResult, type CallMessage, type ResultMessage } from './internal/messages.js';
import { decodeReason } from './internal/reason-codec.js';
import type { SharedCancel } from './shared-cancel.js';

/**
 * The owner's end of a thread: a `Worker`, or a `MessagePort` whose other end a {@link CrossThreadServer} serves.
 * The channel listens to `message`, and to `error`, `exit` (a Worker) and `close` (a port) to notice the end.
 */
export interface CrossThreadEndpoint {
  postMessage(message: unknown, transfer?: readonly TransferListItem[]): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** When a canceled call reports `canceled` to its callback. */
export type CancelReport =
  /** Once the thread stopped and reported (what really happened: a result that won the race is delivered as is). */
  | 'when-stopped'
  /** At once, inside cancel(); a late result is dropped (as the fake-cancel sample does on one thread). */
  | 'at-once';

/** Options of {@link CrossThreadChannel.start}. */
export interface CrossThreadCallOptions {
  /** Objects to transfer with the request (ArrayBuffers, MessagePorts). */
  readonly transfer?: readonly TransferListItem[] | undefined;
  /** Default `when-stopped`. */
  readonly reportCancel?: CancelReport | undefined;
}

/** Options of {@link CrossThreadChannel}. */
export interface CrossThreadChannelOptions {
  /** The thread's end: a Worker, or a port. Not owned: the channel never terminates or closes it. */
  readonly endpoint: CrossThreadEndpoint;
  /** Where the calls' cancel slots come from; may be shared by several channels (the slots of a pool). */
  readonly table: CancelSlotTable;
}

/** The state of one call, the context of its op. */
interface Call {
  readonly id: number;
  /** The callback's reference, until the thread reported (or exited). */
  own: AsyncOp<Call> | null;
  shared: SharedCancel | null;
  readonly callback: NodeCallback<unknown>;
}

/**
 * Runs operations on another thread and delivers each result exactly once, with cancel carried across.
 *
 * @remarks
 * One channel per thread. {@link CrossThreadChannel.start} posts the request with a cancel descriptor (a slot of the
 * table); the other thread runs it under {@link CrossThreadServer} and reports how it ended. The slot stays the
 * call's until that report, or until the thread exits: no other operation can be canceled through it meanwhile.
 *
 * TIMING. A callback is never called inside start(). A canceled call reports when the thread stopped (`when-stopped`,
 * the default: `canceled` with the cancel reason unchanged if the thread stopped because of it, or the result the
 * thread reached first), or at once inside cancel() (`at-once`: the late result is dropped). If the thread exits with
 * calls in flight, each gets one {@link CrossThreadExitError}; after that, start() throws it.
 */
export class CrossThreadChannel {
  private readonly endpoint: CrossThreadEndpoint;
  private readonly table: CancelSlotTable;
  private readonly calls = new Map<number, Call>();
  private nextId = 1;
  private exit: CrossThreadExitError | null = null;
  private lastError: unknown = undefined;
  private readonly onMessage = (message: unknown): void => this.receive(message);
  private readonly onError = (error: unknown): void => {
    this.lastError = error;
  };
  private readonly onExit = (exitCode: unknown): void =>
    this.close(typeof exitCode === 'number' ? exitCode : undefined);
  private readonly onClose = (): void => this.close(undefined);

  /**
   * Listens to the endpoint's `message`, `error`, `exit` and `close` events (removed once it ended).
   *
   * @throws TypeError naming the value received for a bad endpoint or table.
   */
  constructor(options: CrossThreadChannelOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
    }
    const { endpoint, table } = options;
    const isEndpoint =
      typeof endpoint === 'object' &&
      endpoint !== null &&
      ['postMessage', 'on', 'off'].every(
        (name) => typeof (endpoint as unknown as Record<string, unknown>)[name] === 'function',
      );
    if (!isEndpoint) {
      throw new TypeError(
        `Expected \`options.endpoint\` to be a Worker or a MessagePort, got ${describeValue(endpoint)}`,
      );
    }
    if (typeof table !== 'object' || table === null || typeof table.share !== 'function') {
      throw new TypeError(`Expected \`options.table\` to be a CancelSlotTable, got ${describeValue(table)}`);
    }
    this.endpoint = endpoint;
    this.table = table;
    endpoint.on('message', this.onMessage);
    endpoint.on('error', this.onError);
    endpoint.on('exit', this.onExit);
    endpoint.on('close', this.onClose);
  }

  /** Calls started and not yet reported by the thread (a call canceled `at-once` counts until its report). */
  get pendingCount(): number {
    return this.calls.size;
  }

  /** Whether the thread exited (or its port closed); start() throws from then on. */
  get hasExited(): boolean {
    return this.exit !== null;
  }

  /**
   * Starts one call on the thread.
   *
   * @param request - posted as is (structured clone), with `options.transfer`.
   * @param callback - called exactly once: `(null, value)`, `(error)`, `(reason)` for a cancel.
   * @param options - `transfer`, `reportCancel`.
   * @returns the caller's reference: cancel with it, release it once.
   * @throws TypeError for a bad callback or options; CrossThreadExitError if the thread exited;
   *   CancelSlotsExhaustedError when the table is full; whatever postMessage throws (a DataCloneError for a request
   *   that cannot be cloned). The callback never runs then, and nothing is left behind.
   */
  start<V>(request: unknown, callback: NodeCallback<V>, options: CrossThreadCallOptions = {}): AsyncOp<unknown> {
    // 1. check everything before anything exists: a start that throws leaves nothing behind
    expectFunction('callback', callback, false);
    const reportCancel = checkOptions(options);
    if (this.exit !== null) throw this.exit;
    // 2. create the op and take the callback's reference: the report may come at any time after the post
    const call: Call = { id: this.nextId++, own: null, shared: null, callback: callback as NodeCallback<unknown> };
    const op = AsyncOp.create<Call>({ context: call });
    const own = (call.own = op.ref());
    try {
      // 3. give the op a cancel slot: from now on its cancel marks the slot
      call.shared = this.table.share(op);
      // 4. record the call BEFORE posting: its report (or the thread's exit) finds it by id
      this.calls.set(call.id, call);
      // 5. post it; a request that cannot be cloned throws here
      const message: CallMessage = { asyncOpCall: call.id, cancel: call.shared.descriptor, request };
      this.endpoint.postMessage(message, options.transfer);
    } catch (error) {
      this.calls.delete(call.id);
      call.shared?.release();
      own.complete();
      own.release();
      op.release();
      throw error;
    }
    // 6. at-once: report canceled from inside cancel(), after the slot was marked (registrations run in order)
    if (reportCancel === 'at-once') op.onCancel((reason) => deliverCancelAtOnce(call, reason));
    return op;
  }

  /** The thread reported a call's end. */
  private receive(message: unknown): void {
    if (!isResultMessage(message)) return;
    // 7. find the call; an unknown id (not ours, or already failed by an exit) is ignored
    const call = this.calls.get(message.asyncOpResult as number);
    if (call === undefined) return;
    // 8. forget the call and free its slot: the thread completed its follower before posting, it no longer reads it
    this.calls.delete(call.id);
    call.shared?.release();
    call.shared = null;
    if (!isWellFormedResult(message)) {
      const error = Object.assign(new Error('The thread answered a call with a malformed result'), {
        code: CrossThreadErrorCode.CROSS_THREAD_PROTOCOL,
      });
      return deliver(call, error);
    }
    deliver(call, ...outcome(call, message));
  }

  /** The thread ended: every call in flight gets the exit error once; later starts throw it. */
  private close(exitCode: number | undefined): void {
    if (this.exit !== null) return;
    const cause = this.lastError === undefined ? undefined : { cause: this.lastError };
    const exit = new CrossThreadExitError(exitCode, cause);
    // 10. refuse new starts BEFORE calling back: a callback may start again
    this.exit = exit;
    this.endpoint.off('message', this.onMessage);
    this.endpoint.off('error', this.onError);
    this.endpoint.off('exit', this.onExit);
    this.endpoint.off('close', this.onClose);
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) {
      // the thread is gone: nobody reads the slot any more
      call.shared?.release();
      call.shared = null;
      deliver(call, exit);
    }
  }
}

function checkOptions(options: CrossThreadCallOptions): CancelReport {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  const { transfer, reportCancel = 'when-stopped' } = options;
  if (transfer !== undefined && !Array.isArray(transfer)) {
    throw new TypeError(`Expected \`options.transfer\` to be an array, got ${describeValue(transfer)}`);
  }
  if (reportCancel !== 'when-stopped' && reportCancel !== 'at-once') {
    throw new TypeError(
      `Expected \`options.reportCancel\` to be 'when-stopped' or 'at-once', got ${describeValue(reportCancel)}`,
    );
  }
  return reportCancel;
}

/** What a well-formed result delivers: a `canceled` report of a call canceled here gives the reason unchanged. */
function outcome(call: Call, message: ResultMessage): [unknown, unknown?] {
  if (message.status === 'ok') return [null, message.value];
  const own = call.own as AsyncOp<Call>;
  if (message.status === 'canceled' && own.isCanceled) return [own.reason];
  return [decodeReason(message.error)];
}

/** 9. exactly once: the delivery that wins complete() calls back; the call's reference is released either way. */
function deliver(call: Call, error: unknown, value?: unknown): void {
  const own = call.own;
  if (own === null) return;
  call.own = null;
  const isDelivery = own.complete();
  own.release();
  if (!isDelivery) return;
  if (error === null) call.callback(null, value);
  else call.callback(error);
}

/** The at-once report: wins complete() and calls back; the reference stays with the call until the thread reports. */
function deliverCancelAtOnce(call: Call, reason: unknown): void {
  const own = call.own;
  if (own === null || !own.complete()) return;
  call.callback(reason);
}
