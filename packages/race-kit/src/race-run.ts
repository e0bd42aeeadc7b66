import type { AsyncOp } from 'async-op';
import { isSweeping, statusOf, type RaceModule, type SweepingModule } from './race-module.js';
import type { OperationPlan, RaceScenario } from './race-scenario.js';
import type { RaceSession } from './race-session.js';
import type { RaceOperation, RaceStack } from './race-stack.js';
import { describeError } from './race-violations.js';

/** The most operations the `start` re-entry adds to a run. */
const MAX_EXTRA_STARTS = 3;

interface Operation<Request, Outcome> extends RaceOperation<Request, Outcome> {
  op: AsyncOp<unknown> | undefined;
  hasThrown: boolean;
  readonly outcomes: Outcome[];
}

type AnyModule = RaceModule<never, unknown>;

/**
 * One run of a race: starts the scenario's operations in scheduled tasks, cancels them as planned, runs the
 * re-entries and interferences, then checks the invariants and tears everything down (see {@link RaceRun.run}).
 *
 * @typeParam Request - the top module's request.
 * @typeParam Outcome - what its callback receives.
 */
export class RaceRun<Request, Outcome> {
  readonly #operations: Operation<Request, Outcome>[] = [];
  readonly #modules: readonly AnyModule[];
  readonly #closes: { module: string; isResolved: boolean }[] = [];
  /** How many times the race reopened each module (after a close() resolved). */
  readonly #reopens = new Map<AnyModule, number>();
  /** The modules closed (or closing) by the race and not reopened since. */
  readonly #closed = new Set<AnyModule>();
  #extraStarts = 0;
  #isTearingDown = false;

  /**
   * @param session - the run's world.
   * @param scenario - what to do.
   * @param stack - what to do it to.
   */
  constructor(
    private readonly session: RaceSession,
    private readonly scenario: RaceScenario,
    private readonly stack: RaceStack<Request, Outcome>,
  ) {
    this.#modules = stack.modules ?? [stack.top as AnyModule];
  }

  /** Every operation started so far, in start order. */
  get operations(): readonly RaceOperation<Request, Outcome>[] {
    return this.#operations;
  }

  /**
   * Runs the scenario to its end and checks every invariant; the violations land in the session.
   *
   * @remarks The checks: exactly one callback per successful start and none for a start that threw (only an allowed
   *   refusal may throw); nothing started after cancel and no action callback after its cancel (ActionOwnership);
   *   after cancelAll() returns, nothing of the module pending uncanceled; close() resolves, and only after every
   *   operation started before it called back; at the end the manager idle, no descriptor open or misused, every
   *   AsyncOp reference released, and (with `expectedFiles`) no stray file.
   */
  async run(): Promise<void> {
    const { s, violations } = this.session;
    this.scenario.plans.forEach((plan, index) => {
      void s
        .schedule(Promise.resolve(`start op${index + 1}`))
        .then(() => violations.guard('start', () => this.#start(plan, index + 1)));
    });
    for (const interference of this.scenario.interferences) {
      void s.schedule(Promise.resolve(interference)).then(() =>
        violations.guard(interference, () => {
          if (interference === 'close-top') this.#close(this.stack.top as AnyModule);
          else if (interference === 'close-bottom') this.#close(this.#modules.at(-1) as AnyModule);
          else if (interference === 'cancel-all') this.#sweep();
          else this.stack.fault?.();
        }),
      );
    }
    await this.#settle();
    // every completion ran: each successful start has called back exactly once by now
    for (const operation of this.#operations) {
      const expected = operation.hasThrown ? 0 : 1;
      if (operation.outcomes.length === expected) continue;
      const statuses = operation.outcomes.map(statusOf).join(', ') || 'never';
      violations.add(
        `op${operation.n} called back ${operation.outcomes.length} time(s) (${statuses})` +
          (operation.hasThrown ? ' though its start threw' : ''),
      );
    }
    for (const text of this.session.ownership.check()) violations.add(text);
    await this.#tearDown();
  }

  async #tearDown(): Promise<void> {
    const { violations } = this.session;
    // cancel what is left (after a reported bug), close top-down, then check what is left
    this.#isTearingDown = true;
    for (const operation of this.#operations) {
      violations.guard(`cancel op${operation.n} at the end`, () => this.#cancel(operation, 'at the end'));
    }
    await this.#settle();
    for (const module of this.#modules) {
      violations.guard(`${nameOf(module)}.close() at the end`, () => this.#close(module));
      await this.#settle();
    }
    for (const close of this.#closes) if (!close.isResolved) violations.add(`${close.module}.close() never resolved`);
    for (const operation of this.#operations) operation.op?.release();
    for (const text of this.stack.checkEnd?.() ?? []) violations.add(text);
    await this.session.checkEnd();
    if (this.stack.expectedFiles === undefined) return;
    for (const operation of this.#operations) {
      const expected = this.stack.expectedFiles(operation);
      const left = this.session.filesOf(operation.n);
      if (expected === undefined || sameList(left, [...expected].sort())) continue;
      const outcome = operation.hasThrown
        ? 'whose start threw'
        : `that ended ${operation.outcomes.map(statusOf).join(', ')}`;
      violations.add(
        `op${operation.n}, ${outcome}, left [${left.join(', ')}], not [${[...expected].sort().join(', ')}]`,
      );
    }
  }

  /** Settles the session, releasing the stack's held work when idle and waiting for what only it can see. */
  #settle(): Promise<void> {
    const { whenIdle, isSettled } = this.stack;
    return this.session.settle(
      () => whenIdle?.() === true || (isSettled !== undefined && !isSettled(this.#operations)),
    );
  }

  #start(plan: OperationPlan, n: number): void {
    const { session, stack } = this;
    const request = stack.request(n, session.directory(n), plan);
    const operation: Operation<Request, Outcome> = { n, plan, request, op: undefined, hasThrown: false, outcomes: [] };
    this.#operations.push(operation);
    session.log.push(`start op${n}`);
    try {
      operation.op = stack.top.start(request, (outcome) => {
        operation.outcomes.push(outcome);
        session.log.push(`op${n} called back: ${statusOf(outcome)}`);
        session.ownership.ended(n);
        session.violations.guard(`op${n}'s re-entry (${plan.reentry})`, () => this.#reenter(operation));
      });
    } catch (error) {
      operation.hasThrown = true;
      session.log.push(`op${n}: start() threw ${describeError(error)}`);
      const isRefusal = stack.isRefusal?.(error) ?? this.#closed.size > 0;
      if (!isRefusal) session.violations.add(`start of op${n} threw ${describeError(error)}`);
      return;
    }
    session.log.push(`op${n}: start() returned`);
    operation.op.onCancel(() => session.ownership.canceled(n));
    if (plan.cancel === 'immediately') this.#cancel(operation, 'right after start() returned');
    if (plan.cancel === 'scheduled') {
      void session.s
        .schedule(Promise.resolve(`cancel op${n}`))
        .then(() => session.violations.guard(`cancel op${n}`, () => this.#cancel(operation, 'in a task of its own')));
    }
    if (plan.cancel === 'after-completions') {
      // counted among the operation's own calls, unless the stack's calls cannot be told apart
      const countsAll = stack.hasOwnedCalls === false;
      let count = 0;
      session.engine.onCompletion((_total, call) => {
        if (!countsAll && (call === undefined || session.ownership.ownerOfCall(call.id) !== n)) return;
        if (++count === plan.cancelAfter) this.#cancel(operation, `after ${plan.cancelAfter} engine completion(s)`);
      });
    }
  }

  #cancel(operation: Operation<Request, Outcome>, how: string): void {
    if (operation.op === undefined || operation.outcomes.length > 0) return;
    this.session.log.push(`cancel op${operation.n} (${how})`);
    this.session.ownership.canceled(operation.n);
    operation.op.cancel();
  }

  #reenter(operation: Operation<Request, Outcome>): void {
    switch (operation.plan.reentry) {
      case 'none':
        return;
      case 'start':
        if (this.#extraStarts < MAX_EXTRA_STARTS) {
          const plan: OperationPlan = { cancel: 'none', cancelAfter: 1, reentry: 'none', size: 4 };
          this.#start(plan, this.scenario.plans.length + ++this.#extraStarts);
        }
        return;
      case 'cancel-others':
        for (const other of this.#operations) {
          if (other !== operation) this.#cancel(other, `from op${operation.n}'s callback`);
        }
        return;
      case 'close-top':
        if (!this.#isTearingDown) this.#close(this.stack.top as AnyModule);
        return;
      case 'cancel-all':
        this.#sweep();
        return;
    }
  }

  #sweep(): void {
    const { top, sweeper = isSweeping(top) ? (top as SweepingModule<never, unknown>) : null } = this.stack;
    if (sweeper === null) return;
    this.session.log.push(`${nameOf(sweeper)}.cancelAll()`);
    sweeper.cancelAll();
    for (const operation of this.#operations) {
      if (operation.op !== undefined && operation.outcomes.length === 0 && !operation.op.isCanceled) {
        this.session.violations.add(`op${operation.n} was pending after cancelAll() returned, and not canceled`);
      }
    }
  }

  #close(module: AnyModule): void {
    const { session } = this;
    const name = nameOf(module);
    const waitedFor = this.#operations.filter((operation) => !operation.hasThrown);
    const reopensBefore = this.#reopens.get(module) ?? 0;
    const record = { module: name, isResolved: false };
    this.#closes.push(record);
    this.#closed.add(module);
    session.log.push(`${name}.close()`);
    void module.close().then(
      () => {
        record.isResolved = true;
        session.log.push(`${name}.close() resolved`);
        // pendingCount says "everything started before this close called back" only while the module was not
        // reopened since (until then it refuses starts); the top's operations are checked one by one below
        const pending = module.pendingCount ?? 0;
        if (pending !== 0 && (this.#reopens.get(module) ?? 0) === reopensBefore) {
          session.violations.add(`${name}.close() resolved with ${pending} operation(s) pending`);
        }
        if (module === (this.stack.top as AnyModule)) {
          for (const operation of waitedFor) {
            if (operation.outcomes.length === 0) {
              session.violations.add(`${name}.close() resolved before op${operation.n} called back`);
            }
          }
        }
        if (this.#isTearingDown) return;
        // reopen in a later task of its own: the module stays closed for part of the interleaving
        void session.s
          .schedule(Promise.resolve(`reopen ${name}`))
          .then(() => session.violations.guard(`reopen ${name}`, () => this.#reopen(module)));
      },
      (error: unknown) => session.violations.add(`${name}.close() rejected: ${describeError(error)}`),
    );
  }

  #reopen(module: AnyModule): void {
    if (this.#isTearingDown || module.state !== 'closed' || module.open === undefined) return;
    module.open();
    this.session.log.push(`${nameOf(module)}.open()`);
    this.#closed.delete(module);
    this.#reopens.set(module, (this.#reopens.get(module) ?? 0) + 1);
  }
}

function nameOf(module: AnyModule): string {
  return module.name ?? 'module';
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
