import { expect } from 'chai';
import type { ScriptedCallKind } from 'async-op-file';
import { isCancelAll, type ResultStatus, type SampleStack } from 'async-op-samples';
import { allCalls, firstThen, retriesThen, retriesThenHang, type CallPlan } from './call-plan.js';
import type { ConformanceRun, StartedOperation } from './conformance-run.js';
import { hasChain, isRetryCapable, stepsPerOperation } from './matrix-stacks.js';

/** One row of the scenario table. */
export interface Scenario {
  /** The test title (the engine is appended). */
  readonly name: string;
  /** Whether it runs on `stack` (the retry rows: only on stacks with a retries layer). */
  readonly appliesTo: (stack: SampleStack) => boolean;
  /** What each LL call does. */
  readonly plan: CallPlan;
  /** Why the scenario does not run on real files over `stack`; undefined if it does. */
  readonly nodeFsExclusion: (stack: SampleStack) => string | undefined;
  /** Drives the operations and checks what only this scenario knows; returns each operation's expected status. */
  readonly run: (run: ConformanceRun) => Promise<readonly ResultStatus[]>;
}

const OK_ASYNC = { outcome: 'ok', timing: 'async' } as const;
const OK_SYNC = { outcome: 'ok', timing: 'sync' } as const;
/** Retries before the call that hangs, in "cancel after many retries". */
const MANY_RETRIES = 10;

const NEVER_REACHES_NODE_FS =
  'a real engine cannot complete a call before it returns: every ok call would be a scripted outcome, the file system never reached';
const CHAIN_MIXES_SCRIPTED_AND_REAL =
  'a scripted sync step writes nothing, so the real steps of the same chain would fail on (or leave) the temporary file';

const everyStack = (): boolean => true;
const always = (): undefined => undefined;
const never = (): string => NEVER_REACHES_NODE_FS;
const notOverChain = (stack: SampleStack): string | undefined =>
  hasChain(stack) ? CHAIN_MIXES_SCRIPTED_AND_REAL : undefined;

async function expectOk(run: ConformanceRun, operation: StartedOperation): Promise<void> {
  const result = await run.settle(operation);
  expect(result.status, String(result.error)).to.equal('ok');
}

/** Over a finished operation: cancel does nothing (no callback, no LL call, no engine call). */
async function expectCancelIsNoOp(run: ConformanceRun, operation: StartedOperation): Promise<void> {
  const starts = run.settings.startCount;
  const engineCalls = run.engine?.calls.length;
  expect(await run.cancel(operation), 'cancel() after the callback reports it canceled nothing').to.equal(false);
  expect(operation.callback.callCount).to.equal(1);
  expect(run.settings.startCount, 'LL calls after the cancel').to.equal(starts);
  expect(run.engine?.calls.length, 'engine calls after the cancel').to.equal(engineCalls);
}

/** Where "cancel" hits an operation whose current LL call never completes. */
interface HungCall {
  /** LL calls started before the cancel, the hung one included. */
  readonly starts: number;
  /** Whether the cancel must undo (the chain's removal of its temporary file: one more LL call, an unlink). */
  readonly hasUndo: boolean;
  /**
   * Whether the held call is its LL job's first action (a rename): fake cancel then withdraws it too (the manager
   * cancels it: queued, it would never run; the scripted engine stops it in flight), instead of leaving it running.
   */
  readonly isFirstAction?: boolean;
}

/**
 * Cancels an operation whose current LL call never completes: the callback reports `canceled` (over fake cancel
 * inside cancel() unless an undo must run first); nothing but the undo starts after the cancel; real cancel stops the
 * held engine call and reports only once no file is open, fake cancel leaves the call running (the test then lets it
 * complete: the cleanup must follow) unless it is its job's first action, which fake cancel withdraws as real cancel
 * does. For HL cancel-all (close() then open()), a new operation must then succeed.
 */
async function cancelHungOperation(run: ConformanceRun, hung: HungCall): Promise<readonly ResultStatus[]> {
  const operation = run.start();
  const isSettled = operation.result.then(() => undefined);
  await run.waitFor(Promise.race([run.settings.whenHangReached, isSettled]), 'the call that never completes');
  expect(operation.callback.called, 'a callback before the cancel').to.equal(false);
  expect(run.settings.startCount, 'LL calls before the cancel').to.equal(hung.starts);
  const engineMark = run.engine?.calls.length ?? 0;
  expect(await run.cancel(operation, run.isFake && !hung.hasUndo), 'cancel() of a pending operation').to.equal(true);
  const result = await run.settle(operation);
  expect(result.status, String(result.error)).to.equal('canceled');
  expect(run.settings.startCount, 'LL calls after the cancel').to.equal(hung.starts + (hung.hasUndo ? 1 : 0));
  const held = run.settings.heldCalls[0];
  if (run.engine !== undefined && held !== undefined) {
    if (run.isFake && hung.isFirstAction === true) {
      expect(held.state, 'fake cancel withdraws a first action that has not reported').to.equal('canceled');
    } else if (run.isFake) {
      expect(held.state, 'fake cancel leaves the held call running').to.equal('pending');
      run.settings.releaseHeldCalls();
      await run.manager.whenIdle();
    } else {
      expect(held.state, 'real cancel stops the held call').to.equal('canceled');
      expect(operation.descriptorsAtCallback(), 'descriptors open when real cancel reported').to.equal(0);
    }
    const undoKinds: readonly ScriptedCallKind[] = hung.hasUndo ? ['close', 'unlink'] : ['close'];
    const after = run.engine.calls.slice(engineMark).map((call) => call.kind);
    expect(after, 'engine calls after the cancel').to.satisfy((kinds: ScriptedCallKind[]) =>
      kinds.every((kind) => undoKinds.includes(kind)),
    );
  }
  return afterCancel(run);
}

/** HL cancel-all was closed and opened again: a new operation must succeed. */
async function afterCancel(run: ConformanceRun): Promise<readonly ResultStatus[]> {
  if (!isCancelAll(run.definition)) return ['canceled'];
  await expectOk(run, run.start());
  return ['canceled', 'ok'];
}

/**
 * Cancels an operation while the retry module waits before its next attempt (the last LL call reported
 * error-can-retry before its start returned): `canceled` comes from inside cancel() over both LL variants, and no
 * attempt starts after it, even once the backoff delay is long past.
 */
async function cancelDuringBackoff(run: ConformanceRun, retries: number): Promise<readonly ResultStatus[]> {
  const operation = run.start();
  await run.waitFor(run.settings.whenStartCountReaches(retries), `LL call ${retries}`);
  expect(operation.callback.called, 'a callback before the cancel').to.equal(false);
  const wasCanceled = run.cancel(operation);
  expect(operation.callback.callCount, 'canceled reported inside cancel()').to.equal(1);
  expect(await wasCanceled, 'cancel() of a pending operation').to.equal(true);
  expect((await run.settle(operation)).status).to.equal('canceled');
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(run.settings.startCount, 'LL calls after the cancel').to.equal(retries);
  return afterCancel(run);
}

/** Cancel while the chain's step `index` (its `kind` engine call held) runs: the temporary file must go. */
function cancelAtChainStep(step: string, index: number, kind: ScriptedCallKind, isFirstAction: boolean): Scenario {
  return {
    name: `cancel at the chain's ${step} step removes the temporary file`,
    appliesTo: hasChain,
    plan: (call) => (call === index ? { outcome: 'hang', timing: 'async', holdKind: kind } : OK_ASYNC),
    nodeFsExclusion: () =>
      'a real engine cannot hold a call: a cancel racing the real step (a rename cannot be stopped) has no fixed outcome',
    run: (run) => cancelHungOperation(run, { starts: index + 1, hasUndo: true, isFirstAction }),
  };
}

/**
 * The scenario table: the 12 scenarios of the C suite (the retry rows on retry-capable stacks only), then three more: cancel
 * during a retry backoff, and cancel at the chain's sync-file and rename steps.
 */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'success async',
    appliesTo: everyStack,
    plan: allCalls('async'),
    nodeFsExclusion: always,
    run: async (run) => {
      const operation = run.start();
      expect(operation.wasCalledBeforeReturn, 'callback before start returned').to.equal(false);
      await expectOk(run, operation);
      expect(run.settings.startCount).to.equal(stepsPerOperation(run.definition));
      return ['ok'];
    },
  },
  {
    name: 'success on the sync path (callback before start returns)',
    appliesTo: everyStack,
    plan: allCalls('sync'),
    nodeFsExclusion: never,
    run: async (run) => {
      const operation = run.start();
      expect(operation.wasCalledBeforeReturn, 'callback before start returned').to.equal(true);
      await expectOk(run, operation);
      return ['ok'];
    },
  },
  {
    name: 'sync then async',
    appliesTo: everyStack,
    plan: firstThen('sync', 'async'),
    nodeFsExclusion: notOverChain,
    run: async (run) => {
      const first = run.start();
      // over the chain only the first step is synchronous
      expect(first.wasCalledBeforeReturn, 'first callback before start returned').to.equal(!hasChain(run.definition));
      await expectOk(run, first);
      const second = run.start();
      expect(second.wasCalledBeforeReturn, 'second callback before start returned').to.equal(false);
      await expectOk(run, second);
      return ['ok', 'ok'];
    },
  },
  {
    name: 'async then sync',
    appliesTo: everyStack,
    plan: firstThen('async', 'sync'),
    nodeFsExclusion: notOverChain,
    run: async (run) => {
      const first = run.start();
      expect(first.wasCalledBeforeReturn, 'first callback before start returned').to.equal(false);
      await expectOk(run, first);
      const second = run.start();
      expect(second.wasCalledBeforeReturn, 'second callback before start returned').to.equal(true);
      await expectOk(run, second);
      return ['ok', 'ok'];
    },
  },
  {
    name: 'success then cancel is a no-op',
    appliesTo: everyStack,
    plan: allCalls('async'),
    nodeFsExclusion: always,
    run: async (run) => {
      const operation = run.start();
      await expectOk(run, operation);
      await expectCancelIsNoOp(run, operation);
      return ['ok'];
    },
  },
  {
    name: 'cancel',
    appliesTo: everyStack,
    plan: retriesThenHang(0),
    nodeFsExclusion: always,
    run: (run) => cancelHungOperation(run, { starts: 1, hasUndo: false }),
  },
  {
    name: '3 retries then ok',
    appliesTo: isRetryCapable,
    plan: retriesThen(3, 'async', 'async', OK_ASYNC),
    nodeFsExclusion: always,
    run: async (run) => {
      await expectOk(run, run.start());
      expect(run.settings.startCount).to.equal(3 + stepsPerOperation(run.definition));
      return ['ok'];
    },
  },
  {
    name: '3 retries then cancel is a no-op',
    appliesTo: isRetryCapable,
    plan: retriesThen(3, 'async', 'async', OK_ASYNC),
    nodeFsExclusion: always,
    run: async (run) => {
      const operation = run.start();
      await expectOk(run, operation);
      await expectCancelIsNoOp(run, operation);
      return ['ok'];
    },
  },
  {
    name: '3 retries all sync',
    appliesTo: isRetryCapable,
    plan: retriesThen(3, 'sync', 'sync', OK_SYNC),
    nodeFsExclusion: never,
    run: async (run) => {
      await expectOk(run, run.start());
      expect(run.settings.startCount).to.equal(3 + stepsPerOperation(run.definition));
      return ['ok'];
    },
  },
  {
    name: 'sync-then-async retries',
    appliesTo: isRetryCapable,
    plan: retriesThen(3, 'sync', 'async', OK_ASYNC),
    nodeFsExclusion: always,
    run: async (run) => {
      await expectOk(run, run.start());
      expect(run.settings.startCount).to.equal(3 + stepsPerOperation(run.definition));
      return ['ok'];
    },
  },
  {
    name: 'async-then-sync retries',
    appliesTo: isRetryCapable,
    plan: retriesThen(3, 'async', 'sync', OK_SYNC),
    nodeFsExclusion: never,
    run: async (run) => {
      await expectOk(run, run.start());
      expect(run.settings.startCount).to.equal(3 + stepsPerOperation(run.definition));
      return ['ok'];
    },
  },
  {
    name: 'cancel after many retries',
    appliesTo: isRetryCapable,
    plan: retriesThenHang(MANY_RETRIES),
    nodeFsExclusion: always,
    run: (run) => cancelHungOperation(run, { starts: MANY_RETRIES + 1, hasUndo: false }),
  },
  {
    // beyond the C suite's list: cancel must stop ML retries during the backoff wait too (contract, Cancellable modules)
    name: 'cancel during the backoff after many retries',
    appliesTo: isRetryCapable,
    plan: retriesThen(MANY_RETRIES, 'sync', 'sync', OK_ASYNC),
    nodeFsExclusion: () => 'every LL call before the cancel is a scripted retry: the file system would not be reached',
    run: (run) => cancelDuringBackoff(run, MANY_RETRIES),
  },
  // beyond the C suite's list: the chain undoes its partial effect (the temporary file) on cancel
  cancelAtChainStep('sync-file', 1, 'sync', false),
  cancelAtChainStep('rename', 2, 'rename', true),
];
