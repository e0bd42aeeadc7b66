import { expect } from 'chai';
import { describe, it } from 'mocha';
import {
  AsyncFileManager,
  FileTraceRecorder,
  ScriptedEngine,
  type FileTraceEvent,
  type FileTraceEventType,
} from '../src/index.js';
import { DEFAULT_ENGINE } from './support/default-engine.js';
import { EXPECTED_CALLS, runScenario } from './support/lifecycle-scenario.js';
import { settlesWithin, step } from './support/step.js';
import { useTempDir } from './support/temp-dir.js';
import { withUncaughtCaptured } from './support/uncaught.js';

const TYPES: readonly FileTraceEventType[] = [
  'enqueued',
  'started',
  'finished',
  'callback',
  'canceled',
  'undone',
  'settled',
];

/** A trace listener that records every event and throws `thrown` at each event of `type`. */
function throwingAt(
  type: FileTraceEventType,
  recorder: FileTraceRecorder,
  thrown: Error,
): (event: FileTraceEvent) => void {
  return (event) => {
    recorder.listener(event);
    if (event.type === type) throw thrown;
  };
}

describe(`AsyncFileManager trace listener (${DEFAULT_ENGINE}, real files)`, () => {
  const tmp = useTempDir();

  it('should give each event the fields of the channels, with its type and time', async () => {
    const recorder = new FileTraceRecorder();
    const manager = new AsyncFileManager({ concurrency: 1, trace: recorder.listener });
    const before = performance.now();
    await runScenario(manager, tmp.path);
    const read = recorder.events.filter((event) => event.actionId === 2);
    expect(read.map((event) => [event.type, event.slot, event.requestedBytes, event.transferredBytes])).to.deep.equal([
      ['enqueued', -1, 5, undefined],
      ['started', 0, 5, undefined],
      ['finished', 0, 5, 5],
      ['callback', 0, 5, 5],
    ]);
    for (const event of recorder.events) {
      expect(event).to.include({ managerId: manager.id, engine: manager.engineName });
      expect(event.time).to.be.within(before, performance.now());
    }
    const failed = recorder.events.filter((event) => event.actionId === 7 && event.error !== undefined);
    expect(failed.map((event) => [event.type, event.error])).to.deep.equal([
      ['finished', 'ENOENT'],
      ['callback', 'ENOENT'],
    ]);
  });

  describe('that throws', () => {
    for (const type of TYPES) {
      it(`should not wedge the manager at ${type}: every callback once, none after cancel, idle, reported on a later tick`, async () => {
        const recorder = new FileTraceRecorder();
        const thrown = new Error(`thrown by the trace listener at ${type}`);
        const manager = new AsyncFileManager({ concurrency: 1, trace: throwingAt(type, recorder, thrown) });
        const { result, uncaught } = await withUncaughtCaptured(() => runScenario(manager, tmp.path));
        expect(result).to.deep.equal(EXPECTED_CALLS);
        const traced = recorder.events.filter((event) => event.type === type).length;
        // the scenario has every type (io_uring: no undo, its canceled open never ran)
        if (!(type === 'undone' && DEFAULT_ENGINE === 'io_uring')) expect(traced).to.be.above(0);
        expect(uncaught).to.deep.equal(Array.from({ length: traced }, () => thrown));
      });
    }
  });
});

describe('AsyncFileManager trace listener that throws (scripted engine)', () => {
  it('should not wedge an undo: the canceled open is closed, the next action runs', async () => {
    // an engine that cannot stop calls (like node-fs): the canceled open runs, then is undone
    const engine = new ScriptedEngine({ completion: 'async', cancelable: false });
    engine.writeFile('/file', 'hello');
    const recorder = new FileTraceRecorder();
    const thrown = new Error('thrown at undone');
    const manager = new AsyncFileManager({ concurrency: 1, engine, trace: throwingAt('undone', recorder, thrown) });
    const handle = manager.newFileHandle();
    const { uncaught } = await withUncaughtCaptured(async () => {
      const op = handle.openExistingFile('/file', 'read', () => expect.fail('a canceled open called back'));
      op.cancel();
      op.release();
      await step<void>((callback) => handle.openExistingFile('/file', 'read', callback));
      await step<void>((callback) => handle.close(callback));
      await settlesWithin(manager.whenIdle(), 2000, 'whenIdle()');
    });
    expect(recorder.events.filter((event) => event.actionId === 1).map((event) => event.type)).to.deep.equal([
      'enqueued',
      'started',
      'canceled',
      'finished',
      'undone',
      'settled',
    ]);
    expect(uncaught).to.deep.equal([thrown]);
    expect(engine.openDescriptorCount).to.equal(0);
  });
});
