import { getEventListeners } from 'node:events';
import { LeakTracker } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import {
  AsyncFileManager,
  FileTraceRecorder,
  PromiseFileManager,
  ScriptedEngine,
  type PromiseFileHandle,
} from '../../src/index.js';
import { startedAfterCancel } from '../support/started-after-cancel.js';

type StepKind = 'read' | 'readInto' | 'write' | 'stat' | 'truncate' | 'sync' | 'path stat';

/** What the property knows of one facade call. */
interface Call {
  readonly label: string;
  outcome: 'pending' | 'resolved' | 'rejected';
  error: unknown;
  settlements: number;
}

describe('the Promise facade under fast-check scheduler (scripted engine, one signal)', () => {
  it('should settle every call once, reject the canceled ones with signal.reason, start nothing after the abort and keep at most one listener', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 3 }),
        fc.array(
          fc.array(fc.constantFrom<StepKind>('read', 'readInto', 'write', 'stat', 'truncate', 'sync', 'path stat'), {
            maxLength: 4,
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.boolean(),
        fc.option(fc.nat(3), { nil: undefined }),
        async (s, concurrency, programs, isCancelable, abortedHandle) => {
          const mark = LeakTracker.mark();
          const engine = new ScriptedEngine({
            completion: (call) => {
              s.schedule(Promise.resolve(call.label)).then(() => {
                if (call.state === 'pending') call.complete();
              });
            },
            cancelable: isCancelable,
          });
          engine.addDirectory('/d');
          const controller = new AbortController();
          const { signal } = controller;
          const reason = new Error('the signal aborted');
          let maxListeners = 0;
          let abortedAt = -1;
          const recorder = new FileTraceRecorder();
          const manager = new AsyncFileManager({
            concurrency,
            engine,
            trace: (event) => {
              recorder.listener(event);
              maxListeners = Math.max(maxListeners, getEventListeners(signal, 'abort').length);
            },
          });
          const files = new PromiseFileManager(manager);
          const calls: Call[] = [];
          const track = <T>(label: string, promise: Promise<T>): Promise<T> => {
            const call: Call = { label, outcome: 'pending', error: undefined, settlements: 0 };
            calls.push(call);
            promise.then(
              () => {
                call.settlements++;
                call.outcome = 'resolved';
              },
              (error: unknown) => {
                call.settlements++;
                call.outcome = 'rejected';
                call.error = error;
              },
            );
            return promise;
          };
          const run = async (file: PromiseFileHandle, steps: readonly StepKind[], index: number): Promise<void> => {
            await track(`h${file.handle.id} create`, file.createAnonymousFile('/d', { signal }));
            for (const kind of steps) {
              // a scheduled turn between the steps, where the abort can land
              await s.schedule(Promise.resolve(`h${file.handle.id} before ${kind}`));
              const label = `h${file.handle.id} ${kind}`;
              const options = { signal };
              if (kind === 'read') await track(label, file.read(0, 4, options));
              else if (kind === 'readInto') await track(label, file.readInto(Buffer.alloc(4), 0, options));
              else if (kind === 'write') await track(label, file.write(Buffer.from('data'), index, options));
              else if (kind === 'stat') await track(label, file.stat(options));
              else if (kind === 'truncate') await track(label, file.truncate(index, options));
              else if (kind === 'sync') await track(label, file.sync(options));
              else await track(label, files.stat('/d', options));
            }
          };
          const handles = programs.map(() => files.newFileHandle());
          const lanes = programs.map((steps, index) =>
            run(handles[index] as PromiseFileHandle, steps, index).catch(() => undefined),
          );
          s.schedule(Promise.resolve('abort the signal')).then(() => {
            abortedAt = recorder.events.length;
            controller.abort(reason);
          });
          if (abortedHandle !== undefined) {
            s.schedule(Promise.resolve(`abort h${abortedHandle}`)).then(() =>
              handles[abortedHandle % handles.length]?.abort(),
            );
          }
          // the lanes go on in microtasks after each scheduled task: run the scheduler until they are over
          const drain = async (work: Promise<unknown>): Promise<void> => {
            let isOver = false;
            void work.finally(() => (isOver = true));
            for (let turns = 0; !isOver; turns++) {
              if (turns > 10_000) throw new Error('the facade calls did not settle');
              await s.waitIdle();
              await new Promise((resolve) => setImmediate(resolve));
            }
          };
          await drain(Promise.all(lanes));

          expect(maxListeners, 'abort listeners on the signal').to.be.at.most(1);
          expect(getEventListeners(signal, 'abort')).to.have.length(0);
          for (const call of calls) {
            expect(call.settlements, call.label).to.equal(1);
            // a rejection is the signal's reason, the handle's abort (its cancel or its refusal), or nothing else
            if (call.outcome === 'rejected' && call.error !== reason) {
              expect(call.error, call.label)
                .to.have.property('code')
                .that.is.oneOf(['ERR_CANCELED', 'ERR_FILE_HANDLE_ABORTED']);
            }
          }
          // after the abort, no facade call reached the manager: every later call rejected at once (a handle's abort()
          // still queues the close of its file)
          const afterAbort = recorder.events
            .slice(Math.max(abortedAt, 0))
            .filter((event) => event.type === 'enqueued' && event.action !== 'close');
          expect(abortedAt === -1 ? [] : afterAbort, 'enqueued after the abort').to.deep.equal([]);
          expect(startedAfterCancel(recorder.events)).to.deep.equal([]);
          await drain(Promise.all(handles.map((handle) => handle[Symbol.asyncDispose]())));
          await drain(manager.whenIdle());
          expect(engine.violations).to.deep.equal([]);
          expect(engine.openDescriptorCount).to.equal(0);
          expect(manager.pendingCount).to.equal(0);
          expect(LeakTracker.liveReferences(mark)).to.deep.equal([]);
        },
      ),
    );
  });
});
