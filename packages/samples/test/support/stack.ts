import {
  AsyncFileManager,
  ScriptedEngine,
  type FileEngine,
  type ScriptedCall,
  type ScriptedEngineOptions,
} from 'async-op-file';
import type { AsyncOp, Clock } from 'async-op';
import { expect } from 'chai';
import {
  createFileLowLevel,
  FILE_LOW_LEVELS,
  LowLevelTestSettings,
  type FileLowLevelName,
  type CancellableModule,
  type FileJobRequest,
  type FileJobValue,
  type Result,
} from '../../src/index.js';

/**
 * The engine of managers created without `engine` in this run: `node-fs`, or what ASYNC_FILE_ENGINE names (`npm test`
 * runs the real-file suites on io_uring too: test/support/run-engines.ts).
 */
export const DEFAULT_ENGINE = new AsyncFileManager().engineName;

/** The two file LLs of the stack registry; every ML/HL suite runs over both. */
export const LL_VARIANTS = FILE_LOW_LEVELS;
export type LowLevelVariant = FileLowLevelName;

export type LowLevelModule = CancellableModule<FileJobRequest, FileJobValue>;

/** Creates an LL module of `variant` (not opened). */
export function createLowLevel(
  variant: LowLevelVariant,
  manager: AsyncFileManager,
  testSettings?: LowLevelTestSettings,
): LowLevelModule {
  return createFileLowLevel(variant, manager, testSettings);
}

/** A scripted engine, its manager, an opened LL module and its test settings. */
export interface ScriptedStack {
  readonly engine: ScriptedEngine;
  readonly manager: AsyncFileManager;
  readonly settings: LowLevelTestSettings;
  readonly ll: LowLevelModule;
}

/**
 * Builds and opens an LL module over a new scripted engine (given to the manager through `wrapEngine`, if given); the
 * scripted delays of its test settings run on `clock` (default real time).
 */
export function scriptedStack(
  variant: LowLevelVariant,
  engineOptions: ScriptedEngineOptions = {},
  concurrency = 4,
  wrapEngine: (engine: ScriptedEngine) => FileEngine = (engine) => engine,
  clock?: Clock,
): ScriptedStack {
  const engine = new ScriptedEngine(engineOptions);
  engine.addDirectory('/data');
  const manager = new AsyncFileManager({ engine: wrapEngine(engine), concurrency });
  const settings = new LowLevelTestSettings({ clock });
  const ll = createLowLevel(variant, manager, settings);
  ll.open();
  return { engine, manager, settings, ll };
}

/**
 * A completion policy: calls for which `isHeld(call)` is true stay pending (the test completes them); every other
 * call completes synchronously, inside the call.
 */
export function holdCalls(isHeld: (call: ScriptedCall) => boolean): (call: ScriptedCall) => void {
  return (call) => {
    if (!isHeld(call)) call.complete();
  };
}

/** Records a start callback's calls. */
export interface Recorder<V> {
  readonly results: Result<V>[];
  readonly callback: (result: Result<V>) => void;
  /** Resolves with the first result. */
  readonly result: Promise<Result<V>>;
}

export function recorder<V>(onResult?: (result: Result<V>) => void): Recorder<V> {
  const results: Result<V>[] = [];
  let resolve: (result: Result<V>) => void = () => {};
  const result = new Promise<Result<V>>((r) => (resolve = r));
  return {
    results,
    result,
    callback: (r) => {
      results.push(r);
      resolve(r);
      onResult?.(r);
    },
  };
}

/** Closes modules top-down, then waits for the manager, and releases the given ops. */
export async function shutDown(
  manager: AsyncFileManager,
  modules: readonly CancellableModule<never, unknown>[],
  ops: readonly AsyncOp<unknown>[] = [],
): Promise<void> {
  for (const op of ops) if (!op.isReleased) op.release();
  for (const module of modules) await module.close();
  await manager.whenIdle();
  for (const module of modules) module.destroy();
}

/**
 * Closes `modules` (default: the stack's LL) top-down, waits for the manager, and checks that the scripted engine
 * holds no descriptor open and saw no descriptor misuse.
 */
export async function shutDownScripted(
  stack: ScriptedStack,
  modules: readonly CancellableModule<never, unknown>[] = [stack.ll],
): Promise<void> {
  await shutDown(stack.manager, modules);
  expect(stack.engine.openDescriptorCount, 'descriptors left open').to.equal(0);
  expect(stack.engine.violations).to.deep.equal([]);
}

/** Waits `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
