import type { AsyncOp } from 'async-op';
import fs from 'node:fs';
import path from 'node:path';
import type { AsyncFileHandle, AsyncFileManager, EngineError, FileCallback } from '../../src/index.js';
import { settlesWithin } from './step.js';

/**
 * The actions of the lifecycle scenario, in the order it enqueues them: on a fresh manager, the action id of each is
 * its index + 1.
 */
export const SCENARIO = [
  'open', // handle A opens the file
  'read', // A reads 5 bytes
  'canceledRead', // A reads, canceled at once (executing: the slot was free)
  'canceledOpen', // handle B opens the file, canceled at once (executing): undone where the open ran
  'blockerRead', // A reads, holding the only slot...
  'queuedOpen', // ...while B's open waits in the FIFO, canceled there: it never runs
  'failedOpen', // handle C opens a missing file: ENOENT
  'close', // A closes its file
] as const;
export type ScenarioAction = (typeof SCENARIO)[number];

/** The id of a scenario action on a fresh manager. */
export function idOf(action: ScenarioAction): number {
  return SCENARIO.indexOf(action) + 1;
}

/** The actions whose callback must run (once each); the others were canceled and must never call back. */
export const DELIVERED: readonly ScenarioAction[] = ['open', 'read', 'blockerRead', 'failedOpen', 'close'];

/** What the callbacks received: per action, every call (error code or null, and bytes as text where any). */
export type ScenarioCalls = Partial<Record<ScenarioAction, { error: string | null; text?: string }[]>>;

/** The file the scenario reads: 11 bytes. */
export const SCENARIO_TEXT = 'hello world';

/**
 * Runs the scenario on real files in `directory` on a fresh manager of concurrency 1, one step after the other, and
 * returns what every callback received. Each awaited step gives up after 2 s (a wedged manager fails fast).
 */
export async function runScenario(manager: AsyncFileManager, directory: string): Promise<ScenarioCalls> {
  const file = path.join(directory, 'data.txt');
  fs.writeFileSync(file, SCENARIO_TEXT);
  const calls: ScenarioCalls = {};
  const record =
    <T>(action: ScenarioAction, arrived?: () => void): FileCallback<T> =>
    (error: EngineError | null, result: T | undefined) => {
      const text = Buffer.isBuffer(result) ? result.toString() : undefined;
      (calls[action] ??= []).push({
        error: error === null ? null : (error.code ?? error.name),
        ...(text ? { text } : {}),
      });
      arrived?.();
    };
  /** Enqueues an action and resolves once its callback came. */
  const run = (action: ScenarioAction, start: (callback: FileCallback<unknown>) => AsyncOp<unknown>): Promise<void> => {
    let op: AsyncOp<unknown> | undefined;
    const arrived = new Promise<void>((resolve) => (op = start(record(action, resolve))));
    return settlesWithin(arrived, 2000, `the callback of ${action}`).finally(() => op?.release());
  };
  const cancelAtOnce = (action: ScenarioAction, start: (callback: FileCallback<unknown>) => AsyncOp<unknown>): void => {
    const op = start(record(action));
    op.cancel();
    op.release();
  };
  const a = manager.newFileHandle();
  const b = manager.newFileHandle();
  const c = manager.newFileHandle();
  await run('open', (callback) => a.openExistingFile(file, 'read', callback));
  await run('read', (callback) => a.read(0, 5, callback));
  cancelAtOnce('canceledRead', (callback) => a.read(0, 5, callback));
  await settled(a);
  cancelAtOnce('canceledOpen', (callback) => b.openExistingFile(file, 'read', callback));
  await settled(b);
  const blocker = run('blockerRead', (callback) => a.read(6, 5, callback));
  cancelAtOnce('queuedOpen', (callback) => b.openExistingFile(file, 'read', callback));
  await blocker;
  await run('failedOpen', (callback) => c.openExistingFile(path.join(directory, 'missing'), 'read', callback));
  await run('close', (callback) => a.close(callback));
  await settlesWithin(manager.whenIdle(), 2000, 'whenIdle()');
  return calls;
}

function settled(handle: AsyncFileHandle): Promise<void> {
  return settlesWithin(handle.whenSettled(), 2000, 'whenSettled()');
}

/** What a correct run's callbacks receive: each delivered action once, the canceled ones never. */
export const EXPECTED_CALLS: ScenarioCalls = {
  open: [{ error: null }],
  read: [{ error: null, text: 'hello' }],
  blockerRead: [{ error: null, text: 'world' }],
  failedOpen: [{ error: 'ENOENT' }],
  close: [{ error: null }],
};
