/** A benchmark group: one file in bench/groups, run in a fresh process. */
export interface GroupInfo {
  readonly name: string;
  readonly description: string;
  /** A hard limit: the group plans its work to end well within it, and the runner kills it at this time. */
  readonly budgetMs: number;
  /** Scripts of bench/checks the runner runs first, on the same Node: the group fails if one fails. */
  readonly checks?: readonly string[];
}

/** Every group, in the order `npm run bench` runs them. */
export const GROUPS: readonly GroupInfo[] = [
  {
    name: 'async-op',
    description:
      'AsyncOp create/onCancel/cancel/follow and deadlines against AbortController, AbortSignal.any + AbortSignal.timeout, vscode-jsonrpc and @esfx/canceltoken; many ops following one signal; runAsPromise with a signal (one call at a time, 100 pending) against a hand-written promise with its own abort listener; the cost of unused tracing and diagnostics',
    budgetMs: 180_000,
    checks: ['hidden-class-keepers'],
  },
  {
    name: 'async-file',
    description:
      'AsyncFileManager (node-fs) small-file writes, unnamed files, random 4 KiB reads and queued-action cancel against callback fs, fs.promises and sync loops',
    budgetMs: 240_000,
  },
  {
    name: 'io-uring',
    description:
      'io_uring engine 4 KiB cached random reads (via the manager and direct, batched and immediate submit) against the node-fs manager, callback fs.read and the readSync loop; small-file creates (writeNewFile linked chain and separate requests) against the sync loop and callback fs, in one directory and spread over 64 (also through the manager writeNewFile action)',
    budgetMs: 300_000,
  },
  {
    name: 'fast-paths',
    description:
      'AsyncFileManager (node-fs) fast path: cached 4 KiB random reads with syncThresholdBytes, cacheProbe and a BufferPool against the readSync loop and callback fs.read; event-loop delay on an uncached file with and without the probe; new Buffer memory per read with the pool against slab buffers',
    budgetMs: 150_000,
  },
  {
    name: 'scale',
    description:
      'cost per operation against the number of operations: HL cancel-all cancelAll() over 10^4, 10^5 and 10^6 pending, and AsyncOp create+follow(signal)+complete+release with 10^3, 10^4 and 10^5 live followers of one AbortSignal',
    budgetMs: 240_000,
  },
  {
    name: 'cross-thread',
    description:
      'cross-thread cancel: the one-load check against a plain Atomics.load; the shared doorbell against a waitAsync per task; cancel latency p50/p99 to a busy and an idle worker against a transferable AbortSignal; tasks/s through the worker-pool sample with 10% canceled against piscina 5 aborting by signal',
    budgetMs: 60_000,
  },
  { name: 'promise-facade', description: 'PromiseFileHandle with { signal } against fs.promises', budgetMs: 150_000 },
  { name: 'abort', description: 'What a cancel stops: bytes and reads after it, time to settle', budgetMs: 240_000 },
];

/** The node flags every group process gets (a large, fixed young generation for allocation readings). */
export const GROUP_NODE_FLAGS: readonly string[] = [
  '--expose-gc',
  '--max-semi-space-size=64',
  '--min-semi-space-size=64',
];

/** Environment variables through which the runner talks to a group process. */
export const ENV_REPORT_FILE = 'BENCH_REPORT_FILE';
export const ENV_BUDGET_MS = 'BENCH_BUDGET_MS';
/** The group's name, for its progress line. */
export const ENV_GROUP = 'BENCH_GROUP';
/** `1` in a `--quick` smoke run (lib/quick-mode.ts). */
export const ENV_QUICK = 'BENCH_QUICK';

export function findGroup(name: string): GroupInfo | undefined {
  return GROUPS.find((group) => group.name === name);
}
