import { getEventListeners } from 'node:events';
import fs from 'node:fs';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { AsyncFileManager, FileTraceRecorder, PromiseFileManager, type PromiseFileHandle } from '../../src/index.js';
import { rejectionOf, settlesWithin } from '../support/step.js';
import { startedAfterCancel } from '../support/started-after-cancel.js';
import { useTempDir } from '../support/temp-dir.js';

/** How long a promise may take to settle before a test calls it hung (real fs calls take well under 100 ms). */
const SETTLE_MS = 5000;
/** As many actions as a busy server keeps pending on one request's signal: far past Node's 10-listener warning. */
const MANY = 1000;

/** What a settled promise gave: its value, or its rejection. */
type Settled<T> =
  { readonly isResolved: true; readonly value: T } | { readonly isResolved: false; readonly error: unknown };

function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ isResolved: true, value }),
    (error: unknown) => ({ isResolved: false, error }),
  );
}

describe('the Promise facade with one signal for many actions', () => {
  const tmp = useTempDir();
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning);
  };
  let manager: AsyncFileManager;
  let files: PromiseFileManager;
  let handles: PromiseFileHandle[];

  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
    handles = [];
  });

  afterEach(async () => {
    process.off('warning', onWarning);
    await Promise.all(handles.map((handle) => handle[Symbol.asyncDispose]()));
    await manager.whenIdle();
  });

  async function openMany(filePath: string): Promise<PromiseFileHandle[]> {
    handles = Array.from({ length: MANY }, () => files.newFileHandle());
    await Promise.all(handles.map((handle) => handle.openExistingFile(filePath, 'read')));
    return handles;
  }

  it(`should give the signal one 'abort' listener for ${MANY} pending actions, and none once they settled`, async () => {
    manager = new AsyncFileManager();
    files = new PromiseFileManager(manager);
    const filePath = tmp.join('a.txt');
    fs.writeFileSync(filePath, 'hello, signal');
    await openMany(filePath);
    const controller = new AbortController();
    const { signal } = controller;
    const reads = handles.map((handle) => handle.read(0, 5, { signal }));
    const stats = Array.from({ length: MANY }, () => files.stat(filePath, { signal }));
    expect(manager.pendingCount).to.equal(2 * MANY);
    expect(getEventListeners(signal, 'abort')).to.have.length(1);
    for (const bytes of await settlesWithin(Promise.all(reads), SETTLE_MS, 'the reads')) {
      expect(bytes.toString()).to.equal('hello');
    }
    for (const stat of await settlesWithin(Promise.all(stats), SETTLE_MS, 'the stats')) expect(stat.size).to.equal(13);
    expect(getEventListeners(signal, 'abort')).to.have.length(0);
    // Node emits the MaxListenersExceededWarning on a later tick
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((warning) => warning.name)).to.deep.equal([]);
  });

  it(`should reject all ${MANY} queued actions with signal.reason, at the abort, and start none of them`, async () => {
    const recorder = new FileTraceRecorder();
    manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
    files = new PromiseFileManager(manager);
    const filePath = tmp.join('a.txt');
    fs.writeFileSync(filePath, 'hello, signal');
    await openMany(filePath);
    const busy = files.newFileHandle();
    handles.push(busy);
    await busy.createAnonymousFile(tmp.path);
    const long = busy.write(Buffer.alloc(4 * 1024 * 1024), 0); // holds the only slot
    const controller = new AbortController();
    const { signal } = controller;
    const outcomes = handles.slice(0, MANY).map((handle) => settled(handle.read(0, 5, { signal })));
    expect(manager.queuedCount).to.equal(MANY);
    const reason = new Error('the request went away');
    controller.abort(reason);
    expect(manager.queuedCount).to.equal(0);
    expect(getEventListeners(signal, 'abort')).to.have.length(0);
    for (const outcome of await settlesWithin(Promise.all(outcomes), SETTLE_MS, 'the aborted reads')) {
      expect(outcome).to.deep.equal({ isResolved: false, error: reason });
    }
    expect(await long).to.equal(4 * 1024 * 1024);
    expect(startedAfterCancel(recorder.events)).to.deep.equal([]);
    expect(recorder.events.filter((event) => event.type === 'canceled')).to.have.length(MANY);
    expect(recorder.events.filter((event) => event.type === 'callback' && event.action === 'read')).to.deep.equal([]);
    // a later action on the aborted signal rejects at once and enqueues nothing
    const before = recorder.events.length;
    expect(await rejectionOf((handles[0] as PromiseFileHandle).stat({ signal }))).to.equal(reason);
    expect(recorder.events.slice(before)).to.deep.equal([]);
  });
});

describe('the Promise facade when the handle is aborted', () => {
  const tmp = useTempDir();
  let manager: AsyncFileManager;

  afterEach(async () => {
    await manager.whenIdle();
  });

  // Regression: the action's callback never runs once abort() canceled it, so the promise never settled and the
  // caller's reference to the action was never released.
  it("should reject a pending action with the cancel's CanceledError, and release its reference", async () => {
    manager = new AsyncFileManager({ concurrency: 1 });
    const files = new PromiseFileManager(manager);
    const busy = files.newFileHandle();
    const file = files.newFileHandle();
    try {
      await busy.createAnonymousFile(tmp.path);
      await file.createAnonymousFile(tmp.path);
      const long = busy.write(Buffer.alloc(4 * 1024 * 1024), 0);
      const read = file.read(0, 5);
      expect(manager.queuedCount).to.equal(1);
      file.abort();
      const error = await rejectionOf(settlesWithin(read, SETTLE_MS, 'the read of an aborted handle'));
      expect(error).to.have.property('code', 'ERR_CANCELED');
      expect(await long).to.equal(4 * 1024 * 1024);
    } finally {
      await busy[Symbol.asyncDispose]();
      await file[Symbol.asyncDispose]();
    }
  });

  // a reason that is null is still a cancel: the promise must not resolve with it as if it were a success
  it('should reject with a null signal.reason unchanged', async () => {
    manager = new AsyncFileManager({ concurrency: 1 });
    const files = new PromiseFileManager(manager);
    const first = files.stat(tmp.path);
    const controller = new AbortController();
    const queued = files.stat(tmp.path, { signal: controller.signal });
    controller.abort(null);
    expect(await settled(queued)).to.deep.equal({ isResolved: false, error: null });
    expect((await first).isDirectory()).to.equal(true);
  });

  it('should reject with signal.reason when the signal aborted first, then the handle', async () => {
    manager = new AsyncFileManager();
    const file = new PromiseFileManager(manager).newFileHandle();
    try {
      const controller = new AbortController();
      const opening = file.createAnonymousFile(tmp.path, { signal: controller.signal });
      const reason = new Error('first');
      controller.abort(reason);
      file.abort();
      expect(await rejectionOf(settlesWithin(opening, SETTLE_MS, 'the open'))).to.equal(reason);
    } finally {
      await file[Symbol.asyncDispose]();
    }
  });
});

describe('the Promise facade with bad options', () => {
  const tmp = useTempDir();
  const manager = new AsyncFileManager();
  const files = new PromiseFileManager(manager);

  afterEach(async () => {
    expect(manager.pendingCount).to.equal(0);
    await manager.whenIdle();
  });

  for (const [options, received] of [
    [null, '`null`'],
    [1, '`1` (number)'],
    ['signal', '`"signal"` (string)'],
    [{ signal: 'aborted' }, '`"aborted"` (string)'],
    [{ signal: { aborted: true } }, 'an object'],
    [{ signal: null }, '`null`'],
  ] as const) {
    it(`should reject, not throw, with a TypeError naming ${received}, and enqueue nothing`, async () => {
      let promise: Promise<unknown> | undefined;
      expect(() => (promise = files.stat(tmp.path, options as never))).to.not.throw();
      const error = await rejectionOf(promise as Promise<unknown>);
      expect(error).to.be.instanceOf(TypeError);
      expect((error as Error).message).to.contain(received);
    });
  }

  it('should reject with the error of a `signal` getter that throws', async () => {
    const thrown = new Error('hostile getter');
    const options = Object.defineProperty({}, 'signal', {
      get(): never {
        throw thrown;
      },
    });
    expect(await rejectionOf(files.unlink(tmp.join('x'), options))).to.equal(thrown);
  });

  it('should reject with the reason of an aborted signal before it looks at the other arguments', async () => {
    const reason = new Error('aborted first');
    const signal = AbortSignal.abort(reason);
    expect(await rejectionOf(files.stat(42 as never, { signal }))).to.equal(reason);
    expect(await rejectionOf(files.newFileHandle().read(-1, Number.NaN, { signal }))).to.equal(reason);
  });
});
