import fc from 'fast-check';

/**
 * Which engine calls complete synchronously, inside the call: `none`; `some` (those `isSync(call.id)` picks); `all`;
 * or `first` (calls #1 to #`syncUntil`: a fast start, then slow calls).
 */
export type SyncCalls = 'none' | 'some' | 'all' | 'first';

/**
 * How the scripted engine behaves in one run: when each call completes, which calls fail, whether the fast path is
 * on. fast-check generates it (see {@link engineScript}) and shrinks it with the rest of the run.
 */
export interface EngineScript {
  /** The manager's concurrency (worker slots). */
  readonly concurrency: number;
  /** Which calls complete inside the call (see {@link SyncCalls}). */
  readonly syncCalls: SyncCalls;
  /** For `first`: calls #1 to #`syncUntil` complete inside the call. */
  readonly syncUntil: number;
  /** For `some`: whether call `callId` completes inside the call. */
  readonly isSync: (callId: number) => boolean;
  /**
   * Whether some calls are held: a held call (those `isHeld(call.id)` picks among the asynchronous ones) is not
   * scheduled; it completes only when nothing else is left to run (or a cancel ends it first).
   */
  readonly holdsCalls: boolean;
  /** Whether call `callId` is held (when `holdsCalls`). */
  readonly isHeld: (callId: number) => boolean;
  /** Whether faults are injected; `isFaulty(call.id)` says where, `isRetryable(call.id)` EAGAIN or else EIO. */
  readonly hasFaults: boolean;
  /** Whether call `callId` fails (when `hasFaults`). */
  readonly isFaulty: (callId: number) => boolean;
  /** Whether a failing call `callId` fails with EAGAIN (true) or EIO. */
  readonly isRetryable: (callId: number) => boolean;
  /**
   * Whether the manager's fast path is on (reads and writes up to `fastPathBytes` may be done at once when their turn
   * comes); `isFastNow(n)` says whether the n-th fast call (from 1) is done at once or declined to an ordinary call.
   */
  readonly fastPath: boolean;
  /** Whether the n-th fast-path call (from 1) is done at once (true) or declined. */
  readonly isFastNow: (n: number) => boolean;
}

/** An inclusive range of integers. */
export interface IntegerRange {
  /** The smallest value. */
  readonly min: number;
  /** The largest value. */
  readonly max: number;
}

/** Which engine behaviours {@link engineScript} may generate; every field narrows one choice (all by default). */
export interface EngineScriptOptions {
  /** The manager's concurrency: 1 to 3 by default. */
  readonly concurrency?: IntegerRange | undefined;
  /** Which kinds of synchronous completion: all four by default. */
  readonly syncCalls?: readonly SyncCalls[] | undefined;
  /** Whether held calls may be generated: both by default. */
  readonly holdsCalls?: readonly boolean[] | undefined;
  /** Whether faults are injected: both by default. */
  readonly faults?: readonly boolean[] | undefined;
  /** Whether the manager's fast path is on: both by default. */
  readonly fastPath?: readonly boolean[] | undefined;
}

const ALL_SYNC_CALLS: readonly SyncCalls[] = ['none', 'some', 'all', 'first'];

/**
 * The arbitrary of one run's engine behaviour.
 *
 * @param options - narrows what is generated (for a property about one mode); everything by default.
 * @returns an arbitrary that shrinks toward: concurrency min, no sync calls, nothing held, no faults, no fast path.
 * @throws Error (from fast-check) if a list in `options` is empty.
 */
export function engineScript(options: EngineScriptOptions = {}): fc.Arbitrary<EngineScript> {
  return fc.record<EngineScript>({
    concurrency: fc.integer(options.concurrency ?? { min: 1, max: 3 }),
    syncCalls: fc.constantFrom<SyncCalls>(...(options.syncCalls ?? ALL_SYNC_CALLS)),
    syncUntil: fc.nat(12),
    isSync: fc.func(fc.boolean()),
    holdsCalls: fc.constantFrom(...(options.holdsCalls ?? [false, true])),
    isHeld: fc.func(fc.boolean()),
    hasFaults: fc.constantFrom(...(options.faults ?? [false, true])),
    isFaulty: fc.func(fc.boolean()),
    isRetryable: fc.func(fc.boolean()),
    fastPath: fc.constantFrom(...(options.fastPath ?? [false, true])),
    isFastNow: fc.func(fc.boolean()),
  });
}

/**
 * One line naming what the script does, for a failure report.
 *
 * @param script - a generated script.
 * @returns `concurrency 2, sync calls: some, faults on`, and what else is on.
 */
export function describeEngineScript(script: EngineScript): string {
  const sync =
    script.syncCalls === 'first' ? `#1-#${script.syncUntil}` : script.syncCalls === 'some' ? 'some' : script.syncCalls;
  return [
    `concurrency ${script.concurrency}`,
    `sync calls: ${sync}`,
    script.holdsCalls ? 'some calls held' : undefined,
    `faults ${script.hasFaults ? 'on' : 'off'}`,
    script.fastPath ? 'fast path on' : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
}
