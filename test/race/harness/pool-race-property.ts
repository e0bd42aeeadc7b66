import { SharedCancelFollower } from 'async-op';
import {
  buildStack,
  POOL_LOW_LEVEL,
  POOL_STACKS,
  ScriptedPoolThread,
  stackTitle,
  WorkerPoolModule,
  type HashRequest,
  type HashValue,
  type PoolTraceEvent,
  type SampleStack,
} from 'async-op-samples';
import {
  RaceFailure,
  raceScenario,
  runRace,
  type OperationPlan,
  type RaceScenario,
  type RaceSession,
  type RaceStack,
} from 'async-op-race-kit';
import fc from 'fast-check';

/** The retry module over the pool: a thread's exit is not retried (an `error`); EAGAIN from a worker's file is. */
const RETRIES = { baseDelayMs: 0, maxAttempts: 3 } as const;
/** What a task hashes: a file of the scripted engine (3 chunks), a missing file, or bytes. */
const TARGETS = ['file', 'missing', 'bytes'] as const;
/** Outside the race's root: a file shared by every task, which the file-level ownership check does not judge. */
const FILE = '/d/file';

/** One run: which pool stack, how many worker threads, and the race kit's scenario. */
export interface PoolRaceScenario {
  readonly stack: SampleStack;
  readonly workers: number;
  readonly race: RaceScenario;
}

/**
 * The request of a plan: its size (1 to 9) picks the target (file, missing, bytes, in turn) and the rounds (1-3).
 * Files live outside the race's root: across threads, a cancel reaches the worker later (through a message or the
 * doorbell), so "nothing started after cancel" is judged from the pool's own trace instead (see checkTrace).
 */
function requestOf(plan: OperationPlan): HashRequest {
  const target = TARGETS[(plan.size - 1) % 3] ?? 'bytes';
  const rounds = 1 + Math.floor((plan.size - 1) / 3);
  if (target === 'bytes') return { kind: 'hash-bytes', data: new Uint8Array([1, 2, 3]), rounds };
  return { kind: 'hash-file', path: target === 'file' ? FILE : '/d/missing', chunkSize: 4, rounds };
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

/** The stack of one run: scripted pool threads (every message a scheduled task) over the run's manager. */
function buildPoolRace(session: RaceSession, scenario: PoolRaceScenario): RaceStack<HashRequest, unknown> {
  const { s, violations } = session;
  const { engine, manager } = session.engine;
  engine.writeFile(FILE, 'abcdefghijkl');
  const following = SharedCancelFollower.followingCount;
  const threads: ScriptedPoolThread[] = [];
  const events: PoolTraceEvent[] = [];
  const pool = new WorkerPoolModule({
    workers: scenario.workers,
    trace: (event) => events.push(event),
    createThread: () => {
      const thread = new ScriptedPoolThread({
        manager,
        deliver: (deliver) =>
          void s.schedule(Promise.resolve('message')).then(() => violations.guard('a message', deliver)),
      });
      threads.push(thread);
      return thread;
    },
  });
  const built = buildStack<HashRequest, HashValue>(scenario.stack, pool, { retries: RETRIES });
  return {
    top: built.top,
    modules: built.modules,
    request: (_n, _directory, plan) => requestOf(plan),
    hasOwnedCalls: false,
    // the doorbell's waits resolve in event-loop turns the scheduler does not see: settle until nothing is left
    isSettled: (operations) =>
      operations.every((operation) => operation.hasThrown || operation.outcomes.length > 0) &&
      SharedCancelFollower.followingCount === following &&
      built.modules.every((module) => module.state !== 'closing'),
    fault: () =>
      void threads
        .filter((thread) => !thread.hasExited)
        .at(-1)
        ?.crash(9),
    checkEnd: () => {
      const found = checkTrace(events);
      if (pool.cancelSlotsInUse !== 0) found.push(`${pool.cancelSlotsInUse} cancel slot(s) in use`);
      if (pool.workerCount !== 0) found.push(`${pool.workerCount} thread(s) alive after close`);
      if (threads.some((thread) => !thread.hasExited)) found.push('a thread was not stopped');
      const stillFollowing = SharedCancelFollower.followingCount - following;
      if (stillFollowing !== 0) found.push(`${stillFollowing} follower(s) of the worker side not completed`);
      return found;
    },
    isRefusal: (error) => (error as { code?: unknown } | null)?.code === 'ERR_MODULE_CLOSED',
  };
}

/** The arbitrary of one run, over `stacks`. */
export function poolRaceScenario(stacks: readonly SampleStack[] = POOL_STACKS): fc.Arbitrary<PoolRaceScenario> {
  return fc.record<PoolRaceScenario>({
    stack: fc.constantFrom(...stacks),
    workers: fc.integer({ min: 1, max: 2 }),
    race: raceScenario({
      concurrency: { min: 1, max: 2 },
      maxOperations: 4,
      size: { min: 1, max: 9 },
      interferences: ['close-top', 'stack-fault', 'cancel-all'],
      fastPath: [false],
      holdsCallbacks: [false],
    }),
  });
}

/**
 * The race property over the worker pool's stacks (the race kit's, with scripted threads): exactly one callback per
 * successful start; nothing dispatched after a cancel while queued, no step after the worker saw the cancel;
 * close() resolves after the callbacks; at the end nothing left on either side (AsyncOp references, followers,
 * cancel slots, descriptors, threads).
 */
export function poolRaceProperty(
  stacks?: readonly SampleStack[],
): fc.IAsyncPropertyWithHooks<[fc.Scheduler, PoolRaceScenario]> {
  return fc.asyncProperty(fc.scheduler(), poolRaceScenario(stacks), async (s, scenario) => {
    const result = await runRace(s, scenario.race, (session) => buildPoolRace(session, scenario));
    if (result.violations.length > 0) {
      const title = stackTitle(scenario.stack, POOL_LOW_LEVEL);
      throw new RaceFailure(result.violations, scenario.race, result.log, title);
    }
  });
}
