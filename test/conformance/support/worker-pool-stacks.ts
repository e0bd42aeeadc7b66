import {
  CancelAllModule,
  HighLevelModule,
  PassThroughModule,
  RetryModule,
  WorkerPoolModule,
  type CancellableModule,
  type HashRequest,
  type HashValue,
  type PoolThread,
  type PoolTraceListener,
} from 'async-op-samples';

/**
 * The stacks over the worker-pool module (LL), for the worker-pool conformance matrix (worker-pool-matrix.test.ts) and
 * race property (test/race/worker-pool.test.ts). Not in stack-definitions.ts: the pool takes HashRequests, so the
 * file-job scenarios and the chain (which needs file-job requests) do not apply to it.
 */
export const POOL_STACK_SHAPES = [
  'pool',
  'ml/pool',
  'retries/pool',
  'hl/ml/pool',
  'cancel-all/ml/pool',
  'cancel-all/retries/pool',
] as const;
export type PoolStackShape = (typeof POOL_STACK_SHAPES)[number];

export type PoolStackModule = CancellableModule<HashRequest, HashValue>;

/** A built and opened stack over a worker pool. */
export interface PoolStack {
  readonly pool: WorkerPoolModule;
  readonly top: PoolStackModule;
  /** The top's sweep, for cancel-all stacks. */
  readonly sweeper: CancelAllModule<HashRequest, HashValue> | undefined;
  /** Every module, top-down (the order to close them in); the pool last. */
  readonly modules: readonly PoolStackModule[];
}

/** Options of {@link buildPoolStack}. */
export interface PoolStackOptions {
  readonly workers: number;
  readonly createThread: () => PoolThread;
  readonly trace?: PoolTraceListener | undefined;
}

/** The retry module over the pool: a thread's exit is not retried (an `error`); EAGAIN from a worker's file is. */
const RETRIES = { baseDelayMs: 0, maxAttempts: 3 } as const;

/**
 * Builds the layers of `shape` over `pool` (open already, or opened here) and opens them bottom-up; the pool is the
 * last of `modules`. The race tests build a new pool for each run; the conformance matrix shares one.
 */
export function buildPoolLayers(shape: PoolStackShape, pool: WorkerPoolModule): PoolStack {
  if (pool.state !== 'open') pool.open();
  const modules: PoolStackModule[] = [pool];
  let top: PoolStackModule = pool;
  let sweeper: CancelAllModule<HashRequest, HashValue> | undefined;
  for (const layer of shape.split('/').reverse().slice(1)) {
    if (layer === 'retries') top = new RetryModule({ lower: top, ...RETRIES });
    else if (layer === 'ml') top = new PassThroughModule({ lower: top });
    else if (layer === 'hl') top = new HighLevelModule({ lower: top });
    else top = sweeper = new CancelAllModule({ lower: top });
    top.open();
    modules.unshift(top);
  }
  return { pool, top, sweeper, modules };
}

/** Builds the stack `shape` over a new worker pool and opens it bottom-up. */
export function buildPoolStack(shape: PoolStackShape, options: PoolStackOptions): PoolStack {
  return buildPoolLayers(shape, new WorkerPoolModule(options));
}
