import type { FileEngine } from '../file-engine.js';
import { IoUringEngine } from './io-uring-engine.js';
import { expectEngineOptions, IoUringUnavailableError, type IoUringEngineOptions } from './io-uring/engine-options.js';
import { NodeFsEngine } from './node-fs-engine.js';
import { describeValue } from 'async-op';

/** Which engine to use: `auto` picks io_uring where it works, else node-fs. */
export type EngineChoice = 'auto' | 'node-fs' | 'io_uring';

/** What {@link selectEngine} chose, and why in one line. */
export interface EngineSelection {
  readonly engine: FileEngine;
  readonly reason: string;
}

/**
 * Creates the engine `choice` names. `auto`: io_uring where the kernel, the sysctl, seccomp and the built addon allow
 * it, else node-fs, with the reason in one line. `io_uring` throws {@link IoUringUnavailableError} where unavailable.
 */
export function selectEngine(choice: EngineChoice = 'auto', options: IoUringEngineOptions = {}): EngineSelection {
  if (choice !== 'auto' && choice !== 'node-fs' && choice !== 'io_uring') {
    throw new TypeError(`Expected \`engine\` to be 'auto', 'node-fs' or 'io_uring', got ${describeValue(choice)}`);
  }
  expectEngineOptions(options);
  if (choice === 'node-fs') return { engine: new NodeFsEngine(), reason: 'node-fs requested' };
  if (choice === 'io_uring') return { engine: new IoUringEngine(options), reason: 'io_uring requested' };
  try {
    return { engine: new IoUringEngine(options), reason: 'io_uring is available' };
  } catch (error) {
    if (!(error instanceof IoUringUnavailableError)) throw error;
    return { engine: new NodeFsEngine(), reason: `io_uring unavailable (${error.reason}): using node-fs` };
  }
}

/** {@link selectEngine} without the reason. */
export function createFileEngine(choice: EngineChoice = 'auto', options: IoUringEngineOptions = {}): FileEngine {
  return selectEngine(choice, options).engine;
}
