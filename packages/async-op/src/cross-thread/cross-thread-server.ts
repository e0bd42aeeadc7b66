import type { TransferListItem } from 'node:worker_threads';
import { isCanceledError } from '../canceled-error.js';
import { describeValue, expectFunction } from '../describe-value.js';
import { isCallMessage, type ResultMessage } from './internal/messages.js';
import { encodeReason } from './internal/reason-codec.js';
import { SharedCancelFollower } from './shared-cancel-follower.js';

/**
 * What runs one call on the serving thread: receives the request and the follower of the caller's cancel; returns
 * the value, or a promise of it, or throws.
 *
 * @remarks Stop when `follower.isCanceled` says so (or when `follower.op` is canceled, for work that is waiting) and
 *   throw the reason (`follower.throwIfCanceled()`): the caller then gets `canceled` with its own reason. A value
 *   returned after a cancel is still delivered as the result, unless the caller asked for `at-once` reports.
 */
export type CrossThreadHandler = (request: unknown, follower: SharedCancelFollower) => unknown;

/** The serving thread's end: `parentPort` in a worker, or a MessagePort. */
export interface CrossThreadPort {
  postMessage(message: unknown, transfer?: readonly TransferListItem[]): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/** Options of {@link CrossThreadServer.serve}. */
export interface CrossThreadServerOptions {
  /** Passed to every {@link SharedCancelFollower.follow}: default true (cancels reach idle calls without a check). */
  readonly watch?: boolean | undefined;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * The serving side of {@link CrossThreadChannel}: runs each call it receives with a {@link SharedCancelFollower} of
 * the caller's cancel, and reports how it ended, exactly once.
 *
 * @remarks
 * The report is posted after the follower completed: once the owner has it, the slot may serve another operation,
 * and this thread no longer reads it. `canceled` is reported when the handler threw after the cancel was seen, with
 * the reason or any cancellation error (see isCanceledError); anything else thrown is an `error`, carried with its
 * name, message, code, kind and stack. A value that cannot be cloned is reported as that DataCloneError. Messages
 * that are not calls are left to the port's other listeners.
 */
export class CrossThreadServer {
  private pending = 0;
  private isListening = true;
  private readonly onMessage = (message: unknown): void => this.receive(message);

  private constructor(
    private readonly port: CrossThreadPort,
    private readonly handler: CrossThreadHandler,
    private readonly watch: boolean,
  ) {}

  /**
   * Starts serving calls that arrive on `port`.
   *
   * @param port - where calls arrive and results go.
   * @param handler - runs each call.
   * @param options - `watch`.
   * @returns the server.
   * @throws TypeError naming the value received for a bad port, handler or options.
   */
  static serve(
    port: CrossThreadPort,
    handler: CrossThreadHandler,
    options: CrossThreadServerOptions = {},
  ): CrossThreadServer {
    const isPort =
      typeof port === 'object' &&
      port !== null &&
      ['postMessage', 'on', 'off'].every(
        (name) => typeof (port as unknown as Record<string, unknown>)[name] === 'function',
      );
    if (!isPort) throw new TypeError(`Expected \`port\` to be a MessagePort, got ${describeValue(port)}`);
    expectFunction('handler', handler, false);
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
    }
    const { watch = true } = options;
    if (typeof watch !== 'boolean') {
      throw new TypeError(`Expected \`options.watch\` to be a boolean, got ${describeValue(watch)}`);
    }
    const server = new CrossThreadServer(port, handler, watch);
    port.on('message', server.onMessage);
    return server;
  }

  /** Calls received and not reported yet. */
  get pendingCount(): number {
    return this.pending;
  }

  /**
   * Stops receiving calls. Calls in flight still run to their end and report.
   *
   * @remarks Idempotent. It does not close the port.
   */
  close(): void {
    if (!this.isListening) return;
    this.isListening = false;
    this.port.off('message', this.onMessage);
  }

  private receive(message: unknown): void {
    if (!isCallMessage(message)) return;
    const id = message.asyncOpCall;
    // an id we cannot answer to is not a call of a channel: ignore it
    if (typeof id !== 'number' || !Number.isSafeInteger(id)) return;
    let follower: SharedCancelFollower;
    try {
      follower = SharedCancelFollower.follow(message['cancel'], { watch: this.watch });
    } catch (error) {
      this.post({ asyncOpResult: id, status: 'error', error: encodeReason(error, true) });
      return;
    }
    this.pending++;
    let result: unknown;
    try {
      result = this.handler(message['request'], follower);
    } catch (error) {
      return this.fail(id, follower, error);
    }
    if (!isThenable(result)) return this.succeed(id, follower, result);
    result.then(
      (value) => this.succeed(id, follower, value),
      (error: unknown) => this.fail(id, follower, error),
    );
  }

  private succeed(id: number, follower: SharedCancelFollower, value: unknown): void {
    this.end(follower);
    this.post({ asyncOpResult: id, status: 'ok', value });
  }

  private fail(id: number, follower: SharedCancelFollower, error: unknown): void {
    const isCancel = follower.isCanceled && (error === follower.reason || isCanceledError(error));
    this.end(follower);
    this.post({ asyncOpResult: id, status: isCancel ? 'canceled' : 'error', error: encodeReason(error, !isCancel) });
  }

  /** Completes the follower BEFORE the report: the owner may reuse the slot as soon as it has it. */
  private end(follower: SharedCancelFollower): void {
    follower.complete();
    this.pending--;
  }

  private post(message: ResultMessage): void {
    try {
      this.port.postMessage(message);
    } catch (error) {
      // the value could not be cloned: report that instead (a closed port throws nothing; its owner sees the close)
      this.port.postMessage({
        asyncOpResult: message.asyncOpResult,
        status: 'error',
        error: encodeReason(error, true),
      });
    }
  }
}
