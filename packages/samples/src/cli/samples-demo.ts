import { LeakTracker, systemClock, type AsyncOp } from 'async-op';
import { AsyncFileManager } from 'async-op-file';
import fs from 'node:fs';
import path from 'node:path';
import { LowLevelTestSettings, type CancellableModule, type FileJobRequest, type Result } from 'async-op-module-kit';
import { FakeCancelFileModule } from '../ll-fake-cancel.js';
import { RealCancelFileModule } from '../ll-real-cancel.js';
import { AtomicSaveModule, type AtomicSaveRequest } from '../ml-chain.js';
import { PassThroughModule } from '../ml-pass-through.js';
import { RetryModule } from '../ml-retries.js';
import { HighLevelModule } from '../hl.js';
import { CancelAllModule } from '../hl-cancel-all.js';
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

/** A module of the demo stack, closed top-down at the end. */
type AnyModule = CancellableModule<never, unknown>;

interface Stack {
  readonly top: CancellableModule<FileJobRequest | AtomicSaveRequest, unknown>;
  /** Bottom-up. */
  readonly modules: readonly AnyModule[];
}

const PAYLOAD = Buffer.alloc(4 * 1024 * 1024, 'd');
const CHUNK = 64 * 1024;

/** One demo: its sample's id (the naming table's, src/sample-names.ts), its stack, request, count and cancel point. */
interface SampleDemo {
  readonly name: SampleId;
  readonly explain: string;
  build(manager: AsyncFileManager, timeline: Timeline): Stack;
  request(directory: string, index: number): FileJobRequest | AtomicSaveRequest;
  readonly operations: number;
  /** Cancel when this many write chunks finished (or after `cancelAfterMs`). */
  readonly cancelAfterChunks?: number;
  readonly cancelAfterMs?: number;
  /** Cancel through module.close() instead of op.cancel() (cancel-all). */
  readonly cancelByClose?: boolean;
}

function writeRequest(directory: string, index: number): FileJobRequest {
  return { kind: 'write-file', path: path.join(directory, `out-${index}.bin`), data: PAYLOAD, chunkSize: CHUNK };
}

function saveRequest(directory: string, index: number): AtomicSaveRequest {
  return { path: path.join(directory, `doc-${index}.txt`), data: PAYLOAD, chunkSize: CHUNK };
}

function stackOf(...modules: AnyModule[]): Stack {
  return { top: modules.at(-1) as Stack['top'], modules };
}

/** The seven samples, each started and canceled mid-way on real files. */
export const SAMPLE_DEMOS: readonly SampleDemo[] = [
  {
    name: 'll-real-cancel',
    explain: 'LL real cancel: cancel stops the chunk loop, closes the file, then reports canceled',
    build: (manager) => stackOf(new RealCancelFileModule({ manager }) as AnyModule),
    request: writeRequest,
    operations: 1,
    cancelAfterChunks: 3,
  },
  {
    name: 'll-fake-cancel',
    explain: 'LL fake cancel: canceled is reported inside cancel(); the job cleans up when its chunk in flight ends',
    build: (manager) => stackOf(new FakeCancelFileModule({ manager }) as AnyModule),
    request: writeRequest,
    operations: 1,
    cancelAfterChunks: 3,
  },
  {
    name: 'ml-pass-through',
    explain: 'ML pass-through over LL real cancel: the cancel goes down with its reason',
    build: (manager) => {
      const ll = new RealCancelFileModule({ manager }) as AnyModule;
      return stackOf(ll, new PassThroughModule({ lower: ll }) as AnyModule);
    },
    request: writeRequest,
    operations: 1,
    cancelAfterChunks: 3,
  },
  {
    name: 'ml-chain',
    explain: 'ML chain (atomic save): canceled during the write step; no next step, the temporary file is removed',
    build: (manager) => {
      const ll = new RealCancelFileModule({ manager }) as AnyModule;
      return stackOf(ll, new AtomicSaveModule({ lower: ll as never }) as AnyModule);
    },
    request: saveRequest,
    operations: 1,
    cancelAfterChunks: 3,
  },
  {
    name: 'ml-retries',
    explain: 'ML retries: the LL reports EAGAIN twice (test settings); cancel lands in the backoff wait',
    build: (manager) => {
      const ll = new RealCancelFileModule({
        manager,
        testSettings: new LowLevelTestSettings().reportRetryable(2),
      }) as AnyModule;
      return stackOf(ll, new RetryModule({ lower: ll, baseDelayMs: 100 }) as AnyModule);
    },
    request: writeRequest,
    operations: 1,
    cancelAfterMs: 50,
  },
  {
    name: 'hl',
    explain:
      'HL over the atomic save over retries, with a deadline of 40 ms (real time): the LL reports EAGAIN once, the ' +
      'retry waits 100 ms, and the deadline fires in that wait; each op beneath is canceled as its parent',
    build: (manager) => {
      const ll = new RealCancelFileModule({
        manager,
        testSettings: new LowLevelTestSettings().reportRetryable(1),
      }) as AnyModule;
      const retries = new RetryModule({ lower: ll, baseDelayMs: 100 }) as AnyModule;
      const chain = new AtomicSaveModule({ lower: retries as never }) as AnyModule;
      return stackOf(ll, retries, chain, new HighLevelModule({ lower: chain, timeoutMs: 40 }) as AnyModule);
    },
    request: saveRequest,
    operations: 1,
  },
  {
    name: 'hl-cancel-all',
    explain: 'HL cancel-all over the atomic save: three saves pending, close() cancels them all and waits',
    build: (manager) => {
      const ll = new RealCancelFileModule({ manager }) as AnyModule;
      const chain = new AtomicSaveModule({ lower: ll as never }) as AnyModule;
      return stackOf(ll, chain, new CancelAllModule({ lower: chain }) as AnyModule);
    },
    request: saveRequest,
    operations: 3,
    cancelAfterChunks: 3,
    cancelByClose: true,
  },
];

/** The names `samples <name>` accepts: the ids of the samples it demonstrates (the worker pool has `threads`). */
export const SAMPLE_NAMES: readonly SampleId[] = SAMPLE_DEMOS.map((demo) => demo.name);

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
  const stack = demo.build(manager, timeline);
  for (const module of stack.modules) module.open();
  const results: string[] = [];
  const ops: AsyncOp<unknown>[] = [];
  const delivered: Promise<void>[] = [];
  for (let index = 0; index < demo.operations; index++) {
    delivered.push(
      new Promise<void>((resolve) => {
        ops.push(
          stack.top.start(demo.request(directory, index), (result) => {
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
  for (const module of [...stack.modules].reverse()) await module.close();
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
