/**
 * Probe: the manager's own work per readInto in machine instructions, a count that other load on the machine does not
 * change (timings on 2 vCPUs move by 5-15% from run to run; this count by a few instructions).
 *
 * It runs the readInto workload of the `async-file` group's stub cases (64 handles chaining, one buffer each, on the
 * stub engine whose read() does no I/O), the stub engine called directly, and read() with the BufferPool (each buffer
 * given back with releaseBuffer, as the group's stub case does), each under valgrind's callgrind, which
 * counts the instructions the main thread executes. V8 runs with `--single-threaded --predictable` and fixed hash and
 * random seeds, so that the compiler and the garbage collector run on the main thread at the same points every time
 * (their work is counted: an allocation costs its share of the scavenges). Each case runs twice, after the same
 * warm-up, with 1 and with 6 timed runs of 20,000 reads; the difference divided by 100,000 is the marginal count per
 * read, without start-up, module loading and warm-up.
 *
 * Modes on a real cached file: the contract's floor of the fast path (readSync + an AsyncOp + delivery on a later
 * turn) against the manager's fast path (threshold + cacheProbe, readInto), each a system call per read whose kernel
 * side is not counted; and callback fs.read against the manager's readInto on node-fs, whose reads run on libuv's
 * threads: the main thread's share of those depends on how completions batch, and moves by about 100 instructions per
 * read between runs of the same build (the stub and fast-path modes by a few). And readInto on the stub engine through
 * two fresh copies of the compiled package, one as built and one with every channel check stripped (as the `async-file`
 * group's channels section times them): their ratio is what the diagnostics channels cost with nobody subscribed.
 *
 * Compare two builds by the manager's count (the same workload on both): the engine-only count is the stub's share
 * and the lane's, not the manager's, and on Node 24 it depends on when V8 optimizes what: it moved between two scripts
 * running the same code, though not between builds of the package under this probe (bench/journal/async-file.md). A
 * difference of a few percent between builds is worth a second look in a profile.
 *
 * Run: `npm run build && node bench/dist/probes/instructions-per-read.js` (about 1 min per mode; needs valgrind,
 * Debian's `valgrind` package). Pass a Node binary as the first argument to count on that Node, and a comma-separated
 * list of modes as the second to count only those (engine, manager, manager-read, floor, fast, callback, node-fs, copy,
 * copy-stripped; NaN for the others).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AsyncFileManager, NodeFsEngine } from 'async-op-file';
import { loadPackageCopy } from '../lib/async-file/package-copy.js';
import { StubReadEngine, openStubManager, stubEngineReads } from '../lib/async-file/stub-read-engine.js';
import { withProbeReadFile } from '../lib/probe-read-file.js';
import {
  callbackReads,
  closeHandles,
  managerReadsInto,
  managerReadsReleasing,
  openReadHandles,
  syncReadsDeliveredLater,
} from '../lib/random-reads.js';
import { BLOCK, LANES } from '../lib/workload.js';

const READS_PER_RUN = 20_000;
const WARMUP_RUNS = 10;
const FEW_RUNS = 1;
const MANY_RUNS = 6;
/** A small file: the stub engine reads nothing; the offsets only need to name blocks of it. */
const FILE_BYTES = 4 * 1024 * 1024;
const MODES = [
  'engine',
  'manager',
  'manager-read',
  'floor',
  'fast',
  'callback',
  'node-fs',
  'copy',
  'copy-stripped',
] as const;
type Mode = (typeof MODES)[number];
const V8_FLAGS = ['--expose-gc', '--single-threaded', '--predictable', '--hash-seed=1', '--random-seed=1'];
const WORKLOAD_FLAG = '--workload';

/** The child: warm up, then `runs` timed runs of the workload of `mode`. */
async function workload(mode: Mode, runs: number): Promise<void> {
  await withProbeReadFile(FILE_BYTES, READS_PER_RUN, async ({ file, fd, offsets }) => {
    if (mode === 'floor') {
      for (let i = 0; i < WARMUP_RUNS + runs; i++) await syncReadsDeliveredLater(fd, offsets, READS_PER_RUN, true);
      return;
    }
    if (mode === 'callback') {
      for (let i = 0; i < WARMUP_RUNS + runs; i++) await callbackReads(fd, offsets, READS_PER_RUN);
      return;
    }
    if (mode === 'fast' || mode === 'node-fs') {
      const fast = mode === 'fast';
      const manager = new AsyncFileManager({
        concurrency: LANES,
        engine: new NodeFsEngine(),
        syncThresholdBytes: fast ? BLOCK : 0,
        cacheProbe: fast,
      });
      const handles = await openReadHandles(manager, file, LANES);
      try {
        for (let i = 0; i < WARMUP_RUNS + runs; i++) await managerReadsInto(handles, offsets, READS_PER_RUN);
      } finally {
        await closeHandles(handles);
      }
      return;
    }
    if (mode === 'copy' || mode === 'copy-stripped') {
      // the channels' cost with nobody subscribed: fresh copies of the compiled package, as in async-file's section
      const copy = await loadPackageCopy(mode === 'copy-stripped');
      try {
        const manager = new copy.module.AsyncFileManager({ concurrency: LANES, engine: new StubReadEngine() });
        const handles = await openReadHandles(manager, file, LANES);
        try {
          for (let i = 0; i < WARMUP_RUNS + runs; i++) await managerReadsInto(handles, offsets, READS_PER_RUN);
        } finally {
          await closeHandles(handles);
        }
      } finally {
        copy.remove();
      }
      return;
    }
    const stub = await openStubManager(file);
    try {
      const cases: Record<'engine' | 'manager' | 'manager-read', () => Promise<number>> = {
        engine: () => stubEngineReads(stub.engine, offsets, READS_PER_RUN),
        manager: () => managerReadsInto(stub.handles, offsets, READS_PER_RUN),
        'manager-read': () => managerReadsReleasing(stub.manager, stub.handles, offsets, READS_PER_RUN),
      };
      const run = cases[mode];
      for (let i = 0; i < WARMUP_RUNS + runs; i++) await run();
    } finally {
      await closeHandles(stub.handles);
    }
  });
}

/** Instructions the main thread of one child executed (callgrind's per-thread file `<out>-01`). */
function countInstructions(node: string, mode: Mode, runs: number): Promise<number> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'async-op-icount-'));
  const outFile = path.join(directory, 'callgrind.out');
  const args = [
    '--tool=callgrind',
    // V8 writes the code it runs: without this valgrind would run stale translations
    '--smc-check=all-non-file',
    '--separate-threads=yes',
    `--callgrind-out-file=${outFile}`,
    node,
    ...V8_FLAGS,
    fileURLToPath(import.meta.url),
    WORKLOAD_FLAG,
    mode,
    String(runs),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const summary = /^summary: (\d+)/m.exec(fs.readFileSync(`${outFile}-01`, 'utf8'));
        if (code !== 0 || summary === null) {
          reject(new Error(`valgrind ${mode} x${runs} exited with ${code}: ${stderr.slice(-2000)}`));
        } else {
          resolve(Number(summary[1]));
        }
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        fs.rmSync(directory, { recursive: true, force: true });
      }
    });
  });
}

/** Marginal instructions per read of `mode`: its two counts (run side by side, one per core) apart, per read. */
async function perRead(node: string, mode: Mode): Promise<number> {
  const [few, many] = await Promise.all([
    countInstructions(node, mode, FEW_RUNS),
    countInstructions(node, mode, MANY_RUNS),
  ]);
  return (many - few) / ((MANY_RUNS - FEW_RUNS) * READS_PER_RUN);
}

async function main(): Promise<void> {
  const node = process.argv[2] || process.execPath;
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    throw new Error('valgrind is not installed (Debian: apt-get install valgrind)');
  }
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const chosen = process.argv[3]?.split(',') ?? MODES;
  const unknown = chosen.filter((mode) => !(MODES as readonly string[]).includes(mode));
  if (unknown.length > 0) throw new TypeError(`Expected modes among ${MODES.join(',')}, got ${unknown.join(',')}`);
  const counts = new Map<Mode, number>();
  for (const mode of chosen as Mode[]) counts.set(mode, await perRead(node, mode));
  const engine = counts.get('engine') ?? Number.NaN;
  const manager = counts.get('manager') ?? Number.NaN;
  const managerRead = counts.get('manager-read') ?? Number.NaN;
  console.log(`instructions per read, main thread (Node ${version}, ${V8_FLAGS.slice(1).join(' ')}):`);
  console.log(`  stub engine called directly, 64 in flight        ${engine.toFixed(0).padStart(6)}`);
  console.log(`  manager readInto on it, 64 handles chaining      ${manager.toFixed(0).padStart(6)}`);
  console.log(`  the manager's own work (the difference)          ${(manager - engine).toFixed(0).padStart(6)}`);
  console.log(`  manager read() on it, BufferPool, releaseBuffer  ${managerRead.toFixed(0).padStart(6)}`);
  const floor = counts.get('floor') ?? Number.NaN;
  const fast = counts.get('fast') ?? Number.NaN;
  console.log('cached reads of a real file (each a system call, whose kernel side is not counted):');
  console.log(`  the contract's floor: readSync + AsyncOp, later   ${floor.toFixed(0).padStart(6)}`);
  console.log(`  manager fast path: threshold + cacheProbe, readInto ${fast.toFixed(0).padStart(4)}`);
  console.log(`  the fast path's cost over the floor              ${(fast - floor).toFixed(0).padStart(6)}`);
  const callback = counts.get('callback') ?? Number.NaN;
  const nodeFs = counts.get('node-fs') ?? Number.NaN;
  console.log(`  callback fs.read, 64 in flight, one buffer each  ${callback.toFixed(0).padStart(6)}`);
  console.log(`  manager readInto on node-fs, 64 handles chaining ${nodeFs.toFixed(0).padStart(6)}`);
  console.log(`  the manager's cost over callback fs.read         ${(nodeFs - callback).toFixed(0).padStart(6)}`);
  const copy = counts.get('copy') ?? Number.NaN;
  const stripped = counts.get('copy-stripped') ?? Number.NaN;
  console.log('the file-action channels with nobody subscribed (readInto on the stub engine, fresh package copies):');
  console.log(`  a copy as built                                  ${copy.toFixed(0).padStart(6)}`);
  console.log(`  a copy with every hasSubscribers check stripped  ${stripped.toFixed(0).padStart(6)}`);
  console.log(`  the channels' cost, as built / stripped          ${(stripped / copy).toFixed(4).padStart(6)}x`);
}

if (process.argv[2] === WORKLOAD_FLAG) {
  const mode = process.argv[3];
  const runs = Number(process.argv[4]);
  if (!(MODES as readonly string[]).includes(mode ?? '') || !Number.isInteger(runs)) {
    throw new TypeError(
      `Expected \`${WORKLOAD_FLAG} ${MODES.join('|')} <runs>\`, got ${process.argv.slice(3).join(' ')}`,
    );
  }
  await workload(mode as Mode, runs);
} else {
  await main();
}
