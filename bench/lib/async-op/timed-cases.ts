/**
 * The timed cases of the `async-op` group (bench/groups/async-op.ts): AsyncOp's hot paths against AbortController,
 * AbortSignal.any, vscode-jsonrpc and @esfx/canceltoken, with the long-lived parents the follow cases share.
 */
import { CancelToken } from '@esfx/canceltoken';
import { AsyncOp } from 'async-op';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import type { BenchCase } from '../bench-case.js';
import type { Comparison } from '../ratios.js';
import {
  DeadlineOp,
  dropAnyChildren,
  dropTimeoutChildren,
  finishChildren,
  finishDeadlineChildren,
  noop,
} from './children.js';

/** The names of the timed cases (the keys of the group's JSON report and ratios: their spelling never changes). */
export const NAMES = {
  complete: 'AsyncOp create+complete+release',
  listen: 'AsyncOp create+onCancel+unregister+release',
  cancel: 'AsyncOp create+cancel+release',
  follow: 'AsyncOp child create+follow(parent)+complete+release',
  deadline: 'AsyncOp child create(timeoutMs)+follow(parent)+complete+release',
  timeoutAny: 'AbortSignal.any([parent, AbortSignal.timeout()]) + add/removeEventListener',
  abortListen: 'AbortController + add/removeEventListener',
  abortCancel: 'AbortController + addEventListener + abort()',
  anyListen: 'AbortSignal.any([parent]) child + add/removeEventListener',
  vscode: 'vscode-jsonrpc CancellationTokenSource + onCancellationRequested + dispose',
  esfx: '@esfx/canceltoken CancelToken.source + subscribe + unsubscribe + close',
} as const;

/** The long-lived parents of the timed follow cases (the retained measurement uses fresh ones). */
const timedParentOp = AsyncOp.create({ context: null });
const timedParentSignal = new AbortController().signal;
export const timedDeadlineParent = DeadlineOp.create({ context: null });

/** The timed cases: AsyncOp's hot paths and the primitives it replaces, each a loop of its own. */
export const TIMED_CASES: readonly BenchCase[] = [
  {
    name: NAMES.complete,
    role: 'subject',
    run(iterations) {
      let last: unknown;
      for (let i = 0; i < iterations; i++) {
        const op = AsyncOp.create({ context: null });
        op.complete();
        op.release();
        last = op;
      }
      return last;
    },
  },
  {
    name: NAMES.listen,
    role: 'subject',
    run(iterations) {
      let last: unknown;
      for (let i = 0; i < iterations; i++) {
        const op = AsyncOp.create({ context: null });
        const registration = op.onCancel(noop);
        registration.unregister();
        op.release();
        last = registration;
      }
      return last;
    },
  },
  {
    name: NAMES.cancel,
    role: 'subject',
    run(iterations) {
      let last: unknown;
      for (let i = 0; i < iterations; i++) {
        const op = AsyncOp.create({ context: null });
        op.cancel();
        op.release();
        last = op;
      }
      return last;
    },
  },
  {
    name: NAMES.follow,
    role: 'subject',
    run: (iterations) => finishChildren(timedParentOp, iterations),
  },
  {
    name: NAMES.deadline,
    role: 'subject',
    run: (iterations) => finishDeadlineChildren(timedDeadlineParent, iterations),
  },
  {
    name: NAMES.timeoutAny,
    role: 'baseline',
    run: (iterations) => dropTimeoutChildren(timedParentSignal, iterations),
  },
  {
    name: NAMES.abortListen,
    role: 'baseline',
    run(iterations) {
      let last: unknown;
      for (let i = 0; i < iterations; i++) {
        const controller = new AbortController();
        const signal = controller.signal;
        signal.addEventListener('abort', noop);
        signal.removeEventListener('abort', noop);
        last = controller;
      }
      return last;
    },
  },
  {
    name: NAMES.abortCancel,
    role: 'baseline',
    run(iterations) {
      let last: unknown;
      for (let i = 0; i < iterations; i++) {
        const controller = new AbortController();
        controller.signal.addEventListener('abort', noop);
        controller.abort();
        last = controller;
      }
      return last;
    },
  },
  {
    name: NAMES.anyListen,
    role: 'baseline',
    run: (iterations) => dropAnyChildren(timedParentSignal, iterations),
  },
  {
    name: NAMES.vscode,
    role: 'baseline',
    run(iterations) {
      let last: unknown;
      for (let i = 0; i < iterations; i++) {
        const source = new CancellationTokenSource();
        const disposable = source.token.onCancellationRequested(noop);
        disposable.dispose();
        source.dispose();
        last = source;
      }
      return last;
    },
  },
  {
    name: NAMES.esfx,
    role: 'baseline',
    run(iterations) {
      let last: unknown;
      for (let i = 0; i < iterations; i++) {
        const source = CancelToken.source();
        const subscription = source.token.subscribe(noop);
        subscription.unsubscribe();
        source.close();
        last = source;
      }
      return last;
    },
  },
];

/** Which timed case is compared with which. */
export const COMPARISONS: readonly Comparison[] = [
  { subject: NAMES.listen, baseline: NAMES.abortListen, metrics: ['time'] },
  { subject: NAMES.listen, baseline: NAMES.vscode, metrics: ['time'] },
  { subject: NAMES.listen, baseline: NAMES.esfx, metrics: ['time'] },
  { subject: NAMES.cancel, baseline: NAMES.abortCancel, metrics: ['time'] },
  { subject: NAMES.follow, baseline: NAMES.anyListen, metrics: ['time', 'retained'] },
  { subject: NAMES.deadline, baseline: NAMES.timeoutAny, metrics: ['time'] },
];

/** Keeps the timed parents reachable to the end. */
export function sinkParents(): void {
  if (timedParentOp.isReleased || timedParentSignal.aborted) throw new Error('A timed parent changed state');
}
