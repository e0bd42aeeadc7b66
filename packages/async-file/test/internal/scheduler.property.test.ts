import { LeakTracker, type AsyncOp } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import {
  AsyncFileManager,
  BufferPool,
  FileHandleError,
  FileTraceRecorder,
  ScriptedEngine,
  type AsyncFileHandle,
  type FileTraceEvent,
} from '../../src/index.js';

/** When a writeNewFile action of the property is canceled. */
type NewFileCancel = 'none' | 'at once' | 'scheduled';

type StepKind = 'write' | 'read' | 'readInto' | 'stat' | 'truncate' | 'sync' | 'duplicate';

interface Step {
  readonly kind: StepKind;
  /** Enqueued from inside the previous callback (chained), or from a later scheduled task. */
  readonly isChained: boolean;
}

interface Interference {
  readonly handle: number;
  readonly kind: 'cancel' | 'abort';
}

/** What the test knows of one action it started. */
interface Started {
  readonly label: string;
  op: AsyncOp<unknown> | undefined;
  callbacks: number;
  canceledBeforeCallback: boolean;
}

/** The fast path of a run: off or on (threshold 8: reads of 8 bytes take it, writes of 10 do not; 16: both). */
const fastPathArbitrary = fc.record({
  threshold: fc.constantFrom(0, 8, 16),
  now: fc.func(fc.constantFrom<'complete' | 'decline' | string>('complete', 'decline', 'EIO')),
  isPooled: fc.boolean(),
});

const stepArbitrary = fc.record({
  kind: fc.constantFrom<StepKind>('write', 'read', 'readInto', 'stat', 'truncate', 'sync', 'duplicate'),
  isChained: fc.boolean(),
});

/** Actions that started after their cancel was observed (a close is the exception: it always runs). */
function startedAfterCancel(events: readonly FileTraceEvent[]): string[] {
  const canceled = new Set<number>();
  const found: string[] = [];
  for (const event of events) {
    if (event.type === 'canceled') canceled.add(event.actionId);
    if (event.type === 'started' && canceled.has(event.actionId) && event.action !== 'close') {
      found.push(`#${event.actionId} ${event.action}`);
    }
  }
  return found;
}

describe('AsyncFileManager under fast-check scheduler (scripted engine)', () => {
  it('should keep every invariant under random actions, cancels, aborts, faults and completion orders', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.array(stepArbitrary, { maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.record({ handle: fc.nat(3), kind: fc.constantFrom<Interference['kind']>('cancel', 'abort') }), {
          maxLength: 4,
        }),
        fc.func(fc.boolean()),
        fc.boolean(),
        fastPathArbitrary,
        fc.array(fc.constantFrom<NewFileCancel>('none', 'at once', 'scheduled'), { maxLength: 3 }),
        fc.boolean(),
        async (s, concurrency, programs, interferences, isFaulty, faultsOn, fast, newFiles, isCancelable) => {
          const mark = LeakTracker.mark();
          let nowCount = 0;
          const engine = new ScriptedEngine({
            completion: (call) => {
              s.schedule(Promise.resolve(call.label)).then(() => {
                if (call.state === 'pending') call.complete();
              });
            },
            // faults on every kind but unlink (here only an undo unlinks: the writeNewFile invariant below holds where
            // the undo can run, which a failed unlink prevents); a failed close frees its descriptor, as on Linux
            inject: (call) => (faultsOn && call.kind !== 'unlink' && isFaulty(call.id) ? 'EIO' : undefined),
            // the fast path: each read or write under the threshold completes at once, goes the slow way, or fails
            now: () => fast.now(nowCount++),
            // an engine that can stop a pending call (io_uring), or one that cannot (node-fs): then cancel means undo
            cancelable: isCancelable,
          });
          engine.addDirectory('/d');
          const recorder = new FileTraceRecorder();
          const pool = fast.isPooled ? new BufferPool({ bufferSize: 8 }) : undefined;
          const manager = new AsyncFileManager({
            concurrency,
            engine,
            trace: recorder.listener,
            syncThresholdBytes: fast.threshold,
            readBuffers: pool,
            // fast completions are delivered when the scheduler says, among the engine's
            fastPathDelivery: (deliver) => void s.schedule(Promise.resolve('fast-path delivery')).then(deliver),
          });
          const handles: AsyncFileHandle[] = [];
          const current = new Map<AsyncFileHandle, Started>();
          const started: Started[] = [];

          const track = (
            handle: AsyncFileHandle,
            label: string,
            start: (callback: (error: Error | null, result: unknown) => void) => AsyncOp<unknown>,
            next: (error: Error | null, result: unknown) => void,
          ): void => {
            const record: Started = { label, op: undefined, callbacks: 0, canceledBeforeCallback: false };
            let isStarting = true;
            try {
              record.op = start((error, result) => {
                // never re-entrantly, inside the call that enqueued it (the fast path included)
                expect(isStarting, `${label} called back inside its own call`).to.equal(false);
                record.callbacks++;
                current.delete(handle);
                record.op?.release();
                record.op = undefined;
                next(error, result);
              });
            } catch (error) {
              // the only refusals a correct program meets: an abort raced it
              expect(error).to.be.instanceOf(FileHandleError);
              return;
            } finally {
              isStarting = false;
            }
            started.push(record);
            if (record.callbacks === 0) current.set(handle, record);
          };

          const runStep = (handle: AsyncFileHandle, steps: readonly Step[], index: number): void => {
            const step = steps[index];
            const label = `h${handle.id} ${step?.kind ?? 'close'}`;
            if (step === undefined) {
              track(
                handle,
                label,
                (callback) => handle.close(callback),
                () => undefined,
              );
              return;
            }
            const next = (error: Error | null, result: unknown): void => {
              if (step.kind === 'read' && error === null) manager.releaseBuffer(result as Buffer);
              if (step.kind === 'duplicate' && error === null) {
                const copy = result as AsyncFileHandle;
                handles.push(copy);
                track(
                  copy,
                  `h${copy.id} close`,
                  (callback) => copy.close(callback),
                  () => undefined,
                );
              }
              if (step.isChained) runStep(handle, steps, index + 1);
              else s.schedule(Promise.resolve(`h${handle.id} next`)).then(() => runStep(handle, steps, index + 1));
            };
            const buffer = Buffer.from('0123456789');
            track(
              handle,
              label,
              (callback) => {
                switch (step.kind) {
                  case 'write':
                    return handle.write(buffer, index, callback);
                  case 'read':
                    return handle.read(0, 8, callback);
                  case 'readInto':
                    return handle.readInto(Buffer.alloc(8), 0, callback);
                  case 'stat':
                    return handle.stat(callback);
                  case 'truncate':
                    return handle.truncate(index, callback);
                  case 'sync':
                    return handle.sync(callback);
                  case 'duplicate':
                    return handle.duplicate(callback);
                }
              },
              next,
            );
          };

          for (const steps of programs) {
            const handle = manager.newFileHandle();
            handles.push(handle);
            track(
              handle,
              `h${handle.id} create`,
              (callback) => handle.createAnonymousFile('/d', callback),
              (error) => {
                if (error === null) runStep(handle, steps, 0);
              },
            );
          }
          // manager-level writeNewFile actions among the handles' actions, some canceled (at once, or in a later task)
          const newFileOutcomes = newFiles.map((cancel, index) => {
            const record = { path: `/d/new${index}`, callbacks: 0, isOk: false, isCanceled: false };
            s.schedule(Promise.resolve(`writeNewFile ${record.path}`)).then(() => {
              const op = manager.writeNewFile(record.path, Buffer.from('new file'), (error) => {
                record.callbacks++;
                record.isOk = error === null;
              });
              const cancelNow = (): void => {
                if (record.callbacks === 0 && op.cancel()) record.isCanceled = true;
                op.release();
              };
              if (cancel === 'at once') cancelNow();
              else if (cancel === 'scheduled') s.schedule(Promise.resolve(`cancel ${record.path}`)).then(cancelNow);
              else op.release();
            });
            return record;
          });
          for (const interference of interferences) {
            s.schedule(Promise.resolve(`${interference.kind} h${interference.handle}`)).then(() => {
              const handle = handles[interference.handle % handles.length] as AsyncFileHandle;
              if (interference.kind === 'abort') {
                handle.abort();
                return;
              }
              const record = current.get(handle);
              if (record?.op === undefined) return;
              if (record.op.cancel()) record.canceledBeforeCallback = true;
              record.op.release();
              record.op = undefined;
              current.delete(handle);
            });
          }

          await s.waitIdle();
          for (const handle of handles) handle.abort();
          await s.waitIdle();
          await manager.whenIdle();

          for (const record of started) {
            expect(record.callbacks, record.label).to.be.at.most(1);
            if (record.canceledBeforeCallback) expect(record.callbacks, `${record.label} after cancel`).to.equal(0);
            record.op?.release();
          }
          expect(startedAfterCancel(recorder.events)).to.deep.equal([]);
          expect(engine.violations).to.deep.equal([]);
          expect(engine.openDescriptorCount).to.equal(0);
          expect(manager.pendingCount).to.equal(0);
          // writeNewFile is all or nothing: a file exists exactly when its action succeeded (a canceled one is undone)
          for (const record of newFileOutcomes) {
            expect(record.callbacks, record.path).to.be.at.most(1);
            if (record.isCanceled) expect(record.callbacks, `${record.path} after cancel`).to.equal(0);
            const content = engine.readFile(record.path)?.toString();
            expect(content, `${record.path} on disk`).to.equal(record.isOk ? 'new file' : undefined);
          }
          // every pooled read buffer came back: from the user, or from the manager after a failure or cancel
          expect(pool?.outstandingCount ?? 0, 'read buffers not returned').to.equal(0);
          expect(LeakTracker.liveReferences(mark)).to.deep.equal([]);
        },
      ),
    );
  });

  // #region chained-bound
  it('should never hold more than `concurrency` files open when every request is chained', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(0, 16),
        fc.func(fc.constantFrom<'complete' | 'decline'>('complete', 'decline')),
        async (s, concurrency, files, maxWriteBytes, syncThresholdBytes, now) => {
          let nowCount = 0;
          const engine = new ScriptedEngine({
            completion: (call) => {
              s.schedule(Promise.resolve(call.label)).then(() => call.complete());
            },
            maxWriteBytes,
            now: () => now(nowCount++),
          });
          engine.addDirectory('/d');
          const manager = new AsyncFileManager({
            concurrency,
            engine,
            syncThresholdBytes,
            fastPathDelivery: (deliver) => void s.schedule(Promise.resolve('fast-path delivery')).then(deliver),
          });
          let closed = 0;
          for (let index = 0; index < files; index++) {
            const handle = manager.newFileHandle();
            handle
              .createAnonymousFile('/d', (error) => {
                expect(error).to.equal(null);
                handle
                  .write(Buffer.from('twelve bytes'), 0, (writeError, written) => {
                    expect(writeError).to.equal(null);
                    expect(written).to.equal(12); // partial writes were repeated
                    handle.close(() => closed++).release();
                  })
                  .release();
              })
              .release();
          }
          await s.waitIdle();
          await manager.whenIdle();
          expect(closed).to.equal(files);
          expect(engine.maxOpenDescriptors).to.be.at.most(concurrency);
          expect(engine.openDescriptorCount).to.equal(0);
          expect(engine.violations).to.deep.equal([]);
        },
      ),
    );
  });
  // #endregion
});
