import { expect } from 'chai';
import { describe, it } from 'mocha';
import diagnosticsChannel from 'node:diagnostics_channel';
import fs from 'node:fs';
import { AsyncFileChannels, AsyncFileManager, ScriptedEngine, type FileActionEvent } from '../src/index.js';
import { ChannelRecorder, type ChannelKey, type RecordedEvent } from './support/channel-recorder.js';
import { DEFAULT_ENGINE } from './support/default-engine.js';
import { EXPECTED_CALLS, SCENARIO, idOf, runScenario, type ScenarioAction } from './support/lifecycle-scenario.js';
import { step } from './support/step.js';
import { useTempDir } from './support/temp-dir.js';
import { withUncaughtCaptured } from './support/uncaught.js';

/** The expected events of the scenario's actions, built from their defaults. */
class Expected {
  readonly events: RecordedEvent[] = [];

  constructor(private readonly manager: AsyncFileManager) {}

  /** Appends an event of `action` (its kind, handle and requested bytes as the scenario enqueues it). */
  add(channel: ChannelKey, action: ScenarioAction, fields: Partial<FileActionEvent> = {}): this {
    const kinds: Record<ScenarioAction, [string, number, number | undefined]> = {
      open: ['openExistingFile', 1, undefined],
      read: ['read', 1, 5],
      canceledRead: ['read', 1, 5],
      canceledOpen: ['openExistingFile', 2, undefined],
      blockerRead: ['read', 1, 5],
      queuedOpen: ['openExistingFile', 2, undefined],
      failedOpen: ['openExistingFile', 3, undefined],
      close: ['close', 1, undefined],
    };
    const [kind, handleId, requestedBytes] = kinds[action];
    this.events.push({
      channel,
      managerId: this.manager.id,
      actionId: idOf(action),
      action: kind,
      handleId,
      engine: this.manager.engineName,
      slot: channel === 'queued' ? -1 : 0,
      requestedBytes,
      transferredBytes: undefined,
      error: undefined,
      outcome: undefined,
      ...fields,
    });
    return this;
  }
}

describe(`AsyncFileManager lifecycle channels (${DEFAULT_ENGINE}, real files)`, () => {
  const tmp = useTempDir();

  it('should publish exactly these events for a read, a canceled read, an undone open, a canceled queued open, a failed open', async () => {
    const manager = new AsyncFileManager({ concurrency: 1 });
    using recorder = new ChannelRecorder(manager.id);
    expect(await runScenario(manager, tmp.path)).to.deep.equal(EXPECTED_CALLS);
    // io_uring turns a request canceled before its submission (the same tick) into a NOP: the engine never ran it. The
    // fast path did the canceled read at once, when it started (its outcome waits for a later turn), on any engine.
    const stopsBeforeSubmission = DEFAULT_ENGINE === 'io_uring';
    const readRuns = !stopsBeforeSubmission || manager.syncThresholdBytes > 0;
    const notRun = { outcome: 'not-run', error: 'ECANCELED' } as const;
    const expected = new Expected(manager)
      .add('queued', 'open')
      .add('started', 'open')
      .add('completed', 'open')
      .add('queued', 'read')
      .add('started', 'read')
      .add('completed', 'read', { transferredBytes: 5 })
      .add('queued', 'canceledRead')
      .add('started', 'canceledRead')
      .add('canceled', 'canceledRead')
      .add('settled', 'canceledRead', readRuns ? { outcome: 'succeeded', transferredBytes: 5 } : notRun)
      .add('queued', 'canceledOpen')
      .add('started', 'canceledOpen')
      .add('canceled', 'canceledOpen');
    if (stopsBeforeSubmission) expected.add('settled', 'canceledOpen', notRun);
    else expected.add('undone', 'canceledOpen').add('settled', 'canceledOpen', { outcome: 'undone' });
    expected
      .add('queued', 'blockerRead')
      .add('started', 'blockerRead')
      .add('queued', 'queuedOpen')
      .add('canceled', 'queuedOpen', { slot: -1 })
      .add('settled', 'queuedOpen', { slot: -1, outcome: 'not-run' })
      .add('completed', 'blockerRead', { transferredBytes: 5 })
      .add('queued', 'failedOpen')
      .add('started', 'failedOpen')
      .add('completed', 'failedOpen', { error: 'ENOENT' })
      .add('queued', 'close')
      .add('started', 'close')
      .add('completed', 'close');
    expect(recorder.events).to.deep.equal(expected.events);
  });

  it('should end every action with one completed or, canceled, one canceled then one settled, never completed', async () => {
    const manager = new AsyncFileManager({ concurrency: 1 });
    using recorder = new ChannelRecorder(manager.id);
    await runScenario(manager, tmp.path);
    for (const action of SCENARIO) {
      const channels = recorder.channelsOf(idOf(action));
      const isCanceled = ['canceledRead', 'canceledOpen', 'queuedOpen'].includes(action);
      expect(channels[0], action).to.equal('queued');
      expect(channels.at(-1), action).to.equal(isCanceled ? 'settled' : 'completed');
      expect(channels.filter((channel) => channel === 'completed').length, action).to.equal(isCanceled ? 0 : 1);
      expect(channels.filter((channel) => channel === 'settled').length, action).to.equal(isCanceled ? 1 : 0);
      expect(channels.includes('canceled'), action).to.equal(isCanceled);
    }
  });

  it('should publish nothing, nor build a message, once the subscriber unsubscribed', async () => {
    const manager = new AsyncFileManager({ concurrency: 1 });
    const received: unknown[] = [];
    const handler = (message: unknown): void => void received.push(message);
    for (const name of Object.values(AsyncFileChannels)) diagnosticsChannel.subscribe(name, handler);
    for (const name of Object.values(AsyncFileChannels)) diagnosticsChannel.unsubscribe(name, handler);
    for (const name of Object.values(AsyncFileChannels)) {
      expect(diagnosticsChannel.hasSubscribers(name), name).to.equal(false);
    }
    // with nobody subscribed, the manager must not even build a message: publish() is never called
    const channels = Object.values(AsyncFileChannels).map((name) => diagnosticsChannel.channel(name));
    let publishCalls = 0;
    for (const channel of channels) {
      Object.defineProperty(channel, 'publish', { value: () => publishCalls++, configurable: true });
    }
    try {
      expect(await runScenario(manager, tmp.path)).to.deep.equal(EXPECTED_CALLS);
    } finally {
      for (const channel of channels) delete (channel as { publish?: unknown }).publish;
    }
    expect(received).to.deep.equal([]);
    expect(publishCalls).to.equal(0);
  });

  it("should publish completed for an abort's close, which has no callback", async () => {
    const manager = new AsyncFileManager({ concurrency: 1 });
    using recorder = new ChannelRecorder(manager.id);
    const file = tmp.join('file.txt');
    fs.writeFileSync(file, 'abc');
    const handle = manager.newFileHandle();
    await step<void>((callback) => handle.openExistingFile(file, 'read', callback));
    handle.abort();
    await manager.whenIdle();
    expect(recorder.channelsOf(2)).to.deep.equal(['queued', 'started', 'completed']);
    expect(recorder.events.at(-1)).to.include({ action: 'close', error: undefined });
  });

  it('should report the bytes a write and a writeNewFile asked for and wrote', async () => {
    const manager = new AsyncFileManager({ concurrency: 1 });
    using recorder = new ChannelRecorder(manager.id);
    const target = tmp.join('new.txt');
    await step<number>((callback) => manager.writeNewFile(target, Buffer.from('abcdef'), callback));
    const handle = manager.newFileHandle();
    await step<void>((callback) => handle.openExistingFile(target, 'read-write', callback));
    await step<number>((callback) => handle.write(Buffer.from('xyz'), 2, callback));
    await step<void>((callback) => handle.close(callback));
    const bytes = recorder.events
      .filter((event) => event.requestedBytes !== undefined)
      .map(({ channel, action, requestedBytes, transferredBytes }) => [
        channel,
        action,
        requestedBytes,
        transferredBytes,
      ]);
    expect(bytes).to.deep.equal([
      ['queued', 'writeNewFile', 6, undefined],
      ['started', 'writeNewFile', 6, undefined],
      ['completed', 'writeNewFile', 6, 6],
      ['queued', 'write', 3, undefined],
      ['started', 'write', 3, undefined],
      ['completed', 'write', 3, 3],
    ]);
  });

  it('should name each manager with its own id', async () => {
    const first = new AsyncFileManager();
    const second = new AsyncFileManager();
    expect(first.id).to.be.a('number');
    expect(second.id).to.not.equal(first.id);
    using recorder = new ChannelRecorder(second.id);
    await step((callback) => first.stat(tmp.path, callback));
    await step((callback) => second.stat(tmp.path, callback));
    expect(recorder.events.map((event) => [event.managerId, event.action])).to.deep.equal([
      [second.id, 'statPath'],
      [second.id, 'statPath'],
      [second.id, 'statPath'],
    ]);
  });

  describe('a subscriber that throws', () => {
    for (const key of Object.keys(AsyncFileChannels) as ChannelKey[]) {
      it(`should not reach the manager from ${key}: every callback once, none after cancel, idle, reported on a later tick`, async () => {
        const manager = new AsyncFileManager({ concurrency: 1 });
        using recorder = new ChannelRecorder(manager.id);
        const thrown = new Error(`thrown by a ${key} subscriber`);
        const thrower = (): never => {
          throw thrown;
        };
        diagnosticsChannel.subscribe(AsyncFileChannels[key], thrower);
        try {
          const { result, uncaught } = await withUncaughtCaptured(() => runScenario(manager, tmp.path));
          expect(result).to.deep.equal(EXPECTED_CALLS);
          const published = recorder.events.filter((event) => event.channel === key).length;
          // the scenario has every channel (io_uring: no undo, its canceled open never ran)
          if (!(key === 'undone' && DEFAULT_ENGINE === 'io_uring')) expect(published).to.be.above(0);
          expect(uncaught).to.deep.equal(Array.from({ length: published }, () => thrown));
        } finally {
          diagnosticsChannel.unsubscribe(AsyncFileChannels[key], thrower);
        }
      });
    }
  });
});

describe('AsyncFileManager lifecycle channels (scripted engine)', () => {
  it('should report, for a write canceled between its chunks, the bytes its chunks wrote (they stay)', async () => {
    // writes of at most 2 bytes each, completed one by one, by an engine that cannot stop a call (like node-fs)
    const engine = new ScriptedEngine({ completion: 'manual', cancelable: false, maxWriteBytes: 2 });
    engine.writeFile('/file', '');
    const manager = new AsyncFileManager({ concurrency: 1, engine });
    using recorder = new ChannelRecorder(manager.id);
    const handle = manager.newFileHandle();
    const opened = step<void>((callback) => handle.openExistingFile('/file', 'write', callback));
    engine.completeAll();
    await opened;
    const op = handle.write(Buffer.from('abcdef'), 0, () => expect.fail('a canceled write called back'));
    engine.completeNext(); // 'ab' written: the next chunk is issued
    op.cancel(); // while 'cd' is in flight
    op.release();
    engine.completeAll(); // 'cd' written; no further chunk after cancel
    await handle.whenSettled();
    expect(engine.readFile('/file')?.toString()).to.equal('abcd');
    const write = recorder.events.filter((event) => event.actionId === 2);
    expect(
      write.map(({ channel, requestedBytes, transferredBytes, outcome }) => [
        channel,
        requestedBytes,
        transferredBytes,
        outcome,
      ]),
    ).to.deep.equal([
      ['queued', 6, undefined, undefined],
      ['started', 6, undefined, undefined],
      ['canceled', 6, undefined, undefined],
      ['settled', 6, 4, 'succeeded'],
    ]);
    const closed = step<void>((callback) => handle.close(callback));
    engine.completeAll();
    await closed;
  });
});
