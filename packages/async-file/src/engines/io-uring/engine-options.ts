import { describeValue } from 'async-op';
import { expectInteger } from '../../internal/validate.js';
import { NativeErrorCode } from '../../native-error-code.js';

/** Options of {@link IoUringEngine}. */
export interface IoUringEngineOptions {
  /**
   * Submission ring entries (at least 4, rounded up to a power of two by the kernel; the completion ring gets twice as
   * many).
   * At most `entries` requests are in the kernel at once; more wait in a backlog. Default 256.
   */
  readonly entries?: number | undefined;
  /**
   * `batched` (default): requests are submitted with one io_uring_enter per completion batch and per event loop turn.
   * `immediate`: one io_uring_enter per request (for comparison).
   */
  readonly submit?: 'batched' | 'immediate' | undefined;
  /**
   * Entries of the registered (direct) descriptor table that {@link IoUringEngine.writeNewFile} opens files into, an
   * integer from 0 to 65536 (0: no table). More concurrent writeNewFile calls than entries run as three separate
   * requests instead. Default 64.
   */
  readonly directDescriptors?: number | undefined;
}

/**
 * Thrown by `new IoUringEngine()` where io_uring cannot be used; `reason` says why in one line.
 *
 * @remarks Synchronous, before anything is opened; `selectEngine('auto')` catches it and falls back to node-fs.
 */
export class IoUringUnavailableError extends Error {
  /** Always `ERR_IO_URING_UNAVAILABLE`. */
  readonly code: typeof NativeErrorCode.IO_URING_UNAVAILABLE = NativeErrorCode.IO_URING_UNAVAILABLE;

  /** @param reason - why, in one line (the kernel's, the addon loader's). */
  constructor(readonly reason: string) {
    super(`io_uring is unavailable: ${reason}`);
    this.name = 'IoUringUnavailableError';
  }
}

const SUBMIT_MODES: readonly unknown[] = [undefined, 'batched', 'immediate'];

/** Checks the engine's options. @throws TypeError / RangeError naming the option and the value. */
export function expectEngineOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  const { entries, submit, directDescriptors } = options as IoUringEngineOptions;
  if (entries !== undefined) expectInteger('entries', entries, 1, 32768);
  if (directDescriptors !== undefined) expectInteger('directDescriptors', directDescriptors, 0, 65536);
  if (!SUBMIT_MODES.includes(submit)) {
    throw new TypeError(`Expected \`submit\` to be 'batched', 'immediate' or undefined, got ${describeValue(submit)}`);
  }
}
