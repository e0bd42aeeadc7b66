import type { AsyncFileManager } from 'async-op-file';
// the kit's types from the kit; the samples' classes from their own files
import type { CancellableModule, FileJobRequest, LowLevelTestSettings } from 'async-op-module-kit';
import { AtomicSaveModule, type AtomicSaveRequest } from '../ml-chain.js';
import { CancelAllModule } from '../hl-cancel-all.js';
import { FakeCancelFileModule } from '../ll-fake-cancel.js';
import { HighLevelModule, type HighLevelModuleOptions } from '../hl.js';
import { PassThroughModule } from '../ml-pass-through.js';
import { RealCancelFileModule } from '../ll-real-cancel.js';
import { RetryModule, type RetryModuleOptions } from '../ml-retries.js';
import { hasLayer, type FileLowLevelName, type SampleLayerName, type SampleStack } from './sample-stacks.js';

/** Any module of a stack, as a generic driver sees it. */
export type StackModule = CancellableModule<never, unknown>;

/** How each layer is made over the module beneath it: the samples by default; a test may replace one. */
export type LayerFactories = { readonly [Name in SampleLayerName]: (lower: StackModule) => StackModule };

/** What {@link buildStack} takes besides the stack and its LL. */
export interface BuildStackOptions {
  /** The retry module's options (its `lower` excepted). */
  readonly retries?: Omit<RetryModuleOptions<unknown, unknown>, 'lower'> | undefined;
  /** The HL module's options (its `lower` excepted): a deadline for every operation, say. */
  readonly hl?: Omit<HighLevelModuleOptions<unknown, unknown>, 'lower'> | undefined;
  /** Layers made otherwise (a deliberately broken variant, in the pitfall ladder). */
  readonly layers?: Partial<LayerFactories> | undefined;
}

/**
 * A built and opened stack.
 *
 * @typeParam Request - what the top takes (as the caller knows it: a file stack with the chain takes AtomicSaveRequest).
 * @typeParam Value - what an `ok` result of the top carries.
 */
export interface BuiltStack<Request = unknown, Value = unknown> {
  /** The module operations start on. */
  readonly top: CancellableModule<Request, Value>;
  /** Every module, top-down, the LL last: close them in this order. */
  readonly modules: readonly StackModule[];
  /** The top, when it is HL cancel-all (its sweep). */
  readonly sweeper: CancelAllModule<Request, Value> | undefined;
}

/**
 * The samples' layers, as factories.
 *
 * @param retries - the retry module's options.
 * @param hl - the HL module's options.
 */
export function sampleLayers(
  retries: BuildStackOptions['retries'] = {},
  hl: BuildStackOptions['hl'] = {},
): LayerFactories {
  const lowerOf = (lower: StackModule): CancellableModule<unknown, unknown> =>
    lower as unknown as CancellableModule<unknown, unknown>;
  return {
    'ml-pass-through': (lower) => new PassThroughModule({ lower: lowerOf(lower) }) as StackModule,
    'ml-chain': (lower) =>
      new AtomicSaveModule({ lower: lower as unknown as CancellableModule<FileJobRequest, never> }) as StackModule,
    'ml-retries': (lower) => new RetryModule({ ...retries, lower: lowerOf(lower) }) as StackModule,
    hl: (lower) => new HighLevelModule({ ...hl, lower: lowerOf(lower) }) as StackModule,
    'hl-cancel-all': (lower) => new CancelAllModule({ lower: lowerOf(lower) }) as StackModule,
  };
}

/**
 * Builds `stack` over `lowLevel` and opens every module bottom-up (the LL too, unless it is open already).
 *
 * @param stack - which layers (FILE_STACKS or POOL_STACKS).
 * @param lowLevel - the LL module beneath (any module of the LL's shape); opened unless it is open already.
 * @param options - the retry options; layers made otherwise.
 * @returns the top, every module top-down, and the sweep of a cancel-all top.
 * @throws TypeError from a module's constructor (an `ml-chain` layer over a pool LL, say: its requests differ).
 */
export function buildStack<Request = unknown, Value = unknown>(
  stack: SampleStack,
  lowLevel: StackModule,
  options: BuildStackOptions = {},
): BuiltStack<Request, Value> {
  const layers = { ...sampleLayers(options.retries, options.hl), ...options.layers };
  const modules: StackModule[] = [lowLevel];
  if (lowLevel.state !== 'open') lowLevel.open();
  let top = lowLevel;
  for (const name of [...stack.layers].reverse()) {
    top = layers[name](top);
    top.open();
    modules.unshift(top);
  }
  const sweeper = stack.layers[0] === 'hl-cancel-all' ? (top as unknown as CancelAllModule<Request, Value>) : undefined;
  return { top: top as unknown as CancellableModule<Request, Value>, modules, sweeper };
}

/**
 * Creates (does not open) a file LL module.
 *
 * @param name - which LL sample.
 * @param manager - its file manager.
 * @param testSettings - its test hooks, if any.
 */
export function createFileLowLevel(
  name: FileLowLevelName,
  manager: AsyncFileManager,
  testSettings?: LowLevelTestSettings,
): CancellableModule<FileJobRequest, never> & StackModule {
  const options = testSettings === undefined ? { manager } : { manager, testSettings };
  return (name === 'll-real-cancel' ? new RealCancelFileModule(options) : new FakeCancelFileModule(options)) as never;
}

/**
 * The request that writes `data` to the new file `path` through the top of a file stack: an AtomicSaveRequest when
 * the stack has the chain, else a `write-file` FileJobRequest.
 *
 * @param stack - a file stack.
 * @param path - the file to create.
 * @param data - its bytes.
 * @param chunkSize - bytes per write.
 */
export function writeRequest(
  stack: SampleStack,
  path: string,
  data: Uint8Array,
  chunkSize?: number,
): AtomicSaveRequest | FileJobRequest {
  const chunk = chunkSize === undefined ? {} : { chunkSize };
  return hasLayer(stack, 'ml-chain') ? { path, data, ...chunk } : { kind: 'write-file', path, data, ...chunk };
}
