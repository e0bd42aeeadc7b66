import type { AsyncFileManager } from 'async-op-file';
import {
  buildStack as buildSampleStack,
  createFileLowLevel,
  hasLayer,
  writeRequest,
  type FileJobValue,
  type CancellableModule,
  type FileLowLevelName,
  type LowLevelTestSettings,
  type SampleStack,
} from 'async-op-samples';

// The stacks themselves are the samples' registry (FILE_STACKS, FILE_LOW_LEVELS); this file holds what the
// conformance matrix asks of them.

/** Whether the stack has a retries layer (the retry scenarios run only there). */
export function isRetryCapable(stack: SampleStack): boolean {
  return hasLayer(stack, 'ml-retries');
}

/** Whether the stack has the chain: one operation is three LL calls (write-file, sync-file, rename), else one. */
export function hasChain(stack: SampleStack): boolean {
  return hasLayer(stack, 'ml-chain');
}

/** The LL calls of one successful operation, retries not counted. */
export function stepsPerOperation(stack: SampleStack): number {
  return hasChain(stack) ? 3 : 1;
}

/** Retry settings for the matrix: no real wait, and enough attempts for "cancel after many retries". */
export const RETRY_OPTIONS = { maxAttempts: 20, baseDelayMs: 0, maxDelayMs: 0 } as const;

type AnyModule = CancellableModule<unknown, FileJobValue>;

/** A built and opened stack. */
export interface BuiltStack {
  /** The module the test starts operations on. */
  readonly top: AnyModule;
  /** Every module, top-down, the LL last: close them in this order. */
  readonly modules: readonly AnyModule[];
  /** The request of one operation writing `data` to the new file `path`. */
  readonly request: (path: string, data: Uint8Array, chunkSize: number) => unknown;
}

/**
 * Builds a stack of the registry over a new LL module and opens it bottom-up.
 *
 * @param stack - which stack.
 * @param lowLevel - real or fake cancel.
 * @param manager - the file manager of the LL module.
 * @param testSettings - the LL module's test hooks.
 */
export function buildStack(
  stack: SampleStack,
  lowLevel: FileLowLevelName,
  manager: AsyncFileManager,
  testSettings: LowLevelTestSettings,
): BuiltStack {
  const built = buildSampleStack<unknown, FileJobValue>(stack, createFileLowLevel(lowLevel, manager, testSettings), {
    retries: RETRY_OPTIONS,
  });
  return {
    top: built.top,
    modules: built.modules as readonly AnyModule[],
    request: (path, data, chunkSize) => writeRequest(stack, path, data, chunkSize),
  };
}
