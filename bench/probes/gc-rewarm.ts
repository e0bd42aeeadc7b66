/**
 * Probe: what a full gc() with nothing in flight does to the manager's speed.
 *
 * The benchmark groups run a full gc() before every timed run. With no op or action alive, V8 would then discard the
 * optimized code of the hot functions (deopt reason "weak objects") if it did not find the classes' hidden classes
 * kept alive (HIDDEN_CLASS_KEEPERS in async-op, HIDDEN_CLASS_KEEPER in async-file). This probe times, over 10
 * interleaved rounds (medians):
 * - an AsyncOp's life as a module uses it, warm and right after a gc();
 * - the manager's own work per read: the manager (with a BufferPool) on the stub engine whose read() does no I/O,
 *   minus that engine called directly, with and without a gc() before each run;
 * - the manager (node-fs) against callback fs.read on a cached file, each run after a gc(), with and without an untimed
 *   10,000-read re-warm between the gc() and the timed run.
 *
 * Run: `npm run build && node --expose-gc bench/dist/probes/gc-rewarm.js` (about 1 min). Add `--trace-deopt` and
 * count "weak objects" to see the deopts.
 */
import { AsyncOp } from 'async-op';
import { AsyncFileManager, type AsyncFileHandle } from 'async-op-file';
import { openStubManager, stubEngineReads } from '../lib/async-file/stub-read-engine.js';
import { withProbeReadFile } from '../lib/probe-read-file.js';
import {
  callbackReads,
  closeHandles,
  managerReads,
  managerReadsReleasing,
  openReadHandles,
} from '../lib/random-reads.js';
import { LANES, READ_FILE_BYTES } from '../lib/workload.js';
import { summarize } from '../lib/stats.js';

const READS = 100_000;
const REWARM_READS = 10_000;
const ROUNDS = 10;

const gc = (globalThis as { gc?: () => void }).gc;
const OP_LOOPS = 1_000_000;
const ignore = (): void => {};

/** ns per AsyncOp life as a module uses it (create, the module's ref, complete, both released), after a gc() if asked. */
function opLife(collect: boolean): number {
  if (collect) gc?.();
  const start = process.hrtime.bigint();
  for (let i = 0; i < OP_LOOPS; i++) {
    const op = AsyncOp.create({ context: i, cancel: ignore });
    const own = op.ref();
    op.release();
    own.complete();
    own.release();
  }
  return Number(process.hrtime.bigint() - start) / OP_LOOPS;
}

/** ns per read of `run(READS)`, after a gc() if `collect`, and an untimed `run(REWARM_READS)` if `rewarm`. */
async function time(run: (count: number) => Promise<number>, collect: boolean, rewarm: boolean): Promise<number> {
  if (collect) gc?.();
  if (rewarm) await run(REWARM_READS);
  const start = process.hrtime.bigint();
  await run(READS);
  return Number(process.hrtime.bigint() - start) / READS;
}

async function main(): Promise<void> {
  if (gc === undefined) throw new Error('run with node --expose-gc');
  await withProbeReadFile(READ_FILE_BYTES, READS, async ({ file, fd, offsets }) => {
    const lists: AsyncFileHandle[][] = [];
    try {
      const stub = await openStubManager(file);
      const manager = new AsyncFileManager({ concurrency: LANES });
      const handles = await openReadHandles(manager, file, LANES);
      lists.push(stub.handles, handles);
      const own = (count: number): Promise<number> => managerReadsReleasing(stub.manager, stub.handles, offsets, count);
      const alone = (count: number): Promise<number> => stubEngineReads(stub.engine, offsets, count);
      const viaManager = (count: number): Promise<number> => managerReads(handles, offsets, count);
      const raw = (count: number): Promise<number> => callbackReads(fd, offsets, count);
      const samples: Record<string, number[]> = {};
      const add = (name: string, value: number): void => void (samples[name] ??= []).push(value);
      await own(REWARM_READS);
      await alone(REWARM_READS);
      opLife(false);
      for (let round = 0; round < ROUNDS; round++) {
        add('op, warm', opLife(false));
        add('op, after gc()', opLife(true));
        add('own, warm', (await time(own, false, false)) - (await time(alone, false, false)));
        add('own, after gc()', (await time(own, true, false)) - (await time(alone, true, false)));
        add('ratio, after gc()', (await time(raw, true, false)) / (await time(viaManager, true, false)));
        add('ratio, after gc() + re-warm', (await time(raw, true, true)) / (await time(viaManager, true, true)));
      }
      const median = (name: string): number => summarize(samples[name] ?? []).median;
      console.log(`medians of ${ROUNDS} rounds, ${READS.toLocaleString('en-US')} reads per run, ${LANES} in flight:`);
      const rows: [string, string][] = [
        ['an AsyncOp life (create, ref, complete, 2 releases), warm', `${median('op, warm').toFixed(1)} ns`],
        ['the same right after a gc()', `${median('op, after gc()').toFixed(1)} ns`],
        ["the manager's own work per read, warm", `${median('own, warm').toFixed(0)} ns`],
        ["the manager's own work per read, after a gc()", `${median('own, after gc()').toFixed(0)} ns`],
        ['manager (node-fs) / callback fs.read, after a gc()', `${median('ratio, after gc()').toFixed(2)}x`],
        [
          `the same with a ${REWARM_READS.toLocaleString('en-US')}-read re-warm after the gc()`,
          `${median('ratio, after gc() + re-warm').toFixed(2)}x`,
        ],
      ];
      for (const [name, value] of rows) console.log(`  ${`${name}:`.padEnd(64)} ${value}`);
    } finally {
      for (const list of lists) await closeHandles(list);
    }
  });
}

await main();
