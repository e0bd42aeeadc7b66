/**
 * Probe: what a read through libuv's thread pool costs as a function of how many are in flight, and how much of it is
 * the submission itself (the time the event loop spends inside the fs.read call).
 *
 * 4 KiB random reads of a cached 256 MiB file with raw callback fs.read, 1 to 128 in flight, each lane reusing its
 * buffer, interleaved over 6 rounds (the order reversed every other round). Per case: wall ns per read, ns per read
 * spent inside fs.read (it queues the request and, when a pool thread sleeps, wakes it), and voluntary context switches
 * per read (process-wide: the pool threads' sleeps and wake-ups). It backs the explanation of the async-file reads
 * ratio in bench/journal/async-file.md: a pool thread that fell asleep costs a wake-up, so the throughput
 * depends on how often the queue drains, which small changes of the work per callback move a lot.
 *
 * Run: `npm run build && node --expose-gc bench/dist/probes/pool-wakeups.js` (about 1 min).
 */
import fs from 'node:fs';
import { withProbeReadFile } from '../lib/probe-read-file.js';
import { RunLatch } from '../lib/random-reads.js';
import { BLOCK, READ_FILE_BYTES } from '../lib/workload.js';
import { summarize } from '../lib/stats.js';

const READS = 50_000;
const ROUNDS = 6;
const IN_FLIGHT = [1, 2, 4, 8, 16, 64, 128] as const;

interface Sample {
  readonly wallNs: number;
  readonly submitNs: number;
  readonly switches: number;
}

/** READS reads, `lanes` in flight; returns per-read figures. */
function reads(fd: number, offsets: Int32Array, lanes: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    let submitNs = 0;
    const before = process.resourceUsage().voluntaryContextSwitches;
    const start = performance.now();
    const latch = new RunLatch(
      READS,
      () =>
        resolve({
          wallNs: ((performance.now() - start) * 1e6) / READS,
          submitNs: submitNs / READS,
          switches: (process.resourceUsage().voluntaryContextSwitches - before) / READS,
        }),
      reject,
    );
    let next = 0;
    const lane = (buffer: Buffer): void => {
      if (next >= READS) return;
      const offset = offsets[next++] ?? 0;
      const called = performance.now();
      fs.read(fd, buffer, 0, BLOCK, offset, (error, bytesRead) => {
        if (error !== null) return latch.fail(error);
        if (bytesRead !== BLOCK) return latch.fail(new Error(`short read at ${offset}`));
        if (latch.complete()) lane(buffer);
      });
      submitNs += (performance.now() - called) * 1e6;
    };
    for (let i = 0; i < lanes; i++) lane(Buffer.allocUnsafe(BLOCK));
  });
}

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc: every run starts after a full collection');
  await withProbeReadFile(READ_FILE_BYTES, READS, async ({ fd, offsets }) => {
    const samples = new Map<number, Sample[]>(IN_FLIGHT.map((lanes) => [lanes, []]));
    for (const lanes of IN_FLIGHT) await reads(fd, offsets, lanes); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? IN_FLIGHT : [...IN_FLIGHT].reverse();
      for (const lanes of order) {
        gc();
        samples.get(lanes)?.push(await reads(fd, offsets, lanes));
      }
    }
    console.log(
      `callback fs.read, 4 KiB random reads of a cached file, ${READS.toLocaleString('en-US')} reads x ${ROUNDS} ` +
        `rounds, libuv pool of ${process.env['UV_THREADPOOL_SIZE'] ?? 4} threads (medians):`,
    );
    console.log('  in flight    ns/read   inside fs.read   context switches/read');
    for (const lanes of IN_FLIGHT) {
      const runs = samples.get(lanes) ?? [];
      const wall = summarize(runs.map((run) => run.wallNs)).median;
      const submit = summarize(runs.map((run) => run.submitNs)).median;
      const switches = summarize(runs.map((run) => run.switches)).median;
      console.log(
        `  ${String(lanes).padStart(9)} ${wall.toFixed(0).padStart(10)} ${submit.toFixed(0).padStart(16)} ` +
          `${switches.toFixed(3).padStart(23)}`,
      );
    }
  });
}

await main();
