/**
 * The process's I/O counters from /proc/self/io (Linux), summed over every thread, the libuv pool's and io_uring's
 * io-wq workers included: what Node's own APIs read can only be counted there.
 */
import fs from 'node:fs';

/** The fields of /proc/self/io that the `abort` group reads. */
export interface ProcIo {
  /** Bytes returned by read-like system calls (read, pread, readv...; not io_uring's requests). */
  readonly rchar: number;
  /** Read-like system calls made. */
  readonly syscr: number;
  /** Bytes the process caused to be fetched from storage (page-cache misses, readahead included). */
  readonly readBytes: number;
}

const PATH = '/proc/self/io';

function field(text: string, name: string): number {
  const match = new RegExp(`^${name}: (\\d+)$`, 'm').exec(text);
  if (match === null) throw new Error(`${PATH} has no ${name} line`);
  return Number(match[1]);
}

/** Reads the counters now. @throws Error where /proc/self/io cannot be read (not Linux, or no task accounting). */
export function readProcIo(): ProcIo {
  const text = fs.readFileSync(PATH, 'latin1');
  return { rchar: field(text, 'rchar'), syscr: field(text, 'syscr'), readBytes: field(text, 'read_bytes') };
}

/** Why /proc/self/io cannot be used here, or undefined. */
export function procIoUnavailable(): string | undefined {
  try {
    readProcIo();
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/**
 * What one reading of /proc/self/io adds to the counters it reports (its own read() calls): the median of a few
 * back-to-back pairs, subtracted from every delta that spans a reading.
 */
export function procIoOverhead(): ProcIo {
  const pairs = Array.from({ length: 5 }, () => {
    const first = readProcIo();
    const second = readProcIo();
    return { rchar: second.rchar - first.rchar, syscr: second.syscr - first.syscr };
  });
  const median = (values: number[]): number => values.sort((a, b) => a - b)[2] ?? 0;
  return {
    rchar: median(pairs.map((pair) => pair.rchar)),
    syscr: median(pairs.map((pair) => pair.syscr)),
    readBytes: 0,
  };
}
