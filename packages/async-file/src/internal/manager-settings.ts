import { describeValue } from 'async-op';
import type { BufferAllocator } from '../buffer-pool.js';
import { resolveEngine } from '../engines/select-engine.js';
import { FeatureUnavailableError } from '../feature-unavailable-error.js';
import type { FileEngine } from '../file-engine.js';
import { FileErrorCode } from '../file-handle-error.js';
import type { AsyncFileManagerOptions } from '../file-manager-options.js';
import { environmentFastPath } from './environment.js';
import { ReadBufferSource } from './read-buffer-source.js';
import type { SchedulerSettings } from './scheduler-settings.js';
import { expectInteger } from './validate.js';

/** The largest fast-path threshold: 2 GiB - 1, the largest read. */
const MAX_THRESHOLD = 0x7fffffff;

/** What a manager starts with: its engine, why that one, and the settings of its scheduler. */
export interface ManagerSetup {
  readonly engine: FileEngine;
  readonly engineReason: string;
  readonly settings: SchedulerSettings;
}

/** The default of `fastPathDelivery`: a later turn of the event loop. */
function onNextTurn(deliver: () => void): void {
  setImmediate(deliver);
}

/**
 * Checks a manager's options, resolves its engine (the option, else the environment) and its fast path (the options,
 * else the environment), once.
 *
 * @throws TypeError/RangeError for a bad option, naming the value received; TypeError for an engine that is not a
 *   FileEngine or lacks the fast path asked for; FeatureUnavailableError `ERR_FILE_CACHE_PROBE_UNAVAILABLE` for a
 *   cache probe the engine cannot make; IoUringUnavailableError for `engine: 'io_uring'` where it is unavailable.
 */
export function managerSetup(options: unknown): ManagerSetup {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
  }
  const given = options as AsyncFileManagerOptions;
  const concurrency = given.concurrency ?? 4;
  expectInteger('concurrency', concurrency, 1, 65_536);
  const { engine, reason } = resolveEngine(given.engine);
  if (given.trace !== undefined && typeof given.trace !== 'function') {
    throw new TypeError(`Expected \`trace\` to be a function, got ${describeValue(given.trace)}`);
  }
  const { syncThresholdBytes, cacheProbe, readBuffers, fastPathDelivery } = given;
  if (syncThresholdBytes !== undefined) expectInteger('syncThresholdBytes', syncThresholdBytes, 0, MAX_THRESHOLD);
  if (cacheProbe !== undefined && typeof cacheProbe !== 'boolean') {
    throw new TypeError(`Expected \`cacheProbe\` to be a boolean, got ${describeValue(cacheProbe)}`);
  }
  expectAllocator(readBuffers);
  const hasSyncCalls = engine.capabilities.syncCalls === true;
  // the environment applies to engines that have the fast path only; an explicit option to any engine
  const fromEnvironment = hasSyncCalls ? environmentFastPath() : { threshold: 0, probe: false };
  const threshold = syncThresholdBytes ?? fromEnvironment.threshold;
  const probe = cacheProbe ?? fromEnvironment.probe;
  if (threshold > 0 || probe) {
    const wanted = threshold > 0 ? `\`syncThresholdBytes\` ${threshold}` : '`cacheProbe`';
    expectSyncCalls(engine, wanted);
  }
  if (probe) {
    const support = engine.capabilities.noWaitCalls;
    if (support !== true) {
      throw new FeatureUnavailableError(FileErrorCode.CACHE_PROBE_UNAVAILABLE, `Cannot use cacheProbe: ${support}`);
    }
  }
  if (fastPathDelivery !== undefined && typeof fastPathDelivery !== 'function') {
    throw new TypeError(`Expected \`fastPathDelivery\` to be a function, got ${describeValue(fastPathDelivery)}`);
  }
  return {
    engine,
    engineReason: reason,
    settings: {
      concurrency,
      trace: given.trace,
      syncThreshold: threshold,
      noWait: probe,
      scheduleDelivery: fastPathDelivery ?? onNextTurn,
      buffers: new ReadBufferSource(readBuffers),
    },
  };
}

/**
 * Checks a handle's own `syncThresholdBytes` (AsyncFileManager.newFileHandle).
 *
 * @throws TypeError/RangeError for a bad value; TypeError for a threshold above 0 on an engine without the fast path.
 */
export function expectHandleThreshold(syncThresholdBytes: unknown, engine: FileEngine): void {
  if (syncThresholdBytes === undefined) return;
  expectInteger('syncThresholdBytes', syncThresholdBytes, 0, MAX_THRESHOLD);
  if (syncThresholdBytes > 0) expectSyncCalls(engine, `\`syncThresholdBytes\` ${syncThresholdBytes}`);
}

/** @throws TypeError unless the engine declares `syncCalls` (readNow and writeNow), naming what asked for them. */
function expectSyncCalls(engine: FileEngine, wanted: string): void {
  const support = engine.capabilities.syncCalls;
  if (support === true) return;
  throw new TypeError(
    `Expected \`engine\` to implement readNow and writeNow (capability \`syncCalls\`) for ${wanted}, got engine '${engine.name}' without them: ${support}`,
  );
}

/** @throws TypeError unless `readBuffers` is undefined or a BufferAllocator (allocate and release functions). */
function expectAllocator(readBuffers: unknown): asserts readBuffers is BufferAllocator | undefined {
  if (readBuffers === undefined) return;
  const candidate = readBuffers as Partial<BufferAllocator> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.allocate !== 'function' ||
    typeof candidate.release !== 'function'
  ) {
    throw new TypeError(
      `Expected \`readBuffers\` to be a BufferAllocator (allocate and release functions), got ${describeValue(readBuffers)}`,
    );
  }
}
