import type { AsyncOp } from 'async-op';
import { AsyncFileManager, ScriptedEngine, type FileTraceEvent } from 'async-op-file';
import { FakeCancelFileModule } from '../ll-fake-cancel.js';
import { RealCancelFileModule } from '../ll-real-cancel.js';
import type { CancellableModule, FileJobRequest, FileJobValue, Result } from 'async-op-module-kit';
import { crossThreadCancel } from './cross-thread-diagram.js';
import { SequenceDiagram } from './sequence-diagram.js';

/**
 * The timing diagrams of the docs, each drawn from a real run of the code on the scripted engine (in-memory and
 * deterministic: the same run gives the same diagram, so docs/ cannot drift from the code unnoticed).
 */
export const DIAGRAMS: Record<string, () => Promise<string>> = {
  'chaining-chained': () => chaining(true),
  'chaining-unchained': () => chaining(false),
  'cancel-queued': () => cancelPhase('queued'),
  'cancel-executing': () => cancelPhase('executing'),
  'll-real-cancel': () => sampleCancel('real'),
  'll-fake-cancel': () => sampleCancel('fake'),
  'cross-thread-cancel-busy': () => crossThreadCancel('busy'),
  'cross-thread-cancel-idle': () => crossThreadCancel('idle'),
};

function managerWith(diagram: SequenceDiagram, engine: ScriptedEngine, concurrency: number): AsyncFileManager {
  return new AsyncFileManager({ concurrency, engine, trace: (event: FileTraceEvent) => diagram.fileEvent(event) });
}

/** Two files, one slot: open, write, close each, chained from the callbacks or enqueued later. */
/** Completes engine calls and lets promise reactions and timers run, until nothing is left to do. */
async function settle(engine: ScriptedEngine): Promise<void> {
  for (let turn = 0; turn < 100; turn++) {
    engine.completeAll();
    await new Promise((resolve) => setImmediate(resolve));
    if (engine.pendingCalls.length === 0) return;
  }
  throw new Error('diagram run did not settle');
}

async function chaining(isChained: boolean): Promise<string> {
  const diagram = new SequenceDiagram({ C: 'caller', M: 'manager (1 slot)', E: 'engine' });
  const engine = new ScriptedEngine({ completion: 'manual' });
  for (const name of ['a', 'b']) engine.writeFile(`/${name}`, '');
  const manager = managerWith(diagram, engine, 1);
  const deferred: (() => void)[] = [];
  const next = (step: () => void): void => {
    if (isChained) step();
    else deferred.push(step);
  };
  for (const name of ['a', 'b']) {
    const handle = manager.newFileHandle();
    handle
      .openExistingFile(`/${name}`, 'write', () =>
        next(() =>
          handle.write(Buffer.from(name), 0, () => next(() => handle.close(() => undefined).release())).release(),
        ),
      )
      .release();
  }
  // unchained: what callbacks deferred is enqueued once the engine has nothing left, like a later loop turn
  for (let turn = 0; turn < 10; turn++) {
    engine.completeAll();
    const steps = deferred.splice(0);
    if (steps.length === 0) break;
    for (const step of steps) step();
  }
  await settle(engine);
  return diagram.toMarkdown();
}

/** Cancel of a queued action (never starts) and of an executing open (finishes, then is undone). */
async function cancelPhase(phase: 'queued' | 'executing'): Promise<string> {
  const diagram = new SequenceDiagram({ C: 'caller', M: 'manager (1 slot)', E: 'engine (cannot stop calls)' });
  const engine = new ScriptedEngine({ completion: 'manual', cancelable: false });
  engine.writeFile('/a', '');
  engine.writeFile('/b', '');
  const manager = managerWith(diagram, engine, 1);
  const first = manager.newFileHandle();
  if (phase === 'queued') {
    first.openExistingFile('/a', 'read', () => first.close(() => undefined).release()).release();
  }
  const handle = manager.newFileHandle();
  const op = handle.openExistingFile('/b', 'read', () => diagram.note('C', 'never called'));
  diagram.arrow('C', 'M', 'cancel()');
  op.cancel();
  op.release();
  await settle(engine);
  return diagram.toMarkdown();
}

/** An LL module's write-file job canceled during its second chunk: real cancel vs fake cancel. */
async function sampleCancel(kind: 'real' | 'fake'): Promise<string> {
  const diagram = new SequenceDiagram({ U: 'user', L: `LL ${kind} cancel`, M: 'manager', E: 'engine' });
  const engine = new ScriptedEngine({ completion: 'manual', cancelable: false });
  engine.addDirectory('/d');
  const manager = new AsyncFileManager({ engine, trace: (event) => diagram.fileEvent(event, 'L') });
  const module: CancellableModule<FileJobRequest, FileJobValue> =
    kind === 'real' ? new RealCancelFileModule({ manager }) : new FakeCancelFileModule({ manager });
  module.open();
  diagram.arrow('U', 'L', 'start(write-file, 2 chunks)');
  const op: AsyncOp<unknown> = module.start(
    { kind: 'write-file', path: '/d/out', data: Buffer.from('0123456789abcdef'), chunkSize: 8 },
    (result: Result<FileJobValue>) => diagram.arrow('L', 'U', `callback: ${result.status}`, true),
  );
  // run until the second chunk's write is in flight, then cancel
  while (!engine.pendingCalls.some((call) => call.kind === 'write' && call.label.includes('@ 8'))) {
    if (engine.completeNext() === undefined) break;
  }
  diagram.arrow('U', 'L', 'cancel()');
  op.cancel();
  diagram.note('U', 'cancel() returned');
  op.release();
  await settle(engine);
  const closed = module.close();
  await settle(engine);
  await closed;
  diagram.note('U', 'module closed: every callback ran');
  return diagram.toMarkdown();
}
