import { LeakTracker } from 'async-op';
import type fc from 'fast-check';
import { ActionOwnership, operationDirectory, ownerFromPath } from './action-ownership.js';
import type { EngineScript } from './engine-script.js';
import { RaceEngine } from './race-engine.js';
import { describeError, RaceViolations } from './race-violations.js';
import { routeTimersThroughScheduler } from './scheduled-timers.js';
import { catchProcessErrors } from './internal/process-errors.js';
import { settleScheduler } from './settle-scheduler.js';

/** What {@link RaceSession} takes besides the scheduler and the engine script. */
export interface RaceSessionOptions {
  /** The directory under which operation `n` gets `<root>/op<n>` (created at once). Default `/race`. */
  readonly root?: string | undefined;
  /** The fast-path threshold when the script turns it on (see RaceEngine). */
  readonly fastPathBytes?: number | undefined;
}

/**
 * The world of one race run: the scripted engine and its manager driven by the scheduler, the ownership check on
 * the manager's trace, the violations, a log of what the kit did, timers routed through the scheduler, and the
 * checks of what must be left at the end (nothing).
 *
 * @remarks
 * Create it at the start of a run and call {@link RaceSession.dispose} in a `finally`: while it lives, `setTimeout`
 * goes through the scheduler, {@link reportRaceError} reports to it, and an unhandled promise rejection (a module's
 * promise continuation that threw) or an uncaught exception (a callback's error that a module raised where nobody can
 * catch it) is a violation of the run instead of a crash or a failure of whatever test runs (the process's own
 * listeners are set aside meanwhile). It turns the LeakTracker on if it was off
 * (and back off at the end), so "every reference released" is checked for the module under test, provided the
 * module and the kit load the same copy of async-op.
 */
export class RaceSession {
  /** The run's broken invariants. */
  readonly violations = new RaceViolations();
  /** What the kit did, in order (starts, cancels, closes, callbacks, held calls): the kit's side of the report. */
  readonly log: string[] = [];
  /** The ownership check, on the manager's trace. */
  readonly ownership: ActionOwnership;
  /** The scripted engine and its manager, driven by the scheduler. */
  readonly engine: RaceEngine;
  /** The directory under which each operation has its own. */
  readonly root: string;
  readonly #mark: number;
  readonly #wasTracking: boolean;
  readonly #restoreTimers: () => void;
  readonly #deactivate: () => void;
  readonly #restoreRejections: () => void;
  readonly #restoreUncaught: () => void;

  /**
   * @param s - the run's scheduler.
   * @param script - the run's engine behaviour.
   * @param options - the root directory and the fast-path threshold.
   */
  constructor(
    readonly s: fc.Scheduler,
    script: EngineScript,
    options: RaceSessionOptions = {},
  ) {
    this.root = options.root ?? '/race';
    this.#wasTracking = LeakTracker.isEnabled;
    if (!this.#wasTracking) LeakTracker.enable();
    this.#mark = LeakTracker.mark();
    this.ownership = new ActionOwnership(ownerFromPath(this.root));
    this.engine = new RaceEngine(s, script, {
      violations: this.violations,
      trace: this.ownership.listener,
      onIssue: (call) => this.ownership.issued(call),
      fastPathBytes: options.fastPathBytes,
      log: (line) => this.log.push(line),
    });
    this.engine.engine.addDirectory(this.root);
    this.#deactivate = this.violations.activate();
    this.#restoreTimers = routeTimersThroughScheduler(s, (error) =>
      this.violations.add(`a timer callback threw ${describeError(error)}`),
    );
    this.#restoreRejections = catchProcessErrors('unhandledRejection', (reason) =>
      this.violations.add(`a promise was rejected and nobody handled it: ${describeError(reason)}`),
    );
    // a module raises a callback's error where no caller can catch it (module kit's deliverResult): the module's
    // failure, or the failure of the module above it, whose callback that was
    this.#restoreUncaught = catchProcessErrors('uncaughtException', (error) =>
      this.violations.add(`an uncaught exception: ${describeError(error)}`),
    );
  }

  /**
   * The directory of operation `n`, created in the scripted file system if it is not there yet.
   *
   * @param n - the operation's number, from 1.
   */
  directory(n: number): string {
    const directory = operationDirectory(this.root, n);
    this.engine.engine.addDirectory(directory);
    return directory;
  }

  /**
   * Runs every scheduled task and lets everything settle; when nothing is left, releases held engine calls (and
   * whatever `whenIdle` releases) one by one, settling after each.
   *
   * @param whenIdle - more held work to release (held callbacks); returns whether it released something.
   */
  async settle(whenIdle: () => boolean = () => false): Promise<void> {
    const isSettled = await settleScheduler(this.s, () => this.engine.releaseHeld() || whenIdle());
    if (!isSettled) this.violations.add('the run never settled: something keeps scheduling work');
  }

  /**
   * The checks of the end, once every module was closed: the manager becomes idle, the engine saw no descriptor
   * misuse, no descriptor is open, and no AsyncOp reference created during the run is left unreleased.
   *
   * @remarks Release the caller's references first. Unreleased references are reported once and then forgotten by
   *   the tracker, so they are not reported again when garbage-collected.
   */
  async checkEnd(): Promise<void> {
    const { engine, manager } = this.engine;
    let isIdle = false;
    void manager.whenIdle().then(() => (isIdle = true));
    await this.settle();
    if (!isIdle) this.violations.add('the file manager never became idle');
    for (const text of engine.violations) this.violations.add(`engine: ${text}`);
    if (engine.openDescriptorCount !== 0) this.violations.add(`${engine.openDescriptorCount} descriptor(s) left open`);
    const live = LeakTracker.liveReferences(this.#mark);
    if (live.length > 0) {
      this.violations.add(`${live.length} AsyncOp reference(s) left unreleased`);
      LeakTracker.forget(live);
    }
  }

  /**
   * The files left in operation `n`'s directory (recursively, relative, sorted), unnamed files excepted.
   *
   * @param n - the operation's number.
   */
  filesOf(n: number): string[] {
    const { engine } = this.engine;
    const list = (directory: string, prefix: string): string[] =>
      engine.listDirectory(directory).flatMap((name) => {
        const full = `${directory}/${name}`;
        return engine.readFile(full) === undefined ? list(full, `${prefix}${name}/`) : [`${prefix}${name}`];
      });
    return list(operationDirectory(this.root, n), '').sort();
  }

  /**
   * Restores the timers and the unhandled-rejection and uncaught-exception listeners, ends {@link reportRaceError}'s
   * target, and turns the LeakTracker off if it turned it on.
   */
  dispose(): void {
    this.#restoreTimers();
    this.#restoreRejections();
    this.#restoreUncaught();
    this.#deactivate();
    if (!this.#wasTracking) LeakTracker.disable();
  }
}
