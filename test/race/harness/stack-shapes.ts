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
} from 'async-op-samples';

/** The 13 stack shapes of the C original, top-down; each runs over both LL variants. */
export const STACK_SHAPES = [
  'll',
  'ml/ll',
  'chain/ll',
  'retries/ll',
  'chain/retries/ll',
  'hl/ml/ll',
  'hl/chain/ll',
  'hl/retries/ll',
  'hl/chain/retries/ll',
  'cancel-all/ml/ll',
  'cancel-all/chain/ll',
  'cancel-all/retries/ll',
  'cancel-all/chain/retries/ll',
] as const;
export type StackShape = (typeof STACK_SHAPES)[number];

export const LL_VARIANTS = ['real', 'fake'] as const;
export type LowLevelVariant = (typeof LL_VARIANTS)[number];

export type LowLevelModule = CancellableModule<FileJobRequest, FileJobValue>;
/** Any module of a stack, as the generic driver sees it. */
export type StackModule = CancellableModule<unknown, FileJobValue>;
/** A top module with a sweep (HL cancel-all). */
export type SweepingModule = StackModule & { cancelAll(reason?: unknown): number };

/** How each layer is made: the real sample modules by default; a pitfall replaces one layer. */
export interface ModuleFactories {
  readonly ll: (variant: LowLevelVariant, manager: AsyncFileManager) => LowLevelModule;
  readonly passThrough: (lower: LowLevelModule) => StackModule;
  readonly chain: (lower: LowLevelModule) => StackModule;
  readonly retries: (lower: LowLevelModule) => LowLevelModule;
  readonly hl: (lower: StackModule) => StackModule;
  readonly cancelAll: (lower: StackModule) => SweepingModule;
}

/** The real modules; retries wait 0 ms (the timers go through the scheduler) and try at most 3 times. */
export const REAL_MODULES: ModuleFactories = {
  ll: (variant, manager) =>
    variant === 'real' ? new RealCancelFileModule({ manager }) : new FakeCancelFileModule({ manager }),
  passThrough: (lower) => new PassThroughModule({ lower }) as StackModule,
  chain: (lower) => new AtomicSaveModule({ lower }) as StackModule,
  retries: (lower) => new RetryModule({ lower, baseDelayMs: 0, maxAttempts: 3 }),
  hl: (lower) => new HighLevelModule({ lower }),
  cancelAll: (lower) => new CancelAllModule({ lower }),
};

/** A built and opened stack. */
export interface Stack {
  readonly top: StackModule;
  /** The top's sweep, for cancel-all stacks. */
  readonly sweeper: SweepingModule | undefined;
  readonly ll: LowLevelModule;
  /** Every module, top-down (the order to close them in). */
  readonly modules: readonly StackModule[];
  /** The request of operation `n`, whose files all live in `/d/op<n>`. */
  readonly request: (n: number, size: number) => unknown;
}

/** Builds a stack of `shape` over an LL of `variant`, opened bottom-up. */
export function buildStack(
  shape: StackShape,
  variant: LowLevelVariant,
  manager: AsyncFileManager,
  factories: ModuleFactories,
  wrapLowLevel: (ll: LowLevelModule) => LowLevelModule = (ll) => ll,
): Stack {
  const layers = shape.split('/');
  const ll = wrapLowLevel(factories.ll(variant, manager));
  const modules: StackModule[] = [ll as StackModule];
  let lower: LowLevelModule = ll;
  if (layers.includes('retries')) {
    lower = factories.retries(lower);
    modules.unshift(lower as StackModule);
  }
  let middle: StackModule = lower as StackModule;
  if (layers.includes('chain')) middle = factories.chain(lower);
  else if (layers.includes('ml')) middle = factories.passThrough(lower);
  if (middle !== (lower as StackModule)) modules.unshift(middle);
  let top = middle;
  let sweeper: SweepingModule | undefined;
  if (layers[0] === 'hl') top = factories.hl(middle);
  if (layers[0] === 'cancel-all') top = sweeper = factories.cancelAll(middle);
  if (top !== middle) modules.unshift(top);
  for (const module of [...modules].reverse()) module.open();
  const isChain = layers.includes('chain');
  const request = (n: number, size: number): unknown => {
    const data = Buffer.alloc(size, 0x61 + (n % 26));
    return isChain
      ? { path: `/d/op${n}/file`, data, chunkSize: 4 }
      : { kind: 'write-file', path: `/d/op${n}/file`, data, chunkSize: 4 };
  };
  return { top, sweeper, ll, modules, request };
}
