import type { ScriptedCall, ScriptedCallKind } from 'async-op-file';
import { LowLevelTestSettings, type FileJobValue, type Result, type ScriptedOutcome } from 'async-op-samples';

/** What one LL call does: succeed (the real file job), report error-can-retry (scripted), or never complete. */
export type CallOutcome = 'ok' | 'retry' | 'hang';
/** Whether the LL call completes before its start() returns. */
export type CallTiming = 'sync' | 'async';

/** One LL call of a scenario. `hang` ignores the timing. */
export interface PlannedCall {
  readonly outcome: CallOutcome;
  readonly timing: CallTiming;
  /** `hang` over the scripted engine: the kind of engine call to hold (default `write`). */
  readonly holdKind?: ScriptedCallKind;
}

/** What the n-th LL start() of a test does (n from 0, counted over every operation of the test). */
export type CallPlan = (index: number) => PlannedCall;

/**
 * Which engine runs the real file jobs: the scripted engine, or real files through the engine of managers created
 * without `engine` (node-fs, or what ASYNC_FILE_ENGINE names: npm test runs them on io_uring and with the fast path
 * too).
 */
export type EngineKind = 'scripted' | 'real files';

function retryableError(): Error {
  return Object.assign(new Error('EAGAIN: resource temporarily unavailable (conformance)'), {
    code: 'EAGAIN',
    errno: -11,
  });
}

/**
 * The LL test settings of one conformance test: each LL start() takes its outcome from a {@link CallPlan} instead of
 * a queue filled in advance, because a plan mixes scripted outcomes with real file jobs and a queue cannot say "run
 * the real job" between two scripted entries.
 *
 * - `retry`: a scripted `error-can-retry` (before start returns when `sync`, else after a setTimeout(0)).
 * - `ok`: the real file job. Over the scripted engine its calls complete inside the call (`sync`) or in a later
 *   macrotask (`async`); a real engine cannot complete inside the call, so there a `sync` ok is a scripted `ok` (no effect
 *   on the file system, counted in {@link PlannedTestSettings.scriptedOkCount}).
 * - `hang`: the real file job. Over the scripted engine its first `write` call (or its `holdKind`) is held, never
 *   completed by the engine: a job that never completes unless canceled. a real engine cannot hold a call: there the job
 *   runs, and the test cancels it while its first action executes.
 *
 * @remarks Overrides `take()`, the hook through which an LL module asks for its next outcome (one per start()).
 */
export class PlannedTestSettings extends LowLevelTestSettings {
  /** How many LL start() calls asked for an outcome. */
  startCount = 0;
  /** How many `ok` outcomes were scripted (real files: `sync` ok): operations that did not touch the file system. */
  scriptedOkCount = 0;
  /** Engine calls held by `hang` (scripted engine): still pending until canceled or released. */
  readonly heldCalls: ScriptedCall[] = [];
  /** Resolves when the `hang` call is in place: its write call held (scripted), or its job started (real files). */
  readonly whenHangReached: Promise<void>;
  #resolveHang: () => void = () => {};
  readonly #startWaiters = new Map<number, () => void>();
  #engineTiming: CallTiming = 'async';
  #holdKind: ScriptedCallKind | undefined = undefined;

  constructor(
    private readonly plan: CallPlan,
    private readonly engineKind: EngineKind,
    private readonly dataLength: number,
  ) {
    super();
    this.whenHangReached = new Promise((resolve) => (this.#resolveHang = resolve));
  }

  /**
   * Resolves once `count` LL start() calls asked for their outcome; its continuations run after that start()
   * returned (a microtask later).
   */
  whenStartCountReaches(count: number): Promise<void> {
    if (this.startCount >= count) return Promise.resolve();
    return new Promise((resolve) => this.#startWaiters.set(count, resolve));
  }

  override take(): ScriptedOutcome | undefined {
    const call = this.plan(this.startCount++);
    this.#startWaiters.get(this.startCount)?.();
    switch (call.outcome) {
      case 'retry': {
        const result: Result<FileJobValue> = { status: 'error-can-retry', error: retryableError() };
        return call.timing === 'sync' ? { sync: true, result } : { result };
      }
      case 'ok':
        if (this.engineKind === 'real files' && call.timing === 'sync') {
          this.scriptedOkCount++;
          return { sync: true, result: { status: 'ok', value: { bytes: this.dataLength } } };
        }
        this.#engineTiming = call.timing;
        return undefined;
      case 'hang':
        this.#engineTiming = 'async';
        if (this.engineKind === 'scripted') this.#holdKind = call.holdKind ?? 'write';
        // real files: the job starts right after this returns; the test's cancel comes a microtask later, before any
        // of its actions can complete (completions need a turn of the event loop)
        else this.#resolveHang();
        return undefined;
    }
  }

  /**
   * The completion policy of the scripted engine: holds the first `write` (or `holdKind`) call of a `hang` job, and
   * completes every other call inside the call or in a later macrotask, as the LL call that issued it was planned.
   */
  readonly completion = (call: ScriptedCall): void => {
    if (call.kind === this.#holdKind) {
      this.#holdKind = undefined;
      this.heldCalls.push(call);
      this.#resolveHang();
      return;
    }
    if (this.#engineTiming === 'sync') return call.complete();
    setImmediate(() => {
      if (call.state === 'pending' && !call.isHung) call.complete();
    });
  };

  /** Completes the held calls still pending: the "real completion" that arrives after a fake cancel. */
  releaseHeldCalls(): void {
    for (const call of this.heldCalls) if (call.state === 'pending') call.complete();
  }
}

/** Every call is `ok` with this timing. */
export function allCalls(timing: CallTiming): CallPlan {
  return () => ({ outcome: 'ok', timing });
}

/** The first call with `first`, every later one with `rest`. */
export function firstThen(first: CallTiming, rest: CallTiming): CallPlan {
  return (index) => ({ outcome: 'ok', timing: index === 0 ? first : rest });
}

/**
 * `retries` calls report error-can-retry (the first with `firstTiming`, the others with `retryTiming`), then every
 * call is `then`.
 */
export function retriesThen(
  retries: number,
  firstTiming: CallTiming,
  retryTiming: CallTiming,
  then: PlannedCall,
): CallPlan {
  return (index) => {
    if (index >= retries) return then;
    return { outcome: 'retry', timing: index === 0 ? firstTiming : retryTiming };
  };
}

/** `retries` async retries, then a call that never completes, then (should the test start more) async oks. */
export function retriesThenHang(retries: number): CallPlan {
  return (index) => {
    if (index < retries) return { outcome: 'retry', timing: 'async' };
    if (index === retries) return { outcome: 'hang', timing: 'async' };
    return { outcome: 'ok', timing: 'async' };
  };
}
