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

/** The stacks over the worker-pool module (the chain needs file-job requests: it does not apply). */
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
  /** Every module, top-down (the order to close them in). */
  readonly modules: readonly PoolStackModule[];
}

/** Options of {@link buildPoolStack}. */
export interface PoolStackOptions {
  readonly workers: number;
  readonly createThread: () => PoolThread;
  readonly trace?: PoolTraceListener | undefined;
  /** The retry module's backoff (0 in race tests, where timers go through the scheduler). */
  readonly retryDelayMs?: number | undefined;
}

/** Builds the stack `shape` over a new worker pool and opens it bottom-up. */
export function buildPoolStack(shape: PoolStackShape, options: PoolStackOptions): PoolStack {
  const pool = new WorkerPoolModule({
    workers: options.workers,
    createThread: options.createThread,
    trace: options.trace,
  });
  const modules: PoolStackModule[] = [pool];
  let top: PoolStackModule = pool;
  let sweeper: CancelAllModule<HashRequest, HashValue> | undefined;
  for (const layer of shape.split('/').reverse().slice(1)) {
    if (layer === 'retries')
      top = new RetryModule({ lower: top, baseDelayMs: options.retryDelayMs ?? 0, maxAttempts: 3 });
    else if (layer === 'ml') top = new PassThroughModule({ lower: top });
    else if (layer === 'hl') top = new HighLevelModule({ lower: top });
    else top = sweeper = new CancelAllModule({ lower: top });
    modules.unshift(top);
  }
  for (const module of [...modules].reverse()) module.open();
  return { pool, top, sweeper, modules };
}
