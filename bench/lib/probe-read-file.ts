/**
 * The file the read probes (bench/probes) work on: a cached file of numbered 4 KiB blocks in a fresh temporary
 * directory, opened for reading, with the same seeded random block offsets in every probe.
 */
import fs from 'node:fs';
import path from 'node:path';
import { blockOffsets, createCachedReadFile } from './random-reads.js';
import { createTempRoot } from './temp-root.js';
import { SEED } from './workload.js';

/** What a probe's body gets: the file's path, a read descriptor on it, and `reads` random block offsets. */
export interface ProbeReadFile {
  readonly file: string;
  readonly fd: number;
  readonly offsets: Int32Array;
}

/** Creates a cached file of `bytes`, runs `body` on it, then closes the descriptor and removes the directory. */
export async function withProbeReadFile(
  bytes: number,
  reads: number,
  body: (probe: ProbeReadFile) => Promise<void>,
): Promise<void> {
  const temp = createTempRoot('async-op-probe-');
  try {
    const file = path.join(temp.path, 'reads.bin');
    createCachedReadFile(file, bytes);
    const fd = fs.openSync(file, 'r');
    try {
      await body({ file, fd, offsets: blockOffsets(reads, bytes, SEED) });
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    temp.remove();
  }
}
