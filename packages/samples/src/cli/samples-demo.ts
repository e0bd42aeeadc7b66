import { LeakTracker, systemClock, type AsyncOp } from 'async-op';
import { AsyncFileManager } from 'async-op-file';
import fs from 'node:fs';
import path from 'node:path';
import { LowLevelTestSettings, type AtomicSaveRequest, type FileJobRequest, type Result } from '../index.js';
import { buildStack, createFileLowLevel, writeRequest, type BuiltStack } from '../stacks/build-stack.js';
import { FILE_STACKS, hasLayer, stackNamed, type FileLowLevelName } from '../stacks/sample-stacks.js';
import { describeLeaks, isClean, leakReport, type LeakReport } from './leak-report.js';
import { CancelWatch, describeReason, reasonChain } from './reason-chain.js';
import type { SampleId } from '../sample-names.js';
import { Timeline } from './timeline.js';

/** What one sample demo observed. */
export interface SampleRun {
  readonly name: string;
  readonly results: readonly string[];
  readonly timeline: Timeline;
  readonly leaks: LeakReport;
  /** The reason of the op canceled last (the lowest one), link by link down to where the cancellation started. */
  readonly reasonChain: readonly string[];
  /** Every operation reported `canceled` and nothing leaked. */
  readonly isCanceledCleanly: boolean;
}

/** One demo: a stack of the registry over an LL, its requests, how many operations, and when to cancel. */
interface SampleDemo {
  readonly name: SampleId;
  readonly explain: string;
  /** The stack's name in FILE_STACKS. */
  readonly stack: string;
  readonly lowLevel: FileLowLevelName;
  /** The LL's test settings (the retries demo makes it report EAGAIN). */
  readonly testSettings?: () => LowLevelTestSettings;
  /** The retry module's wait before the first retry. */
  readonly baseDelayMs?: number;
  /** The HL module's deadline for each operation, in ms from its start (real time). */
  readonly timeoutMs?: number;
  readonly operations: number;
  /** Cancel when this many write chunks finished (or after `cancelAfterMs`; or never: the HL's deadline does). */
  readonly cancelAfterChunks?: number;
  readonly cancelAfterMs?: number;
  /** Cancel through module.close() instead of op.cancel() (cancel-all). */
  readonly cancelByClose?: boolean;
}

const PAYLOAD = Buffer.alloc(4 * 1024 * 1024, 'd');
const CHUNK = 64 * 1024;

/** The seven samples, each started and canceled mid-way on real files, each in a stack of the registry. */
export const SAMPLE_DEMOS: readonly SampleDemo[] = [
  {
    name: 'll-real-cancel',
    explain: 'LL real cancel: cancel stops the chunk loop, closes the file, then reports canceled',
    stack: 'll',
    lowLevel: 'll-real-cancel',
    operations: 1,
    cancelAfterChunks: 3,
  },
  {
    name: 'll-fake-cancel',
    explain: 'LL fake cancel: canceled is reported inside cancel(); the job cleans up when its chunk in flight ends',
    stack: 'll',
    lowLevel: 'll-fake-cancel',
    operations: 1,
    cancelAfterChunks: 3,
  },
  {
    name: 'ml-pass-through',
    explain: 'ML pass-through over LL real cancel: the cancel goes down with its reason',
    stack: 'ml-pass-through',
    lowLevel: 'll-real-cancel',
    operations: 1,
    cancelAfterChunks: 3,
  },
  {
    name: 'ml-chain',
    explain: 'ML chain (atomic save): canceled during the write step; no next step, the temporary file is removed',
    stack: 'ml-chain',
    lowLevel: 'll-real-cancel',
    operations: 1,
    cancelAfterChunks: 3,
  },
  {
    name: 'ml-retries',
    explain: 'ML retries: the LL reports EAGAIN twice (test settings); cancel lands in the backoff wait',
    stack: 'ml-retries',
    lowLevel: 'll-real-cancel',
    testSettings: () => new LowLevelTestSettings().reportRetryable(2),
    baseDelayMs: 100,
    operations: 1,
    cancelAfterMs: 50,
  },
  {
    name: 'hl',
    explain:
      'HL over the atomic save over retries, with a deadline of 40 ms (real time): the LL reports EAGAIN once, the ' +
      'retry waits 100 ms, and the deadline fires in that wait; each op beneath is canceled as its parent',
    stack: 'hl/ml-chain/ml-retries',
    lowLevel: 'll-real-cancel',
    testSettings: () => new LowLevelTestSettings().reportRetryable(1),
    baseDelayMs: 100,
    timeoutMs: 40,
    operations: 1,
  },
  {
    name: 'hl-cancel-all',
    explain: 'HL cancel-all over the atomic save: three saves pending, close() cancels them all and waits',
    stack: 'hl-cancel-all/ml-chain',
    lowLevel: 'll-real-cancel',
    operations: 3,
    cancelAfterChunks: 3,
    cancelByClose: true,
  },
];

/** Builds a demo's stack (opened) over `manager`. */
function buildDemo(demo: SampleDemo, manager: AsyncFileManager): BuiltStack<FileJobRequest | AtomicSaveRequest> {
  const ll = createFileLowLevel(demo.lowLevel, manager, demo.testSettings?.());
  const retries = demo.baseDelayMs === undefined ? {} : { baseDelayMs: demo.baseDelayMs };
  const hl = demo.timeoutMs === undefined ? {} : { timeoutMs: demo.timeoutMs };
  return buildStack(stackNamed(FILE_STACKS, demo.stack), ll, { retries, hl });
}

/** The request of operation `index`: a 4 MiB file written in 64 KiB chunks (saved atomically through the chain). */
function requestOf(demo: SampleDemo, directory: string, index: number): FileJobRequest | AtomicSaveRequest {
  const stack = stackNamed(FILE_STACKS, demo.stack);
  const name = hasLayer(stack, 'ml-chain') ? `doc-${index}.txt` : `out-${index}.bin`;
  return writeRequest(stack, path.join(directory, name), PAYLOAD, CHUNK);
}

/** The names `samples <name>` accepts. */
export const SAMPLE_NAMES: readonly string[] = SAMPLE_DEMOS.map((demo) => demo.name);

function describeResult(result: Result<unknown>): string {
  if (result.status === 'ok') return 'ok';
  if (result.status === 'canceled') return `canceled (${describeReason(result.error)})`;
  const error = result.error as { code?: unknown; message?: unknown } | undefined;
  return `${result.status} (${String(error?.code ?? error?.message ?? error)})`;
}

/** Runs one sample demo in `directory` (which it empties of nothing: the demo's files must all be gone). */
export async function runSample(demo: SampleDemo, directory: string): Promise<SampleRun> {
  const mark = LeakTracker.mark();
  const timeline = new Timeline();
  const watch = new CancelWatch(timeline);
  let chunksDone = 0;
  let cancel: (() => void) | undefined;
  const manager = new AsyncFileManager({
    concurrency: 4,
    trace: (event) => {
      timeline.fileTrace(event);
      if (event.type === 'finished' && event.action === 'write' && ++chunksDone === demo.cancelAfterChunks) {
        // cancel from outside the trace listener: it runs inside the manager's own bookkeeping
        setImmediate(() => cancel?.());
      }
    },
  });
  const stack = buildDemo(demo, manager);
  const results: string[] = [];
  const ops: AsyncOp<unknown>[] = [];
  const delivered: Promise<void>[] = [];
  for (let index = 0; index < demo.operations; index++) {
    delivered.push(
      new Promise<void>((resolve) => {
        ops.push(
          stack.top.start(requestOf(demo, directory, index), (result) => {
            timeline.add(demo.name, `callback #${index}: ${describeResult(result)}`);
            results.push(result.status);
            resolve();
          }),
        );
        timeline.add(demo.name, `start #${index} returned`);
      }),
    );
  }
  cancel = () => {
    cancel = undefined;
    if (demo.cancelByClose) {
      timeline.add(demo.name, 'close() called: cancels every pending operation');
      void stack.top.close().then(() => timeline.add(demo.name, 'close() resolved: every callback has run'));
    } else {
      for (const [index, op] of ops.entries()) {
        timeline.add(demo.name, `cancel() #${index} called`);
        const won = op.cancel();
        timeline.add(demo.name, `cancel() #${index} returned ${won}`);
      }
    }
  };
  const delay = demo.cancelAfterMs ?? Infinity;
  const timer = systemClock.setTimer(() => cancel?.(), delay, undefined);
  await Promise.all(delivered);
  systemClock.clearTimer(timer);
  for (const op of ops) op.release();
  for (const module of stack.modules) await module.close();
  await manager.whenIdle();
  watch.stop();
  const leaks = leakReport(mark, directory, []);
  timeline.add(demo.name, describeLeaks(leaks));
  const isCanceledCleanly = results.length === demo.operations && results.every((status) => status === 'canceled');
  const lowest = watch.canceled.at(-1);
  const chain = lowest === undefined ? [] : [`"${lowest.label}":`, ...reasonChain(lowest.reason)];
  return {
    name: demo.name,
    results,
    timeline,
    leaks,
    reasonChain: chain,
    isCanceledCleanly: isCanceledCleanly && isClean(leaks),
  };
}

/** A fresh subdirectory of `root` for one demo. */
export function demoDirectory(root: string, name: string): string {
  const directory = path.join(root, name);
  fs.mkdirSync(directory);
  return directory;
}
