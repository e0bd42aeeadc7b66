import { LeakTracker, SharedCancelFollower, type AsyncOp } from 'async-op';
import { AsyncFileManager, ScriptedEngine } from 'async-op-file';
import { ScriptedPoolThread, type HashRequest, type PoolTraceEvent } from 'async-op-samples';
import fc from 'fast-check';
import {
  buildPoolStack,
  POOL_STACK_SHAPES,
  type PoolStack,
  type PoolStackShape,
} from '../../conformance/support/worker-pool-stacks.js';
import { routeTimersThroughScheduler } from './scheduled-timers.js';

type Reentry = 'none' | 'start' | 'cancel-others' | 'close-top' | 'cancel-all';
type Interference = 'close-top' | 'crash' | 'cancel-all';

/** One operation of a run. */
interface TaskPlan {
  readonly cancel: 'none' | 'immediately' | 'scheduled';
  readonly reentry: Reentry;
  /** A file of the scripted engine (3 chunks), a missing file, or bytes. */
  readonly target: 'file' | 'missing' | 'bytes';
  readonly rounds: number;
}

/** Everything one run does; fast-check generates it and shrinks it. */
export interface PoolRaceScenario {
  readonly shape: PoolStackShape;
  readonly workers: number;
  readonly plans: readonly TaskPlan[];
  readonly interferences: readonly Interference[];
  /** Which engine calls of the workers complete inside the call (the others in a scheduled task). */
  readonly isSync: (callId: number) => boolean;
  /** Which engine calls fail; `isRetryable` picks EAGAIN (error-can-retry) or EIO. */
  readonly isFaulty: (callId: number) => boolean;
  readonly isRetryable: (callId: number) => boolean;
  readonly hasFaults: boolean;
}

const plan = fc.record<TaskPlan>({
  cancel: fc.constantFrom('none', 'immediately', 'scheduled'),
  reentry: fc.constantFrom<Reentry>('none', 'start', 'cancel-others', 'close-top', 'cancel-all'),
  target: fc.constantFrom('file', 'missing', 'bytes'),
  rounds: fc.integer({ min: 1, max: 3 }),
});

/** The arbitrary of one run, over `shapes`. */
export function poolRaceScenario(
  shapes: readonly PoolStackShape[] = POOL_STACK_SHAPES,
): fc.Arbitrary<PoolRaceScenario> {
  return fc.record<PoolRaceScenario>({
    shape: fc.constantFrom(...shapes),
    workers: fc.integer({ min: 1, max: 2 }),
    plans: fc.array(plan, { minLength: 1, maxLength: 4 }),
    interferences: fc.array(fc.constantFrom<Interference>('close-top', 'crash', 'cancel-all'), { maxLength: 2 }),
    isSync: fc.func(fc.boolean()),
    isFaulty: fc.func(fc.boolean()),
    isRetryable: fc.func(fc.boolean()),
    hasFaults: fc.boolean(),
  });
}

/** The race property over the worker pool's stacks: fails with the list of broken invariants. */
export function poolRaceProperty(
  shapes?: readonly PoolStackShape[],
): fc.IAsyncPropertyWithHooks<[fc.Scheduler, PoolRaceScenario]> {
  return fc.asyncProperty(fc.scheduler(), poolRaceScenario(shapes), async (s, scenario) => {
    const violations = await runPoolRace(s, scenario);
    if (violations.length > 0) throw new Error(`broken:\n  ${[...new Set(violations)].join('\n  ')}`);
  });
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** What a request of `target` is. */
function requestOf(target: TaskPlan['target'], rounds: number): HashRequest {
  if (target === 'bytes') return { kind: 'hash-bytes', data: new Uint8Array([1, 2, 3]), rounds };
  return { kind: 'hash-file', path: target === 'file' ? '/d/file' : '/d/missing', chunkSize: 4, rounds };
}

/**
 * "Nothing started after cancel", from the pool's trace: a task canceled while queued is never dispatched; a task
 * whose worker saw the cancel starts no open, read or hash after it.
 */
function checkTrace(events: readonly PoolTraceEvent[]): string[] {
  const violations: string[] = [];
  const canceledQueued = new Set<number>();
  const seen = new Set<number>();
  for (const event of events) {
    if (event.type === 'cancel-requested' && event.detail === 'queued') canceledQueued.add(event.taskId);
    if (event.type === 'dispatched' && canceledQueued.has(event.taskId)) {
      violations.push(`task ${event.taskId} was dispatched after its cancel while queued`);
    }
    if (event.type === 'cancel-seen') seen.add(event.taskId);
    if (['open-started', 'read-started', 'hash-started'].includes(event.type) && seen.has(event.taskId)) {
      violations.push(`task ${event.taskId}: ${event.type} after its worker saw the cancel`);
    }
  }
  return violations;
}

/** Runs every scheduled task, and the event-loop turns in which a doorbell's wait resolves, until all is quiet. */
async function settle(s: fc.Scheduler, isQuiet: () => boolean): Promise<void> {
  for (let round = 0; round < 200; round++) {
    await s.waitIdle();
    await new Promise((resolve) => setImmediate(resolve));
    if (s.count() === 0 && isQuiet()) return;
  }
}

/** Runs one scenario; returns the broken invariants (see the test file for the list). */
export async function runPoolRace(s: fc.Scheduler, scenario: PoolRaceScenario): Promise<string[]> {
  const mark = LeakTracker.mark();
  const following = SharedCancelFollower.followingCount;
  const violations: string[] = [];
  const guard = (what: string, action: () => void): void => {
    try {
      action();
    } catch (error) {
      violations.push(`${what} threw ${describeError(error)}`);
    }
  };
  const restoreTimers = routeTimersThroughScheduler(s, (error) =>
    violations.push(`a timer threw ${describeError(error)}`),
  );
  try {
    const engine = new ScriptedEngine({
      completion: (call) => {
        if (scenario.isSync(call.id)) return call.complete();
        void s.schedule(Promise.resolve(call.label)).then(() =>
          guard(`completing ${call.label}`, () => {
            if (call.state === 'pending') call.complete();
          }),
        );
      },
      inject: (call) =>
        scenario.hasFaults && call.kind !== 'close' && scenario.isFaulty(call.id)
          ? scenario.isRetryable(call.id)
            ? 'EAGAIN'
            : 'EIO'
          : undefined,
    });
    engine.addDirectory('/d');
    engine.writeFile('/d/file', 'abcdefghijkl');
    const manager = new AsyncFileManager({ engine, concurrency: 2 });
    const threads: ScriptedPoolThread[] = [];
    const events: PoolTraceEvent[] = [];
    const stack: PoolStack = buildPoolStack(scenario.shape, {
      workers: scenario.workers,
      trace: (event) => events.push(event),
      createThread: () => {
        const thread = new ScriptedPoolThread({
          manager,
          deliver: (deliver) => void s.schedule(Promise.resolve('message')).then(() => guard('a message', deliver)),
        });
        threads.push(thread);
        return thread;
      },
    });
    const operations: { n: number; op: AsyncOp<unknown> | undefined; hasThrown: boolean; callbacks: number }[] = [];
    const closes: { module: string; isResolved: boolean }[] = [];
    let extraStarts = 0;
    let isTearingDown = false;

    const cancel = (operation: (typeof operations)[number]): void => {
      if (operation.op !== undefined && operation.callbacks === 0) operation.op.cancel();
    };
    const close = (module: (typeof stack.modules)[number]): void => {
      const waitedFor = operations.filter((operation) => !operation.hasThrown);
      const record = { module: module.name, isResolved: false };
      closes.push(record);
      void module.close().then(
        () => {
          record.isResolved = true;
          if (module !== stack.top) return;
          for (const operation of waitedFor) {
            if (operation.callbacks === 0)
              violations.push(`${module.name}.close() resolved before op${operation.n} called back`);
          }
          if (isTearingDown) return;
          void s.schedule(Promise.resolve(`reopen ${module.name}`)).then(() =>
            guard('reopen', () => {
              if (!isTearingDown && module.state === 'closed') module.open();
            }),
          );
        },
        (error: unknown) => violations.push(`${module.name}.close() rejected: ${describeError(error)}`),
      );
    };
    const sweep = (): void => {
      stack.sweeper?.cancelAll();
      if (stack.sweeper === undefined) return;
      for (const operation of operations) {
        if (operation.op !== undefined && operation.callbacks === 0 && !operation.op.isCanceled) {
          violations.push(`op${operation.n} was pending after cancelAll() returned, and not canceled`);
        }
      }
    };
    const start = (taskPlan: TaskPlan, n: number): void => {
      const operation = { n, op: undefined as AsyncOp<unknown> | undefined, hasThrown: false, callbacks: 0 };
      operations.push(operation);
      try {
        operation.op = stack.top.start(requestOf(taskPlan.target, taskPlan.rounds), () => {
          operation.callbacks++;
          guard(`op${n}'s re-entry`, () => {
            if (taskPlan.reentry === 'start' && extraStarts < 3) {
              start(
                { cancel: 'none', reentry: 'none', target: 'bytes', rounds: 1 },
                scenario.plans.length + ++extraStarts,
              );
            } else if (taskPlan.reentry === 'cancel-others') {
              for (const other of operations) if (other !== operation) cancel(other);
            } else if (taskPlan.reentry === 'close-top' && !isTearingDown) close(stack.top);
            else if (taskPlan.reentry === 'cancel-all') sweep();
          });
        });
      } catch (error) {
        operation.hasThrown = true;
        const code = (error as { code?: unknown }).code;
        if (code !== 'ERR_MODULE_CLOSED') violations.push(`start of op${n} threw ${describeError(error)}`);
        return;
      }
      if (taskPlan.cancel === 'immediately') cancel(operation);
      if (taskPlan.cancel === 'scheduled') {
        void s.schedule(Promise.resolve(`cancel op${n}`)).then(() => guard(`cancel op${n}`, () => cancel(operation)));
      }
    };

    scenario.plans.forEach((taskPlan, index) => {
      void s
        .schedule(Promise.resolve(`start op${index + 1}`))
        .then(() => guard('start', () => start(taskPlan, index + 1)));
    });
    for (const interference of scenario.interferences) {
      void s.schedule(Promise.resolve(interference)).then(() =>
        guard(interference, () => {
          if (interference === 'close-top') close(stack.top);
          else if (interference === 'cancel-all') sweep();
          else
            void threads
              .filter((thread) => !thread.hasExited)
              .at(-1)
              ?.crash(9);
        }),
      );
    }
    const isQuiet = (): boolean =>
      operations.every((operation) => operation.hasThrown || operation.callbacks > 0) &&
      SharedCancelFollower.followingCount === following;
    await settle(s, isQuiet);

    for (const operation of operations) {
      const expected = operation.hasThrown ? 0 : 1;
      if (operation.callbacks !== expected)
        violations.push(`op${operation.n} called back ${operation.callbacks} time(s)`);
    }
    violations.push(...checkTrace(events));

    // tear down: cancel what is left (after a reported bug), close top-down, then check what is left on both sides
    isTearingDown = true;
    for (const operation of operations) guard(`cancel op${operation.n} at the end`, () => cancel(operation));
    for (const module of stack.modules) {
      guard(`${module.name}.close()`, () => close(module));
      await settle(s, () => closes.every((record) => record.isResolved));
    }
    for (const record of closes) if (!record.isResolved) violations.push(`${record.module}.close() never resolved`);
    let isIdle = false;
    void manager.whenIdle().then(() => (isIdle = true));
    await settle(s, () => isIdle && SharedCancelFollower.followingCount === following);
    if (!isIdle) violations.push("the workers' file manager never became idle");
    if (stack.pool.cancelSlotsInUse !== 0) violations.push(`${stack.pool.cancelSlotsInUse} cancel slot(s) in use`);
    if (stack.pool.workerCount !== 0) violations.push(`${stack.pool.workerCount} thread(s) alive after close`);
    if (threads.some((thread) => !thread.hasExited)) violations.push('a thread was not stopped');
    const stillFollowing = SharedCancelFollower.followingCount - following;
    if (stillFollowing !== 0) violations.push(`${stillFollowing} follower(s) of the worker side not completed`);
    violations.push(...engine.violations.map((text) => `engine: ${text}`));
    if (engine.openDescriptorCount !== 0) violations.push(`${engine.openDescriptorCount} descriptor(s) left open`);
    for (const operation of operations) operation.op?.release();
    const live = LeakTracker.liveReferences(mark);
    if (live.length > 0) {
      violations.push(`${live.length} AsyncOp reference(s) left unreleased (either side)`);
      LeakTracker.forget(live);
    }
    return violations;
  } finally {
    restoreTimers();
  }
}
