import { describeValue } from 'async-op';
import type { FileEngine } from '../file-engine.js';
import { ENGINE_ENV, environmentEngineName } from '../internal/environment.js';
import { expectEngine } from '../internal/expect-engine.js';
import { IoUringEngine } from './io-uring-engine.js';
import { expectEngineOptions, IoUringUnavailableError, type IoUringEngineOptions } from './io-uring/engine-options.js';
import { NodeFsEngine } from './node-fs-engine.js';

/** Which engine to use: `auto` picks io_uring where it works, else node-fs. */
export type EngineChoice = 'auto' | 'node-fs' | 'io_uring';

const ENGINE_CHOICES: readonly string[] = ['auto', 'node-fs', 'io_uring'] satisfies EngineChoice[];

/** What {@link selectEngine} chose, and why in one line. */
export interface EngineSelection {
  readonly engine: FileEngine;
  readonly reason: string;
}

/**
 * Creates the engine `choice` names. `auto`: io_uring where the kernel, the sysctl, seccomp and the built addon allow
 * it, else node-fs, with the reason in one line. `io_uring` throws {@link IoUringUnavailableError} where unavailable.
 *
 * @throws TypeError for a choice it does not know or bad io_uring options.
 */
export function selectEngine(choice: EngineChoice = 'auto', options: IoUringEngineOptions = {}): EngineSelection {
  if (!ENGINE_CHOICES.includes(choice)) {
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

/**
 * The engine of a new manager, from its `engine` option: an engine object as given (checked), a choice by name, or,
 * when the option is undefined, what {@link ENGINE_ENV} names, else a new NodeFsEngine.
 *
 * @throws TypeError for an engine that does not implement FileEngine (naming what is missing), an unknown name, or an
 *   unknown {@link ENGINE_ENV}; IoUringUnavailableError for `io_uring` where it is unavailable.
 */
export function resolveEngine(option: FileEngine | EngineChoice | undefined): EngineSelection {
  if (typeof option === 'string') return selectEngine(option);
  if (option !== undefined) {
    expectEngine(option);
    return { engine: option, reason: 'given by the caller' };
  }
  const name = environmentEngineName();
  if (name === undefined) return { engine: new NodeFsEngine(), reason: 'the default engine' };
  if (!ENGINE_CHOICES.includes(name)) {
    throw new TypeError(
      `Expected the environment variable ${ENGINE_ENV} to be 'auto', 'node-fs' or 'io_uring' (or unset), got \`${name}\``,
    );
  }
  const selection = selectEngine(name as EngineChoice);
  return { engine: selection.engine, reason: `${ENGINE_ENV}=${name}: ${selection.reason}` };
}
