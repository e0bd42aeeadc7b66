/**
 * The `abort` group's baselines: what Node users write to read a large file with `{ signal }`, fs.promises.readFile
 * and fs.createReadStream (its highWaterMark set to the same chunk); their progress from /proc/self/io.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { endedBeforeCancel, never, type StartedRead } from './started-read.js';

/** fs.promises.readFile(file, { signal }): it reads 512 KiB at a time and checks the signal between reads. */
export function startReadFile(file: string, progress: () => number): StartedRead {
  const controller = new AbortController();
  const reading = fsp.readFile(file, { signal: controller.signal });
  const failure = reading.then(
    () => Promise.reject(endedBeforeCancel('readFile')),
    (error: unknown) => (controller.signal.aborted ? never() : Promise.reject(error)),
  );
  return {
    progress,
    cancel() {
      controller.abort();
      const settled = reading.then(
        () => undefined,
        () => undefined,
      );
      return { told: settled, over: settled };
    },
    failure,
  };
}

/** fs.createReadStream(file, { signal, highWaterMark }), its data consumed as it comes. */
export function startReadStream(file: string, highWaterMark: number, progress: () => number): StartedRead {
  const controller = new AbortController();
  const stream = fs.createReadStream(file, { signal: controller.signal, highWaterMark });
  stream.on('data', () => undefined);
  const errored = new Promise<unknown>((resolve) => stream.once('error', resolve));
  const closed = new Promise<void>((resolve) => stream.once('close', resolve));
  const failure = Promise.race([
    new Promise<never>((_, reject) => stream.once('end', () => reject(endedBeforeCancel('createReadStream')))),
    errored.then((error) => (controller.signal.aborted ? never() : Promise.reject(error))),
  ]);
  return {
    progress,
    cancel() {
      controller.abort();
      return { told: errored.then(() => undefined), over: closed };
    },
    failure,
  };
}
