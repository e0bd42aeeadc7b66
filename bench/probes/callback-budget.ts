/**
 * Probe: how much per-callback work raw callback fs.read can absorb before it loses 10% of its throughput here.
 *
 * 4 KiB random reads of a cached 256 MiB file, 64 in flight, with 0, ~100, ~200 and ~500 ns of calibrated busy work
 * added to every callback (and, separately, one AsyncOp per read: the async-file group's "contract's floor"),
 * interleaved over 15 rounds. It backs the explanation of the async-file goal in bench/journal/async-file.md: on 2
 * vCPUs the event loop is the bottleneck, so every nanosecond a manager adds per action costs more than itself.
 *
 * Run: `npm run build && node bench/dist/probes/callback-budget.js` (about 1 min).
 */
import fs from 'node:fs';
import { AsyncOp } from 'async-op';
import { withProbeReadFile } from '../lib/probe-read-file.js';
import { RunLatch } from '../lib/random-reads.js';
import { BLOCK, LANES, READ_FILE_BYTES } from '../lib/workload.js';
import { summarize } from '../lib/stats.js';

const READS = 100_000;
const ROUNDS = 15;
let sink = 0;

/** Busy work of `units` multiply-adds (calibrated below to nanoseconds). */
function work(units: number): void {
  let x = sink;
  for (let i = 0; i < units; i++) x = (x * 31 + i) | 0;
  sink = x;
}

function calibrate(): number {
  const units = 100_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < 100; i++) work(units);
  return Number(process.hrtime.bigint() - start) / (100 * units); // ns per unit
}

const ignore = (): void => {};

function reads(fd: number, offsets: Int32Array, extraUnits: number, withOp: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const latch = new RunLatch(READS, () => resolve(Number(process.hrtime.bigint() - start) / READS), reject);
    let next = 0;
    const lane = (buffer: Buffer): void => {
      if (next >= READS) return;
      const offset = offsets[next++] ?? 0;
      if (withOp) {
        const op = AsyncOp.create({ context: offset, cancel: ignore });
        const own = op.ref();
        op.release();
        own.complete();
        own.release();
      }
      fs.read(fd, buffer, 0, BLOCK, offset, (error, bytesRead) => {
        if (error !== null) return latch.fail(error);
        if (bytesRead !== BLOCK) return latch.fail(new Error(`short read at ${offset}`));
        if (extraUnits > 0) work(extraUnits);
        if (latch.complete()) lane(buffer);
      });
    };
    for (let i = 0; i < LANES; i++) lane(Buffer.allocUnsafe(BLOCK));
  });
}

async function main(): Promise<void> {
  await withProbeReadFile(READ_FILE_BYTES, READS, async ({ fd, offsets }) => {
    const nsPerUnit = calibrate();
    const cases = [
      { name: 'callback fs.read', units: 0, withOp: false },
      { name: '+ ~100 ns of work per callback', units: Math.round(100 / nsPerUnit), withOp: false },
      { name: '+ ~200 ns of work per callback', units: Math.round(200 / nsPerUnit), withOp: false },
      { name: '+ ~500 ns of work per callback', units: Math.round(500 / nsPerUnit), withOp: false },
      { name: '+ one AsyncOp per read', units: 0, withOp: true },
    ];
    const samples = cases.map(() => [] as number[]);
    for (const item of cases) await reads(fd, offsets, item.units, item.withOp); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, item] of cases.entries())
        samples[index]?.push(await reads(fd, offsets, item.units, item.withOp));
    }
    const base = summarize(samples[0] ?? []).median;
    console.log(
      `callback fs.read, ${LANES} in flight, ${READS.toLocaleString('en-US')} reads x ${ROUNDS} rounds (medians):`,
    );
    for (const [index, item] of cases.entries()) {
      const median = summarize(samples[index] ?? []).median;
      console.log(`  ${item.name.padEnd(32)} ${median.toFixed(0).padStart(6)} ns/read  ${(base / median).toFixed(2)}x`);
    }
  });
}

await main();
