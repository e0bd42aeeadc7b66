import { AsyncFileManager, ScriptedEngine, type FileTraceListener, type ScriptedCall } from 'async-op-file';
import type fc from 'fast-check';
import type { EngineScript } from './engine-script.js';
import type { RaceViolations } from './race-violations.js';

/** What {@link RaceEngine} takes besides the scheduler and the script. */
export interface RaceEngineOptions {
  /** Where a completion that throws (from a callback run inside it) is recorded. */
  readonly violations: RaceViolations;
  /** The manager's trace listener (the ownership check's, see ActionOwnership). */
  readonly trace?: FileTraceListener | undefined;
  /** Called with every engine call as it is issued, before the script decides when it completes. */
  readonly onIssue?: ((call: ScriptedCall) => void) | undefined;
  /** The fast-path threshold when the script turns the fast path on. Default 65536 bytes. */
  readonly fastPathBytes?: number | undefined;
  /** Receives one line per thing the engine did that the scheduler's report does not show (held, released). */
  readonly log?: ((line: string) => void) | undefined;
}

/** The error a faulty call fails with: a close EIO (nothing retries one: its descriptor is gone), else EAGAIN or EIO. */
function faultOf(call: ScriptedCall, script: EngineScript): string {
  if (call.kind === 'close') return 'EIO';
  return script.isRetryable(call.id) ? 'EAGAIN' : 'EIO';
}

/**
 * async-file's ScriptedEngine and a manager over it, driven by fast-check's scheduler as an {@link EngineScript}
 * says: each call completes inside the call (sync), in a task of the scheduler (`complete("#3 write(...)")`, through
 * `s.scheduleFunction`), or is held until nothing else can run; faults fail calls with EAGAIN or EIO; the fast path's
 * deliveries are scheduled tasks too.
 *
 * @remarks
 * TIMING: a completion runs its callbacks synchronously inside `call.complete()`, so in the task that completes it
 * (or inside the engine call, for a sync one). {@link RaceEngine.onCompletion} listeners run right after a completion
 * in a scheduled task, and in a microtask after a sync one (once the code that issued the call has returned: the
 * first point where the user's code could run). A faulty close fails with EIO, never EAGAIN (nothing retries a
 * close), and releases its descriptor all the same, as on Linux.
 */
export class RaceEngine {
  /** The engine, with an empty file system but `/`. */
  readonly engine: ScriptedEngine;
  /** The manager over it, with the script's concurrency and fast path. */
  readonly manager: AsyncFileManager;
  /** How many engine calls (and fast-path deliveries) have completed so far. */
  completions = 0;
  readonly #held: ScriptedCall[] = [];
  readonly #listeners: ((count: number, call: ScriptedCall | undefined) => void)[] = [];
  readonly #violations: RaceViolations;
  readonly #log: (line: string) => void;

  /**
   * @param s - the run's scheduler.
   * @param script - the run's engine behaviour.
   * @param options - where violations go, the trace listener, the issue hook.
   */
  constructor(
    readonly s: fc.Scheduler,
    readonly script: EngineScript,
    options: RaceEngineOptions,
  ) {
    this.#violations = options.violations;
    this.#log = options.log ?? (() => undefined);
    const complete = s.scheduleFunction(async function complete(label: string) {
      return label;
    });
    let fastCalls = 0;
    this.engine = new ScriptedEngine({
      completion: (call) => {
        options.onIssue?.(call);
        if (this.#isSync(call)) {
          this.#log(`${call.label}: completes inside the call`);
          call.complete();
          this.#logFault(call);
          queueMicrotask(() => this.#completed(call));
          return;
        }
        if (script.holdsCalls && script.isHeld(call.id)) {
          this.#held.push(call);
          this.#log(`held ${call.label}`);
          return;
        }
        void complete(call.label).then(() => this.#completeNow(call));
      },
      now: () => (script.isFastNow(++fastCalls) ? 'complete' : 'decline'),
      inject: (call) => (script.hasFaults && script.isFaulty(call.id) ? faultOf(call, script) : undefined),
    });
    this.manager = new AsyncFileManager({
      engine: this.engine,
      concurrency: script.concurrency,
      trace: options.trace,
      syncThresholdBytes: script.fastPath ? (options.fastPathBytes ?? 65_536) : 0,
      fastPathDelivery: (deliver) =>
        void s.schedule(Promise.resolve('fast-path delivery')).then(() => {
          this.#log('fast-path delivery: reads and writes done at once report');
          if (this.#violations.guard('fast-path delivery', deliver)) this.#completed(undefined);
        }),
    });
  }

  /**
   * Calls `listener` after every completion, with the number of completions so far and the call (undefined for a
   * fast-path delivery, which may complete several reads and writes at once).
   *
   * @param listener - runs at a point where user code may run (see the class remarks); what it throws is recorded.
   */
  onCompletion(listener: (count: number, call: ScriptedCall | undefined) => void): void {
    this.#listeners.push(listener);
  }

  /**
   * Completes the oldest held call that is still pending (what the race does once nothing else can run).
   *
   * @returns whether there was one.
   */
  releaseHeld(): boolean {
    for (let call = this.#held.shift(); call !== undefined; call = this.#held.shift()) {
      if (call.state !== 'pending') continue;
      this.#log(`released ${call.label}`);
      this.#completeNow(call);
      return true;
    }
    return false;
  }

  #isSync(call: ScriptedCall): boolean {
    const { syncCalls } = this.script;
    return (
      syncCalls === 'all' ||
      (syncCalls === 'some' && this.script.isSync(call.id)) ||
      (syncCalls === 'first' && call.id <= this.script.syncUntil)
    );
  }

  #completeNow(call: ScriptedCall): void {
    // a cancel may have ended it since it was scheduled
    if (call.state !== 'pending') return;
    this.#log(`${call.label}: completes`);
    const isCompleted = this.#violations.guard(`completing ${call.label}`, () => call.complete());
    this.#logFault(call);
    if (isCompleted) this.#completed(call);
  }

  #logFault(call: ScriptedCall): void {
    if (call.state === 'failed') this.#log(`${call.label}: failed with ${call.error?.code ?? 'an error'} (injected)`);
  }

  #completed(call: ScriptedCall | undefined): void {
    const count = ++this.completions;
    for (const listener of this.#listeners) {
      this.#violations.guard('a completion listener', () => listener(count, call));
    }
  }
}
