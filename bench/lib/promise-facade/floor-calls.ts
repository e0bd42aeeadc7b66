/**
 * The calls of the `promise-facade` group's floor: callback fs (what the default engine calls), one Promise per call,
 * nothing else (no AsyncOp, no queue, no FileHandle): what any Promise API over the libuv thread pool costs at least.
 */
import fs from 'node:fs';
import { PAYLOAD } from '../async-file/payload.js';
import { BLOCK } from '../workload.js';

const { O_WRONLY } = fs.constants;

/** fs.read of BLOCK bytes at `position` into `buffer`. */
export function readOnce(fd: number, buffer: Buffer, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buffer, 0, BLOCK, position, (error, bytesRead) =>
      error === null ? resolve(bytesRead) : reject(error),
    );
  });
}

/** fs.open of an existing file, write-only. */
export function openOnce(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.open(path, O_WRONLY, (error, fd) => (error === null ? resolve(fd) : reject(error)));
  });
}

/** fs.write of the 4 KiB payload at 0. */
export function writeOnce(fd: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.write(fd, PAYLOAD, 0, PAYLOAD.length, 0, (error, written) =>
      error === null ? resolve(written) : reject(error),
    );
  });
}

export function closeOnce(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.close(fd, (error) => (error === null ? resolve() : reject(error)));
  });
}
