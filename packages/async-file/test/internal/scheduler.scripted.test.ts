import { expect } from 'chai';
import { describe, it } from 'mocha';
import sinon from 'sinon';
import { AsyncFileManager, FileTraceRecorder, ScriptedEngine, type ScriptedEngineOptions } from '../../src/index.js';

function setUp(options: ScriptedEngineOptions, concurrency = 1) {
  const engine = new ScriptedEngine({ completion: 'manual', ...options });
  engine.addDirectory('/d');
  engine.writeFile('/d/file', 'hello');
  const recorder = new FileTraceRecorder();
  const manager = new AsyncFileManager({ concurrency, engine, trace: recorder.listener });
  return { engine, recorder, manager, handle: manager.newFileHandle() };
}

/** The trace of one action id, as event types. */
function lifecycle(recorder: FileTraceRecorder, actionId: number): string[] {
  return recorder.events.filter((event) => event.actionId === actionId).map((event) => event.type);
}

describe('AsyncFileManager cancel phases (scripted engine)', () => {
  for (const [name, options] of [
    ['an engine that can stop calls, answering at once', { cancelable: true, cancelDelivery: 'sync' }],
    ['an engine that can stop calls, answering later', { cancelable: true, cancelDelivery: 'deferred' }],
    ['an engine that cannot stop calls (like node-fs)', { cancelable: false }],
  ] as const) {
    describe(name, () => {
      it('should never start a queued action', async () => {
        const { engine, recorder, manager, handle } = setUp(options);
        const blocker = manager.newFileHandle();
        blocker.createAnonymousFile('/d', () => blocker.close(() => undefined).release()).release();
        const callback = sinon.spy();
        const op = handle.openExistingFile('/d/file', 'read', callback);
        op.cancel();
        op.release();
        engine.completeAll();
        await manager.whenIdle();
        sinon.assert.notCalled(callback);
        expect(lifecycle(recorder, 2)).to.deep.equal(['enqueued', 'canceled', 'settled']);
        expect(engine.calls.map((call) => call.kind)).to.deep.equal(['createAnonymous', 'close']);
      });

      it('should undo an open that was executing, or have the engine skip it', async () => {
        const { engine, recorder, manager, handle } = setUp(options);
        const callback = sinon.spy();
        const op = handle.openExistingFile('/d/file', 'read', callback);
        expect(engine.pendingCalls).to.have.length(1);
        op.cancel();
        op.release();
        engine.completeAll();
        await manager.whenIdle();
        sinon.assert.notCalled(callback);
        expect(engine.openDescriptorCount).to.equal(0);
        const skipped = options.cancelable;
        expect(lifecycle(recorder, 1)).to.deep.equal(
          skipped
            ? ['enqueued', 'started', 'canceled', 'finished', 'settled']
            : ['enqueued', 'started', 'canceled', 'finished', 'undone', 'settled'],
        );
        expect(engine.calls.map((call) => `${call.kind}:${call.state}`)).to.deep.equal(
          skipped ? ['openExisting:canceled'] : ['openExisting:completed', 'close:completed'],
        );
        expect(engine.violations).to.deep.equal([]);
      });

      it('should remove a hard link whose creation was executing', async () => {
        const { engine, manager, handle } = setUp(options);
        handle.createAnonymousFile('/d', () => undefined).release();
        engine.completeAll();
        const linked = sinon.spy();
        const op = handle.createHardLink('/d/named', linked);
        op.cancel();
        op.release();
        handle.close(() => undefined).release();
        engine.completeAll();
        await manager.whenIdle();
        sinon.assert.notCalled(linked);
        expect(engine.listDirectory('/d')).to.deep.equal(['file']);
        expect(engine.violations).to.deep.equal([]);
      });

      it('should stop a partial write between chunks', async () => {
        const { engine, manager, handle } = setUp({ ...options, maxWriteBytes: 2 });
        handle.openExistingFile('/d/file', 'write', () => undefined).release();
        engine.completeAll();
        const written = sinon.spy();
        const op = handle.write(Buffer.from('abcdefgh'), 0, written);
        engine.completeNext(); // first chunk: 2 bytes
        op.cancel();
        op.release();
        handle.close(() => undefined).release();
        engine.completeAll();
        await manager.whenIdle();
        sinon.assert.notCalled(written);
        // at most the chunk in flight when cancel came landed; never the rest
        expect(engine.readFile('/d/file')?.toString()).to.be.oneOf(['abllo', 'abcdo']);
        expect(engine.violations).to.deep.equal([]);
      });

      it("should settle a readInto canceled while executing only once the engine's read ended", async () => {
        const { engine, recorder, manager, handle } = setUp(options);
        handle.openExistingFile('/d/file', 'read', () => undefined).release();
        engine.completeAll();
        await Promise.resolve();
        const buffer = Buffer.alloc(5, '#');
        const callback = sinon.spy();
        const op = handle.readInto(buffer, 0, callback);
        expect(engine.pendingCalls).to.have.length(1);
        op.cancel();
        op.release();
        let settled = false;
        const settling = handle.whenSettled().then(() => (settled = true));
        await new Promise((resolve) => setImmediate(resolve));
        // an engine that stops calls may already have reported (cancelDelivery 'sync'); one that cannot still holds it
        const reported = recorder.events.some((event) => event.actionId === 2 && event.type === 'finished');
        expect(settled, 'settled only after the engine reported').to.equal(reported);
        if (!options.cancelable) expect(settled, 'node-fs-like: the read is still in flight').to.equal(false);
        engine.completeAll();
        await settling;
        const skipped = options.cancelable;
        expect(buffer.toString()).to.equal(skipped ? '#####' : 'hello');
        expect(lifecycle(recorder, 2)).to.deep.equal(['enqueued', 'started', 'canceled', 'finished', 'settled']);
        sinon.assert.notCalled(callback);
        handle.close(() => undefined).release();
        engine.completeAll();
        await manager.whenIdle();
        expect(engine.violations).to.deep.equal([]);
      });

      it('should do nothing when canceled inside its callback or after it', async () => {
        const { engine, manager, handle } = setUp(options);
        const results: boolean[] = [];
        const op = handle.openExistingFile('/d/file', 'read', () => results.push(op.cancel()));
        engine.completeAll();
        results.push(op.cancel());
        op.release();
        expect(results).to.deep.equal([false, false]);
        expect(handle.isOpen).to.equal(true);
        handle.close(() => undefined).release();
        engine.completeAll();
        await manager.whenIdle();
        expect(engine.openDescriptorCount).to.equal(0);
      });
    });
  }

  it('should cope with a callback that comes before the action method returns (synchronous engine)', async () => {
    const engine = new ScriptedEngine({ completion: 'sync' });
    engine.writeFile('/file', 'x');
    const manager = new AsyncFileManager({ engine });
    const handle = manager.newFileHandle();
    const order: string[] = [];
    const op = handle.openExistingFile('/file', 'read', () => order.push('callback'));
    order.push('returned');
    op.release();
    handle.close(() => order.push('closed')).release();
    await manager.whenIdle();
    // a synchronous engine calls back before the action method returns: the contract allows it
    expect(order).to.deep.equal(['callback', 'returned', 'closed']);
  });
});
