/**
 * Probe: the CPU time per small-file create of the io_uring engine's writeNewFile (64 in flight) against the sync loop
 * openSync/writeSync/closeSync, in one directory. process.cpuUsage() is process-wide: it includes the io_uring kernel
 * worker threads (iou-wrk), which run every open with O_CREAT.
 *
 * It backs the explanation of the io_uring create goal in bench/journal/async-file.md: with 2 vCPUs, a create
 * path that costs twice the CPU of the sync loop cannot reach 1.1x its throughput. Creates are slower for a while
 * after mass deletions (ext4 skips recently deleted inodes): compare the sync loop's figure with the journal's.
 *
 * Run: `npm run build && node bench/dist/probes/create-cpu.js` (about 10 s; creates and then removes 80,000 files).
 */
import fs from 'node:fs';
import path from 'node:path';
import { IoUringEngine } from 'async-op-file';
import { createTempRoot } from '../lib/temp-root.js';

const FILES = 20_000;
const LANES = 64;
const ROUNDS = 2;
const payload = Buffer.alloc(4096, 0x5a);

interface Sample {
  readonly wallNs: number;
  readonly cpuNs: number;
}

function freshNames(root: string, label: string): string[] {
  const dir = fs.mkdtempSync(path.join(root, `${label}-`));
  return Array.from({ length: FILES }, (_, i) => path.join(dir, `f${i}`));
}

async function measure(run: () => Promise<void> | void): Promise<Sample> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpu);
  return { wallNs: Number(process.hrtime.bigint() - start) / FILES, cpuNs: ((used.user + used.system) * 1000) / FILES };
}

function syncCreates(names: readonly string[]): void {
  for (const name of names) {
    const fd = fs.openSync(name, 'wx');
    fs.writeSync(fd, payload, 0, payload.length, 0);
    fs.closeSync(fd);
  }
}

function engineCreates(engine: IoUringEngine, names: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    const lane = (): void => {
      const name = names[next++];
      if (name === undefined) return;
      engine.writeNewFile(name, payload, 0, payload.length, (error, written) => {
        if (error !== null) return reject(error);
        if (written !== payload.length) return reject(new Error(`short write: ${name}`));
        if (++done === names.length) resolve();
        else lane();
      });
    };
    for (let i = 0; i < LANES; i++) lane();
  });
}

async function main(): Promise<void> {
  const temp = createTempRoot('async-op-probe-');
  const engine = new IoUringEngine();
  try {
    const rows: [string, Sample][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const syncNames = freshNames(temp.path, 'sync');
      rows.push(['sync loop', await measure(() => syncCreates(syncNames))]);
      const uringNames = freshNames(temp.path, 'uring');
      rows.push([`io_uring writeNewFile, ${LANES} in flight`, await measure(() => engineCreates(engine, uringNames))]);
    }
    console.log(`${FILES.toLocaleString('en-US')} creates of 4 KiB files per run, one directory per run:`);
    for (const [name, sample] of rows) {
      console.log(
        `  ${name.padEnd(36)} ${(sample.wallNs / 1000).toFixed(1).padStart(6)} us/file wall, ` +
          `${(sample.cpuNs / 1000).toFixed(1).padStart(6)} us/file CPU (all threads)`,
      );
    }
  } finally {
    engine.close();
    temp.remove();
  }
}

await main();
