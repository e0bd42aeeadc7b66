/**
 * Probe: is the manager's own code what keeps its reads below raw callback fs.read, or the work that any manager with
 * the contract's AsyncOp per action must do? It runs, interleaved in one process, 4 KiB random reads of a cached file,
 * 64 in flight, each lane reusing one buffer:
 *
 * - raw callback fs.read;
 * - a minimal manager written for this probe: per read an action object and an AsyncOp (returned to the caller, one
 *   more reference held by the lane until the read finished), one read at a time per lane, the next one chained from
 *   the callback, one reused fs callback per lane; nothing else (no validation, queue, trace, cancel undo or order
 *   across handles);
 * - the same minimal manager without the AsyncOp;
 * - AsyncFileManager.readInto on 64 handles (the `async-file` group's readInto case).
 *
 * Every case but raw goes through the same lane function (managerReadsInto), whose readInto call then sees two
 * classes: the same small cost for the minimal manager and AsyncFileManager.
 *
 * Per case: median ns per read over the rounds, and the median over rounds of raw's time / the case's time in the same
 * round (paired, so that a drift of the machine between rounds cancels out).
 *
 * Run: `npm run build && node --expose-gc bench/dist/probes/minimal-manager.js` (about 1 min).
 */
import fs from 'node:fs';
import { AsyncOp } from 'async-op';
import { AsyncFileManager } from 'async-op-file';
import { withProbeReadFile } from '../lib/probe-read-file.js';
import {
  callbackReads,
  closeHandles,
  managerReadsInto,
  openReadHandles,
  type ReadIntoTarget,
} from '../lib/random-reads.js';
import { LANES, READ_FILE_BYTES } from '../lib/workload.js';
import { summarize } from '../lib/stats.js';

const READS = 50_000;
const ROUNDS = 12;

type ReadCallback = (error: Error | null, bytesRead: number) => void;

/** One read of the minimal manager. */
class MinimalAction {
  own: AsyncOp<MinimalAction> | null = null;
  isCanceled = false;
  constructor(
    readonly buffer: Buffer,
    readonly position: number,
    readonly callback: ReadCallback,
  ) {}
}

/** The result of the minimal manager's read when it runs without AsyncOp: release() only. */
const NO_OP = { release: (): void => undefined };

function cancelMinimal(action: MinimalAction): void {
  action.isCanceled = true;
}

/** A lane of the minimal manager: one read at a time on `fd`; a read enqueued from a callback starts when it returns. */
class MinimalLane implements ReadIntoTarget {
  private current: MinimalAction | null = null;
  private waiting: MinimalAction | null = null;
  private readonly done: ReadCallback = (error, bytesRead) => this.finish(error, bytesRead);

  constructor(
    private readonly fd: number,
    private readonly withOp: boolean,
  ) {}

  readInto(buffer: Buffer, position: number, callback: ReadCallback): { release(): void } {
    const action = new MinimalAction(buffer, position, callback);
    let op: { release(): void } = NO_OP;
    if (this.withOp) {
      const created = AsyncOp.create({ context: action, cancel: cancelMinimal });
      action.own = created.ref();
      op = created;
    }
    if (this.current === null) this.start(action);
    else this.waiting = action;
    return op;
  }

  private start(action: MinimalAction): void {
    this.current = action;
    fs.read(this.fd, action.buffer, 0, action.buffer.length, action.position, this.done);
  }

  private finish(error: Error | null, bytesRead: number): void {
    const action = this.current as MinimalAction;
    const own = action.own;
    if (!action.isCanceled && (own === null || own.complete())) action.callback(error, bytesRead);
    if (own !== null) {
      action.own = null;
      own.release();
    }
    this.current = null;
    const next = this.waiting;
    if (next !== null) {
      this.waiting = null;
      this.start(next);
    }
  }
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc: every run starts after a full collection');
  await withProbeReadFile(READ_FILE_BYTES, READS, async ({ file, fd, offsets }) => {
    const manager = new AsyncFileManager({ concurrency: LANES });
    const handles = await openReadHandles(manager, file, LANES);
    try {
      const withOp = Array.from({ length: LANES }, () => new MinimalLane(fd, true));
      const withoutOp = Array.from({ length: LANES }, () => new MinimalLane(fd, false));
      const cases: readonly (readonly [string, () => Promise<number>])[] = [
        ['raw callback fs.read', () => callbackReads(fd, offsets, READS)],
        ['minimal manager + AsyncOp', () => managerReadsInto(withOp, offsets, READS)],
        ['minimal manager, no AsyncOp', () => managerReadsInto(withoutOp, offsets, READS)],
        ['AsyncFileManager readInto', () => managerReadsInto(handles, offsets, READS)],
      ];
      const times = cases.map((): number[] => []);
      for (const [, run] of cases) await run(); // warm-up
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? [0, 1, 2, 3] : [3, 2, 1, 0];
        for (const index of order) {
          gc();
          const start = performance.now();
          await (cases[index] as (typeof cases)[number])[1]();
          times[index]?.push(((performance.now() - start) * 1e6) / READS);
        }
      }
      const raw = times[0] ?? [];
      console.log(
        `4 KiB random reads of a cached file, ${LANES} in flight, ${READS.toLocaleString('en-US')} reads x ${ROUNDS} ` +
          `rounds, libuv pool of ${process.env['UV_THREADPOOL_SIZE'] ?? 4} threads:`,
      );
      console.log('  case                              ns/read (median)   raw/case (median of rounds)');
      cases.forEach(([name], index) => {
        const own = times[index] ?? [];
        const paired = own.map((ns, round) => (raw[round] ?? Number.NaN) / ns);
        console.log(
          `  ${name.padEnd(32)} ${summarize(own).median.toFixed(0).padStart(17)} ` +
            `${summarize(paired).median.toFixed(2).padStart(29)}`,
        );
      });
    } finally {
      await closeHandles(handles);
    }
  });
}

await main();
