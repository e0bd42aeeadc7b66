import { describeValue } from 'async-op';
import { expectInteger } from '../../internal/validate.js';
import { DEFAULT_MAX_FILE_BYTES } from './memory-file-system.js';
import type { CancelDelivery, ScriptedCall } from './scripted-call.js';

/**
 * When the engine completes a call: `sync` inside the call, before it returns; `async` in a later macrotask
 * (setImmediate), in issue order; `manual` only when the test says so; or a function the engine calls with each new
 * call, which decides (for example through fast-check's scheduler).
 */
export type CompletionPolicy = 'sync' | 'async' | 'manual' | ((call: ScriptedCall) => void);

export type { CancelDelivery } from './scripted-call.js';

/** One fast-path call (readNow or writeNow) as the `now` policy sees it. */
export interface NowRequest {
  readonly kind: 'read' | 'write';
  readonly fd: number;
  readonly length: number;
  readonly position: number;
  /** Whether the manager asked the engine never to block (the cache probe). */
  readonly noWait: boolean;
}

/**
 * What the engine does with a fast-path call (readNow/writeNow, used by a manager's `syncThresholdBytes`): `decline`
 * it (WOULD_BLOCK: the manager issues the ordinary call, which the completion policy then controls), `complete` it at
 * once, or fail it at once with the errno name returned by a function (which decides per call, like any of these).
 */
export type NowPolicy = 'decline' | 'complete' | ((request: NowRequest) => 'decline' | 'complete' | string);

/** What `new ScriptedEngine()` takes; every field is optional. */
export interface ScriptedEngineOptions {
  /** When calls complete. Default `sync`. */
  readonly completion?: CompletionPolicy | undefined;
  /**
   * Consulted each time a call is about to complete (whoever completes it): return an errno name (`EIO`, `ENOSPC`) to
   * fail the call with that error and no effect, or undefined to let it take effect. A close still releases its
   * descriptor (as on Linux, whatever a close reports), then reports the error.
   */
  readonly inject?: ((call: ScriptedCall) => string | undefined) | undefined;
  /** Whether calls return an EngineRequest that can cancel them. Default true; false returns undefined like node-fs. */
  readonly cancelable?: boolean | undefined;
  /** When cancel() of a pending call reports ECANCELED. Default `sync`. */
  readonly cancelDelivery?: CancelDelivery | undefined;
  /** The most bytes one write() writes: more are reported as a partial write. Default unlimited. */
  readonly maxWriteBytes?: number | undefined;
  /** What fast-path calls do. Default `decline`, so that every read and write is an ordinary call. */
  readonly now?: NowPolicy | undefined;
  /**
   * The largest file, in bytes (an integer >= 0): a write at or past it fails with EFBIG, one that crosses it is short,
   * a truncate past it fails with EFBIG. Default 2^44 (16 TiB). Files are sparse: only written pages take memory.
   */
  readonly maxFileBytes?: number | undefined;
  /**
   * How many of the most recent calls `calls` (and fast-path calls `nowCalls`) keep at least, an integer >= 0, or
   * Infinity for every call ever issued. Default 10000: a long run (hundreds of thousands of calls) keeps bounded
   * memory; `callCount` counts them all, and pending calls are always in `pendingCalls`.
   */
  readonly callHistory?: number | undefined;
}

/** The options with defaults applied. */
export interface ResolvedScriptedEngineOptions {
  readonly completion: CompletionPolicy;
  readonly inject: ((call: ScriptedCall) => string | undefined) | undefined;
  readonly cancelable: boolean;
  readonly cancelDelivery: CancelDelivery;
  readonly maxWriteBytes: number;
  readonly now: NowPolicy;
  readonly maxFileBytes: number;
  readonly callHistory: number;
}

const POLICIES: readonly unknown[] = ['sync', 'async', 'manual'];
/** The default of `callHistory`. */
const DEFAULT_CALL_HISTORY = 10_000;
const DELIVERIES: readonly unknown[] = ['sync', 'deferred'];

/**
 * Checks the constructor options and applies the defaults.
 *
 * @param options - what the caller passed (undefined for none).
 * @returns the options with every default applied.
 * @throws TypeError or RangeError naming the option and the value received.
 */
export function resolveOptions(options: unknown): ResolvedScriptedEngineOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object or undefined, got ${describeValue(options)}`);
  }
  const {
    completion = 'sync',
    inject,
    cancelable = true,
    cancelDelivery = 'sync',
    maxWriteBytes,
    now = 'decline',
    maxFileBytes = DEFAULT_MAX_FILE_BYTES,
    callHistory = DEFAULT_CALL_HISTORY,
  } = options as ScriptedEngineOptions;
  if (typeof completion !== 'function' && !POLICIES.includes(completion)) {
    throw new TypeError(
      `Expected \`completion\` to be 'sync', 'async', 'manual' or a function, got ${describeValue(completion)}`,
    );
  }
  if (inject !== undefined && typeof inject !== 'function') {
    throw new TypeError(`Expected \`inject\` to be a function or undefined, got ${describeValue(inject)}`);
  }
  if (typeof cancelable !== 'boolean') {
    throw new TypeError(`Expected \`cancelable\` to be a boolean, got ${describeValue(cancelable)}`);
  }
  if (!DELIVERIES.includes(cancelDelivery)) {
    throw new TypeError(`Expected \`cancelDelivery\` to be 'sync' or 'deferred', got ${describeValue(cancelDelivery)}`);
  }
  if (maxWriteBytes !== undefined) expectInteger('maxWriteBytes', maxWriteBytes, 1);
  expectInteger('maxFileBytes', maxFileBytes, 0);
  if (callHistory !== Infinity) expectInteger('callHistory', callHistory, 0);
  if (typeof now !== 'function' && now !== 'decline' && now !== 'complete') {
    throw new TypeError(`Expected \`now\` to be 'decline', 'complete' or a function, got ${describeValue(now)}`);
  }
  return {
    completion,
    inject,
    cancelable,
    cancelDelivery,
    maxWriteBytes: maxWriteBytes ?? Infinity,
    now,
    maxFileBytes,
    callHistory,
  };
}
