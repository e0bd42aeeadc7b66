import { CrossThreadErrorCode } from './cross-thread-error-codes.js';

/**
 * What a call through a {@link CrossThreadChannel} reports when the thread running it exited (a crash, a
 * `process.exit()` in the worker, `worker.terminate()`) or its port closed before it reported.
 *
 * @remarks
 * Delivered once to each call then in flight, whatever its state (a canceled call that already reported `canceled`
 * gets nothing more). `exitCode` is the worker's exit code when known; `cause` is the error the worker threw, when
 * it died of one.
 */
export class CrossThreadExitError extends Error {
  /** Always `ERR_CROSS_THREAD_EXITED`. */
  readonly code: typeof CrossThreadErrorCode.CROSS_THREAD_EXITED = CrossThreadErrorCode.CROSS_THREAD_EXITED;
  /** The exit code of the worker, or undefined when the endpoint was a port that closed. */
  readonly exitCode: number | undefined;

  /**
   * @param exitCode - the worker's exit code, if known.
   * @param options - `cause`: what the worker threw, if it died of an uncaught error.
   */
  constructor(exitCode: number | undefined, options?: ErrorOptions) {
    super(
      exitCode === undefined
        ? 'The thread running this call closed its port before reporting'
        : `The thread running this call exited with code ${exitCode} before reporting`,
      options,
    );
    this.exitCode = exitCode;
  }

  static {
    this.prototype.name = 'CrossThreadExitError';
  }
}
