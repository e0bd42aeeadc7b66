import { ManualClock } from 'async-op';
import { AsyncFileManager, ScriptedEngine } from 'async-op-file';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { createFileJob } from '../../src/file-jobs/create-file-job.js';
import type { FileJobValue } from '../../src/file-jobs/file-job-request.js';
import { LowLevelTestSettings } from '../../src/file-jobs/low-level-test-settings.js';
import type { Result } from '../../src/module-types.js';
import { expectRefusal } from '../support/hostile.js';

describe('createFileJob()', () => {
  let engine: ScriptedEngine;
  let manager: AsyncFileManager;
  let settings: LowLevelTestSettings;
  let clock: ManualClock;
  let ends: Result<FileJobValue>[];

  beforeEach(() => {
    engine = new ScriptedEngine({ completion: 'async' });
    engine.addDirectory('/d');
    manager = new AsyncFileManager({ engine });
    clock = new ManualClock();
    settings = new LowLevelTestSettings({ clock });
    ends = [];
  });

  afterEach(async () => {
    await manager.close();
    expect(engine.openDescriptorCount).to.equal(0);
  });

  const unlink = { kind: 'unlink', path: '/d/missing' } as const;

  it('should run the real job when no outcome is queued', async () => {
    createFileJob({ manager, testSettings: settings }, unlink, (end) => ends.push(end)).start();
    await manager.whenIdle();
    expect(ends.map((end) => end.status)).to.deep.equal(['error']);
    expect(engine.calls.map((call) => call.kind)).to.deep.equal(['unlink']);
  });

  it('should report a synchronous outcome inside start(), consuming one outcome per job', () => {
    settings.completeNextSynchronously({ status: 'ok', value: { bytes: 5 } });
    createFileJob({ manager, testSettings: settings }, unlink, (end) => ends.push(end)).start();
    expect(ends).to.deep.equal([{ status: 'ok', value: { bytes: 5 } }]);
    expect(settings.queuedCount).to.equal(0);
    expect(engine.calls).to.have.length(0);
  });

  it('should end a hung or delayed outcome canceled at once on abort, and never start its real job', async () => {
    settings.hangNext().delayNext(1_000);
    const hung = createFileJob({ manager, testSettings: settings }, unlink, (end) => ends.push(end));
    const delayed = createFileJob({ manager, testSettings: settings }, unlink, (end) => ends.push(end));
    hung.start();
    delayed.start();
    hung.abort('a');
    delayed.abort('b');
    expect(ends).to.deep.equal([
      { status: 'canceled', error: 'a' },
      { status: 'canceled', error: 'b' },
    ]);
    // the abort cleared the delay's timer: however far the clock goes, no real job starts
    expect(clock.pendingTimers).to.equal(0);
    clock.advance(10_000);
    await manager.whenIdle();
    expect(engine.calls).to.have.length(0);
  });

  it("should run the real job after a delay outcome, on the settings' clock", async () => {
    settings.delayNext(60_000);
    createFileJob({ manager, testSettings: settings }, unlink, (end) => ends.push(end)).start();
    clock.advance(59_999);
    await manager.whenIdle();
    expect(engine.calls).to.have.length(0);
    clock.advance(1);
    await manager.whenIdle();
    expect(engine.calls.map((call) => call.kind)).to.deep.equal(['unlink']);
    expect(ends).to.have.length(1);
  });

  it('should report a delayed result when the clock reaches it, not before', () => {
    settings.push({ result: { status: 'ok', value: { bytes: 1 } }, delayMs: 500 });
    settings.completionDelayMs = 0;
    createFileJob({ manager, testSettings: settings }, unlink, (end) => ends.push(end)).start();
    // even a delay of 0 comes from the clock's timer, never inside start()
    settings.push({ result: { status: 'error', error: 'e' } });
    createFileJob({ manager, testSettings: settings }, unlink, (end) => ends.push(end)).start();
    expect(ends).to.deep.equal([]);
    clock.advance(0);
    expect(ends.map((end) => end.status)).to.deep.equal(['error']);
    clock.advance(499);
    expect(ends).to.have.length(1);
    clock.advance(1);
    expect(ends.map((end) => end.status)).to.deep.equal(['error', 'ok']);
  });

  it('should refuse bad options, request or onEnd naming the value, consuming no outcome', () => {
    settings.hangNext();
    expectRefusal(() => createFileJob(null as never, unlink, () => undefined), 'options', null);
    expectRefusal(() => createFileJob({ manager: 1 as never }, unlink, () => undefined), 'options.manager', 1);
    expectRefusal(() => createFileJob({ manager }, { kind: 'nope' } as never, () => undefined), 'request.kind', 'nope');
    expectRefusal(() => createFileJob({ manager, testSettings: settings }, unlink, 7 as never), 'callback', 7);
    expect(settings.queuedCount).to.equal(1);
  });
});
