import { expect } from 'chai';
import { after, before, describe, it } from 'mocha';
import type { AsyncOp } from 'async-op';
import {
  AsyncFileManager,
  FileActionError,
  FileActionErrorCode,
  ScriptedEngine,
  type AsyncFileHandle,
  type EngineError,
  type FileCallback,
  type FileEngine,
  type ScriptedEngineOptions,
} from '../../src/index.js';
import { settlesWithin, step } from '../support/step.js';
import { throwingEngine, type EngineMethod, type ThrowingEngine } from '../support/throwing-engine.js';

/** One action whose engine call can throw: how to enqueue it, and on what the handle must hold first. */
interface ActionCase {
  readonly name: string;
  readonly method: EngineMethod;
  /** `open`: the handle holds /d/file open read-write first; `closed`: it holds nothing; `manager`: no handle. */
  readonly needs: 'open' | 'closed' | 'manager';
  readonly start: (
    manager: AsyncFileManager,
    handle: AsyncFileHandle,
    callback: FileCallback<unknown>,
  ) => AsyncOp<unknown>;
}

const ACTIONS: readonly ActionCase[] = [
  {
    name: 'createAnonymousFile',
    method: 'createAnonymous',
    needs: 'closed',
    start: (_m, h, cb) => h.createAnonymousFile('/d', cb),
  },
  {
    name: 'openExistingFile',
    method: 'openExisting',
    needs: 'closed',
    start: (_m, h, cb) => h.openExistingFile('/d/file', 'read', cb),
  },
  { name: 'stat', method: 'fstat', needs: 'open', start: (_m, h, cb) => h.stat(cb) },
  { name: 'read', method: 'read', needs: 'open', start: (_m, h, cb) => h.read(0, 4, cb) },
  { name: 'readInto', method: 'read', needs: 'open', start: (_m, h, cb) => h.readInto(Buffer.alloc(4), 0, cb) },
  { name: 'write', method: 'write', needs: 'open', start: (_m, h, cb) => h.write(Buffer.from('data'), 0, cb) },
  { name: 'truncate', method: 'truncate', needs: 'open', start: (_m, h, cb) => h.truncate(1, cb) },
  { name: 'sync', method: 'sync', needs: 'open', start: (_m, h, cb) => h.sync(cb) },
  {
    name: 'duplicate',
    method: 'duplicate',
    needs: 'open',
    start: (_m, h, cb) => h.duplicate(cb as FileCallback<AsyncFileHandle>),
  },
  { name: 'createHardLink', method: 'link', needs: 'open', start: (_m, h, cb) => h.createHardLink('/d/link', cb) },
  { name: 'manager.stat', method: 'stat', needs: 'manager', start: (m, _h, cb) => m.stat('/d/file', cb) },
  { name: 'manager.unlink', method: 'unlink', needs: 'manager', start: (m, _h, cb) => m.unlink('/d/file', cb) },
  {
    name: 'manager.rename',
    method: 'rename',
    needs: 'manager',
    start: (m, _h, cb) => m.rename('/d/file', '/d/other', cb),
  },
  {
    name: 'manager.writeNewFile',
    method: 'writeNewFile',
    needs: 'manager',
    start: (m, _h, cb) => m.writeNewFile('/d/new', Buffer.from('new'), cb),
  },
];

interface Setup {
  readonly scripted: ScriptedEngine;
  readonly throwing: ThrowingEngine;
  readonly manager: AsyncFileManager;
  readonly handle: AsyncFileHandle;
}

async function setUp(options: ScriptedEngineOptions = {}, extra: Partial<FileEngine> = {}): Promise<Setup> {
  const scripted = new ScriptedEngine({ completion: 'async', ...options });
  scripted.writeFile('/d/file', 'hello');
  const throwing = throwingEngine(scripted, extra);
  const manager = new AsyncFileManager({ concurrency: 1, engine: throwing.engine });
  return { scripted, throwing, manager, handle: manager.newFileHandle() };
}

async function openFile(handle: AsyncFileHandle): Promise<void> {
  await step((cb) => handle.openExistingFile('/d/file', 'read-write', cb));
}

/** What an action's callback received, and whether it came inside the call that enqueued it. */
interface Delivery {
  readonly calls: { error: EngineError | null; result: unknown }[];
  readonly cameInsideEnqueue: boolean;
}

/** Enqueues `start` and resolves once its callback came (or rejects after 2 s: the action wedged). */
function enqueueAndWait(
  start: (callback: FileCallback<unknown>) => AsyncOp<unknown>,
): Promise<Delivery> & { readonly delivery: Delivery } {
  const calls: { error: EngineError | null; result: unknown }[] = [];
  let isEnqueuing = true;
  let cameInsideEnqueue = false;
  let arrived!: () => void;
  const whenArrived = new Promise<void>((resolve) => (arrived = resolve));
  const op = start((error, result) => {
    if (isEnqueuing) cameInsideEnqueue = true;
    calls.push({ error, result });
    arrived();
  });
  isEnqueuing = false;
  const delivery = {
    calls,
    get cameInsideEnqueue() {
      return cameInsideEnqueue;
    },
  };
  const promise = settlesWithin(whenArrived, 2000, 'the callback').then(async () => {
    op.release();
    // a second callback would come on a later turn
    await new Promise((resolve) => setImmediate(resolve));
    return delivery;
  });
  return Object.assign(promise, { delivery });
}

function expectContainedFailure(delivery: Delivery, thrown: unknown): void {
  expect(delivery.cameInsideEnqueue, 'the callback came inside the enqueueing call').to.equal(false);
  expect(delivery.calls, 'callbacks').to.have.length(1);
  const error = delivery.calls[0]?.error;
  expect(error).to.be.instanceOf(FileActionError);
  expect(error?.code).to.equal(FileActionErrorCode.ENGINE_FAILED);
  expect((error as Error).cause).to.equal(thrown);
}

/** The manager and handle are not wedged: no action left, the handle still takes one, abort and close resolve. */
async function expectNotWedged({ manager, handle }: Setup): Promise<void> {
  expect(manager.activeCount, 'slots in use').to.equal(0);
  expect(manager.pendingCount, 'actions left').to.equal(0);
  expect(handle.hasPendingAction).to.equal(false);
  await step((cb) => handle.stat(cb)).catch(() => undefined); // accepted (open) or refused (closed): not busy
  handle.abort();
  await settlesWithin(handle.whenIdle(), 2000, 'handle.whenIdle()');
  await settlesWithin(manager.close(), 2000, 'manager.close()');
}

describe('AsyncFileManager containment of engine failures (scripted engine)', () => {
  for (const action of ACTIONS) {
    describe(`${action.name}() when engine.${action.method}() throws`, () => {
      it('should deliver the error once, later, as the first action of an idle manager', async () => {
        const setup = await setUp();
        if (action.needs === 'open') await openFile(setup.handle);
        const thrown = new Error('boom');
        setup.throwing.throwFrom(action.method, thrown);
        const delivery = await enqueueAndWait((cb) => action.start(setup.manager, setup.handle, cb));
        expectContainedFailure(delivery, thrown);
        await expectNotWedged(setup);
      });

      it('should deliver the error once when the action was queued behind a busy slot', async () => {
        const setup = await setUp();
        if (action.needs === 'open') await openFile(setup.handle);
        // another handle takes the only slot: the action starts from that one's completion
        const blocker = setup.manager.newFileHandle();
        const blocked = enqueueAndWait((cb) => blocker.openExistingFile('/d/file', 'read', cb));
        const thrown = new Error('boom');
        setup.throwing.throwFrom(action.method, thrown);
        const pending = enqueueAndWait((cb) => action.start(setup.manager, setup.handle, cb));
        expect(setup.manager.queuedCount).to.equal(1);
        expectContainedFailure(await pending, thrown);
        expect((await blocked).calls[0]?.error).to.equal(null);
        blocker.abort();
        await blocker.whenIdle();
        await expectNotWedged(setup);
      });

      it('should deliver the error once when the action was enqueued from a callback', async () => {
        const setup = await setUp();
        const { manager, handle } = setup;
        const thrown = new Error('boom');
        // the first action's callback enqueues it: for a handle action it chains into the slot that just finished
        const first = (cb: FileCallback<unknown>): AsyncOp<unknown> =>
          action.needs === 'closed'
            ? manager.stat('/d/file', cb)
            : handle.openExistingFile('/d/file', 'read-write', cb as FileCallback<void>);
        let chained: (Promise<Delivery> & { readonly delivery: Delivery }) | undefined;
        const opened = enqueueAndWait((cb) =>
          first((error, result) => {
            setup.throwing.throwFrom(action.method, thrown);
            chained = enqueueAndWait((next) => action.start(manager, handle, next));
            cb(error, result);
          }),
        );
        expect((await opened).calls[0]?.error).to.equal(null);
        expectContainedFailure(await (chained as Promise<Delivery>), thrown);
        await expectNotWedged(setup);
      });
    });
  }

  it("should pass an engine's coded error through unchanged", async () => {
    const setup = await setUp();
    await openFile(setup.handle);
    const thrown = Object.assign(new RangeError('too long'), { code: 'ERR_OUT_OF_RANGE' });
    setup.throwing.throwFrom('read', thrown);
    const delivery = await enqueueAndWait((cb) => setup.handle.read(0, 4, cb));
    expect(delivery.calls.map((call) => call.error)).to.deep.equal([thrown]);
    await expectNotWedged(setup);
  });

  it('should wrap a thrown value that is not an Error', async () => {
    const setup = await setUp();
    setup.throwing.throwFrom('stat', 'a string');
    const delivery = await enqueueAndWait((cb) => setup.manager.stat('/d/file', cb));
    expectContainedFailure(delivery, 'a string');
    expect(delivery.calls[0]?.error?.message).to.contain('a string');
    await expectNotWedged(setup);
  });

  it('should fail a write whose next chunk the engine refuses, once', async () => {
    const setup = await setUp({ maxWriteBytes: 2 });
    await openFile(setup.handle);
    const thrown = new Error('second chunk');
    const { handle, throwing } = setup;
    // the first chunk goes through; the engine throws from the second (issued from the first's report)
    const delivery = enqueueAndWait((cb) => handle.write(Buffer.from('abcd'), 0, cb));
    throwing.throwFrom('write', thrown);
    expect(setup.scripted.pendingCalls.map((call) => call.kind)).to.deep.equal(['write']);
    expectContainedFailure(await delivery, thrown);
    expect(setup.scripted.readFile('/d/file')?.toString()).to.equal('abllo');
    await expectNotWedged(setup);
  });

  it('should take the fast path: a readNow that throws is delivered later, once', async () => {
    const scripted = new ScriptedEngine({ completion: 'async', now: 'complete' });
    scripted.writeFile('/d/file', 'hello');
    const throwing = throwingEngine(scripted);
    const manager = new AsyncFileManager({ concurrency: 1, engine: throwing.engine, syncThresholdBytes: 4096 });
    const setup = { scripted, throwing, manager, handle: manager.newFileHandle() };
    await openFile(setup.handle);
    const thrown = new Error('readNow exploded');
    throwing.throwFrom('readNow', thrown);
    const delivery = await enqueueAndWait((cb) => setup.handle.read(0, 4, cb));
    expectContainedFailure(delivery, thrown);
    await expectNotWedged(setup);
  });

  it('should end a canceled open whose undo (the close) the engine refuses', async () => {
    const setup = await setUp({ cancelable: false });
    const { manager, handle, scripted, throwing } = setup;
    const op = handle.openExistingFile('/d/file', 'read', () => expect.fail('canceled: no callback'));
    throwing.throwFrom('close', new Error('close refused'));
    op.cancel();
    op.release();
    await settlesWithin(manager.whenIdle(), 2000, 'manager.whenIdle()');
    expect(throwing.thrown.get('close')).to.equal(1);
    // the engine kept the descriptor it would not close: there is nothing else the manager can do with it
    expect(scripted.openDescriptorCount).to.equal(1);
    await expectNotWedged(setup);
  });

  it('should undo a success it cannot apply (directIoAlignment throws), then fail the open', async () => {
    const thrown = new Error('no alignment');
    const setup = await setUp(
      {},
      {
        directIoAlignment: () => {
          throw thrown;
        },
        capabilities: { ...new ScriptedEngine().capabilities, directIo: true },
      },
    );
    const delivery = await enqueueAndWait((cb) =>
      setup.handle.openExistingFile('/d/file', 'read', { direct: true }, cb as FileCallback<void>),
    );
    expectContainedFailure(delivery, thrown);
    expect(setup.handle.isOpen).to.equal(false);
    expect(setup.scripted.openDescriptorCount, 'the opened descriptor was closed').to.equal(0);
    await expectNotWedged(setup);
  });

  it("should ignore a throw from the engine request's cancel(): the call still reports", async () => {
    const scripted = new ScriptedEngine({ completion: 'manual', cancelable: false });
    scripted.writeFile('/d/file', 'hello');
    const extra: Partial<FileEngine> = {
      openExisting: (path, mode, callback) => {
        scripted.openExisting(path, mode, callback);
        return {
          cancel: () => {
            throw new Error('cannot cancel');
          },
        };
      },
    };
    const throwing = throwingEngine(scripted, extra);
    const manager = new AsyncFileManager({ concurrency: 1, engine: throwing.engine });
    const handle = manager.newFileHandle();
    const op = handle.openExistingFile('/d/file', 'read', () => expect.fail('canceled: no callback'));
    expect(op.cancel()).to.equal(true);
    op.release();
    scripted.completeAll();
    await settlesWithin(manager.whenIdle(), 2000, 'manager.whenIdle()');
    expect(scripted.openDescriptorCount, 'the late open was undone').to.equal(0);
    await expectNotWedged({ scripted, throwing, manager, handle });
  });

  it("should let a callback's throw through a synchronous engine propagate, without a second callback", () => {
    const engine = new ScriptedEngine({ completion: 'sync' });
    engine.writeFile('/d/file', 'hello');
    const manager = new AsyncFileManager({ concurrency: 1, engine });
    const handle = manager.newFileHandle();
    let calls = 0;
    const thrown = new Error('from the callback');
    expect(() =>
      handle.openExistingFile('/d/file', 'read', () => {
        calls++;
        throw thrown;
      }),
    ).to.throw(thrown);
    expect(calls).to.equal(1);
    expect(manager.pendingCount).to.equal(0);
    handle.abort();
  });
});

/** Detaches the memory of `buffer` (as postMessage with a transfer list does): the view then has length 0. */
function detach(buffer: Uint8Array): void {
  structuredClone(buffer.buffer, { transfer: [buffer.buffer as ArrayBuffer] });
}

/** The actions that take a caller's buffer. */
const BUFFER_ACTIONS: readonly {
  readonly name: string;
  readonly start: (setup: Setup, buffer: Uint8Array, cb: FileCallback<unknown>) => AsyncOp<unknown>;
}[] = [
  { name: 'write', start: ({ handle }, buffer, cb) => handle.write(buffer, 0, cb) },
  { name: 'readInto', start: ({ handle }, buffer, cb) => handle.readInto(buffer, 0, cb) },
  { name: 'writeNewFile', start: ({ manager }, buffer, cb) => manager.writeNewFile('/d/new', buffer, cb) },
];

describe('AsyncFileManager buffers an engine cannot take (scripted engine)', () => {
  describe('detached after the action was enqueued, before the engine call', () => {
    for (const { name, start } of BUFFER_ACTIONS) {
      it(`should fail ${name}() once with ERR_FILE_BUFFER_DETACHED, without an engine call`, async () => {
        const setup = await setUp();
        await openFile(setup.handle);
        const blocker = setup.manager.newFileHandle();
        const blocked = enqueueAndWait((cb) => blocker.openExistingFile('/d/file', 'read', cb));
        const buffer = new Uint8Array(new ArrayBuffer(8));
        const pending = enqueueAndWait((cb) => start(setup, buffer, cb));
        detach(buffer);
        const callsBefore = setup.scripted.calls.length;
        const delivery = await pending;
        expect(delivery.calls, 'callbacks').to.have.length(1);
        expect(delivery.calls[0]?.error).to.be.instanceOf(FileActionError);
        expect(delivery.calls[0]?.error?.code).to.equal(FileActionErrorCode.BUFFER_DETACHED);
        expect(setup.scripted.calls.slice(callsBefore).map((call) => call.kind)).to.deep.equal([]);
        await blocked;
        blocker.abort();
        await blocker.whenIdle();
        await expectNotWedged(setup);
      });
    }

    it('should fail a write whose buffer is detached between two chunks, once', async () => {
      const scripted = new ScriptedEngine({ completion: 'async', maxWriteBytes: 2 });
      scripted.writeFile('/d/file', 'hello');
      // the engine's first report is the moment between two chunks: the buffer is detached right before it
      const throwing = throwingEngine(scripted, {
        write: (fd, buffer, offset, length, position, callback) =>
          scripted.write(fd, buffer, offset, length, position, (error, written) => {
            if (buffer.length > 0) detach(buffer);
            callback(error, written);
          }),
      });
      const manager = new AsyncFileManager({ concurrency: 1, engine: throwing.engine });
      const setup = { scripted, throwing, manager, handle: manager.newFileHandle() };
      await openFile(setup.handle);
      const buffer = new Uint8Array(new ArrayBuffer(4)).fill(120);
      const delivery = await enqueueAndWait((cb) => setup.handle.write(buffer, 0, cb));
      expect(delivery.calls.map((call) => call.error?.code)).to.deep.equal([FileActionErrorCode.BUFFER_DETACHED]);
      expect(scripted.calls.filter((call) => call.kind === 'write')).to.have.length(1);
      expect(scripted.readFile('/d/file')?.toString()).to.equal('xxllo');
      await expectNotWedged(setup);
    });
  });

  describe('refused by the action method, before anything is registered', () => {
    // one real 2 GiB buffer (never written: its pages are not touched), as a user would pass
    let huge: Buffer | undefined;
    before(() => {
      huge = Buffer.allocUnsafeSlow(2 ** 31);
    });
    after(() => {
      huge = undefined;
    });

    for (const { name, start } of BUFFER_ACTIONS) {
      it(`should refuse ${name}() of a buffer over 2^31 - 1 bytes with a RangeError`, async () => {
        const setup = await setUp();
        await openFile(setup.handle);
        expect(() => start(setup, huge as Buffer, () => expect.fail('refused: no callback'))).to.throw(
          RangeError,
          /at most 2147483647 bytes.*got a buffer of 2147483648 bytes/,
        );
        expect(setup.manager.pendingCount).to.equal(0);
        await expectNotWedged(setup);
      });

      it(`should refuse ${name}() of a detached buffer with a TypeError`, async () => {
        const setup = await setUp();
        await openFile(setup.handle);
        const buffer = new Uint8Array(16);
        detach(buffer);
        expect(() => start(setup, buffer, () => expect.fail('refused: no callback'))).to.throw(TypeError, /detached/);
        expect(setup.manager.pendingCount).to.equal(0);
        await expectNotWedged(setup);
      });
    }
  });
});
