import type { AsyncFileManager } from 'async-op-file';
import {
  AtomicSaveModule,
  CancelAllModule,
  FakeCancelFileModule,
  HighLevelModule,
  PassThroughModule,
  RealCancelFileModule,
  RetryModule,
  type CancellableModule,
  type FileJobRequest,
  type FileJobValue,
  type LowLevelTestSettings,
} from 'async-op-samples';

// The worker-pool stacks (an LL of HashRequests, not file jobs) are in worker-pool-stacks.ts.

/** The two LL variants; every stack runs over both. */
export const LOW_LEVEL_VARIANTS = ['real', 'fake'] as const;
export type LowLevelVariant = (typeof LOW_LEVEL_VARIANTS)[number];

/** One layer above the LL module: ML pass-through, ML chain, ML retries, HL, HL cancel-all. */
export type Layer = 'ML' | 'chain' | 'retries' | 'HL' | 'cancel-all';

/** A stack: its layers top-down, the LL module beneath them all. */
export interface StackDefinition {
  /** As the C suite names it: `HL/chain/retries`; the bare LL is `LL`. */
  readonly label: string;
  /** Top-down, without the LL. */
  readonly layers: readonly Layer[];
}

function stack(...layers: Layer[]): StackDefinition {
  return { label: layers.length === 0 ? 'LL' : layers.join('/'), layers };
}

/**
 * The 13 stacks of the C suite: LL; ML/LL; chain/LL; retries/LL; chain/retries/LL; HL/ML; HL/chain; HL/retries;
 * HL/chain/retries; cancel-all over ML, chain, retries, chain/retries. In `chain/retries` the chain's steps go through
 * the retry module.
 */
export const STACKS: readonly StackDefinition[] = [
  stack(),
  stack('ML'),
  stack('chain'),
  stack('retries'),
  stack('chain', 'retries'),
  stack('HL', 'ML'),
  stack('HL', 'chain'),
  stack('HL', 'retries'),
  stack('HL', 'chain', 'retries'),
  stack('cancel-all', 'ML'),
  stack('cancel-all', 'chain'),
  stack('cancel-all', 'retries'),
  stack('cancel-all', 'chain', 'retries'),
];

/** Whether the stack has a retries layer (the retry scenarios run only there). */
export function isRetryCapable(definition: StackDefinition): boolean {
  return definition.layers.includes('retries');
}

/** Whether the stack's top is HL cancel-all (its "cancel" is close() then open() again). */
export function isCancelAll(definition: StackDefinition): boolean {
  return definition.layers[0] === 'cancel-all';
}

/** Whether the stack has the chain: one operation is three LL calls (write-file, sync-file, rename), else one. */
export function hasChain(definition: StackDefinition): boolean {
  return definition.layers.includes('chain');
}

/** The LL calls of one successful operation, retries not counted. */
export function stepsPerOperation(definition: StackDefinition): number {
  return hasChain(definition) ? 3 : 1;
}

/** The title of a stack over an LL variant: `HL/chain/retries over LL real cancel`, `LL fake cancel`. */
export function stackTitle(definition: StackDefinition, variant: LowLevelVariant): string {
  return definition.layers.length === 0 ? `LL ${variant} cancel` : `${definition.label} over LL ${variant} cancel`;
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
 * Builds a stack over a new LL module of `variant` and opens it bottom-up.
 *
 * @param definition - which stack.
 * @param variant - real or fake cancel.
 * @param manager - the file manager of the LL module.
 * @param testSettings - the LL module's test hooks.
 */
export function buildStack(
  definition: StackDefinition,
  variant: LowLevelVariant,
  manager: AsyncFileManager,
  testSettings: LowLevelTestSettings,
): BuiltStack {
  const ll: CancellableModule<FileJobRequest, FileJobValue> =
    variant === 'real'
      ? new RealCancelFileModule({ manager, testSettings })
      : new FakeCancelFileModule({ manager, testSettings });
  const bottomUp: AnyModule[] = [ll as AnyModule];
  let lower = ll as AnyModule;
  for (const layer of [...definition.layers].reverse()) {
    lower = createLayer(layer, lower);
    bottomUp.push(lower);
  }
  for (const module of bottomUp) module.open();
  const chained = hasChain(definition);
  return {
    top: lower,
    modules: bottomUp.reverse(),
    request: (path, data, chunkSize) =>
      chained ? { path, data, chunkSize } : { kind: 'write-file', path, data, chunkSize },
  };
}

function createLayer(layer: Layer, lower: AnyModule): AnyModule {
  switch (layer) {
    case 'ML':
      return new PassThroughModule({ lower });
    case 'chain':
      return new AtomicSaveModule({ lower: lower as CancellableModule<FileJobRequest, FileJobValue> }) as AnyModule;
    case 'retries':
      return new RetryModule({ lower, ...RETRY_OPTIONS });
    case 'HL':
      return new HighLevelModule({ lower });
    case 'cancel-all':
      return new CancelAllModule({ lower });
  }
}
