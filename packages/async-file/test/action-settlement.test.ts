import fs from 'node:fs';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import sinon from 'sinon';
import {
  AsyncFileManager,
  ScriptedEngine,
  type ActionSettlement,
  type FileStats,
  type ScriptedEngineOptions,
} from '../src/index.js';
import { DEFAULT_ENGINE } from './support/default-engine.js';
import { expectArgumentError } from './support/argument-error.js';
import { settlesWithin } from './support/step.js';
import { useTempDir } from './support/temp-dir.js';

/** A settlement listener that records what it got, and whether it ran inside a given call. */
function listener(): {
  readonly settlements: ActionSettlement[];
  readonly onSettledAfterCancel: (settlement: ActionSettlement) => void;
  inside<T>(call: () => T): T;
  readonly ranInside: boolean;
  next(): Promise<ActionSettlement>;
} {
  const settlements: ActionSettlement[] = [];
  let isInside = false;
  let ranInside = false;
  let wake: (() => void) | undefined;
  return {
    settlements,
    onSettledAfterCancel: (settlement) => {
      if (isInside) ranInside = true;
      settlements.push(settlement);
      wake?.();
    },
    inside<T>(call: () => T): T {
      isInside = true;
      try {
        return call();
      } finally {
        isInside = false;
      }
    },
    get ranInside() {
      return ranInside;
    },
    next() {
      if (settlements.length > 0) return Promise.resolve(settlements[0] as ActionSettlement);
      return settlesWithin(
        new Promise<ActionSettlement>((resolve) => (wake = () => resolve(settlements[0] as ActionSettlement))),
        5000,
        'the settlement',
      );
    },
  };
}

function scripted(options: ScriptedEngineOptions): { engine: ScriptedEngine; manager: AsyncFileManager } {
  const engine = new ScriptedEngine({ completion: 'manual', ...options });
  engine.writeFile('/d/a', 'A');
  return { engine, manager: new AsyncFileManager({ concurrency: 1, engine }) };
}

describe('AsyncFileManager onSettledAfterCancel (scripted engine)', () => {
  it('should report not-run for an action canceled while queued, on a microtask after cancel()', async () => {
    const { engine, manager } = scripted({});
    const busy = manager.stat('/d', () => undefined); // holds the only slot
    const settled = listener();
    const callback = sinon.spy();
    const op = manager.rename('/d/a', '/d/b', settled, callback);
    expect(manager.queuedCount).to.equal(1);
    settled.inside(() => op.cancel());
    op.release();
    expect(settled.ranInside, 'ran inside cancel()').to.equal(false);
    expect(await settled.next()).to.deep.equal({ outcome: 'not-run', error: null, result: undefined });
    engine.completeAll();
    busy.release();
    await manager.whenIdle();
    sinon.assert.notCalled(callback);
    expect(engine.listDirectory('/d')).to.deep.equal(['a']);
    expect(settled.settlements).to.have.length(1);
  });

  it('should report succeeded when the engine could not stop the executing rename (it took effect)', async () => {
    const { engine, manager } = scripted({ cancelable: false });
    const settled = listener();
    const op = manager.rename('/d/a', '/d/b', settled, () => expect.fail('canceled: no callback'));
    op.cancel();
    op.release();
    await Promise.resolve();
    expect(settled.settlements, 'nothing before the engine reported').to.deep.equal([]);
    engine.completeAll();
    expect(await settled.next()).to.deep.equal({ outcome: 'succeeded', error: null, result: undefined });
    expect(engine.listDirectory('/d')).to.deep.equal(['b']);
    await manager.whenIdle();
  });

  it('should report not-run when the engine stopped the call (ECANCELED inside cancel(), told later)', async () => {
    const { engine, manager } = scripted({ cancelable: true, cancelDelivery: 'sync' });
    const settled = listener();
    const op = manager.unlink('/d/a', settled, () => expect.fail('canceled: no callback'));
    settled.inside(() => op.cancel());
    op.release();
    expect(settled.ranInside, 'ran inside cancel()').to.equal(false);
    const settlement = await settled.next();
    expect(settlement.outcome).to.equal('not-run');
    expect(settlement.error?.code).to.equal('ECANCELED');
    expect(engine.listDirectory('/d')).to.deep.equal(['a']);
    await manager.whenIdle();
  });

  it('should report failed, with the error, when the canceled call failed', async () => {
    const { engine, manager } = scripted({ cancelable: false });
    const settled = listener();
    const op = manager.rename('/d/missing', '/d/b', settled, () => expect.fail('canceled: no callback'));
    op.cancel();
    op.release();
    engine.completeAll();
    const settlement = await settled.next();
    expect([settlement.outcome, settlement.error?.code]).to.deep.equal(['failed', 'ENOENT']);
    await manager.whenIdle();
  });

  it('should report undone once a canceled writeNewFile that created its file removed it again', async () => {
    const { engine, manager } = scripted({ cancelable: false });
    const settled = listener();
    const op = manager.writeNewFile('/d/new', Buffer.from('x'), settled, () => expect.fail('canceled: no callback'));
    op.cancel();
    op.release();
    engine.completeNext(); // the file exists now; the manager removes it
    expect(engine.listDirectory('/d')).to.deep.equal(['a', 'new']);
    await Promise.resolve();
    expect(settled.settlements, 'not before the undo').to.deep.equal([]);
    engine.completeAll();
    expect((await settled.next()).outcome).to.equal('undone');
    expect(engine.listDirectory('/d')).to.deep.equal(['a']);
    await manager.whenIdle();
  });

  it("should hand a canceled stat's result to the settlement", async () => {
    const { engine, manager } = scripted({ cancelable: false });
    const settled = listener();
    const op = manager.stat('/d/a', settled, () => expect.fail('canceled: no callback'));
    op.cancel();
    op.release();
    engine.completeAll();
    const settlement = await settled.next();
    expect(settlement.outcome).to.equal('succeeded');
    expect((settlement.result as FileStats).size).to.equal(1);
    await manager.whenIdle();
  });

  it('should never call it for an action that was not canceled, or canceled after its callback', async () => {
    const { engine, manager } = scripted({ completion: 'async' });
    const settled = listener();
    let op: ReturnType<AsyncFileManager['rename']> | undefined;
    await new Promise<void>((resolve) => {
      op = manager.rename('/d/a', '/d/b', settled, (error) => {
        expect(error).to.equal(null);
        resolve();
      });
    });
    expect(op?.cancel()).to.equal(false);
    op?.release();
    await manager.whenIdle();
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled.settlements).to.deep.equal([]);
    expect(engine.listDirectory('/d')).to.deep.equal(['b']);
  });

  it('should run before whenIdle() resolves', async () => {
    const { engine, manager } = scripted({ cancelable: false });
    const order: string[] = [];
    const op = manager.unlink(
      '/d/a',
      { onSettledAfterCancel: (settlement) => order.push(`settled ${settlement.outcome}`) },
      () => undefined,
    );
    op.cancel();
    op.release();
    const idle = manager.whenIdle().then(() => order.push('idle'));
    engine.completeAll();
    await idle;
    expect(order).to.deep.equal(['settled succeeded', 'idle']);
  });

  it('should refuse options whose onSettledAfterCancel is not a function, naming it', () => {
    const { manager } = scripted({});
    expectArgumentError(
      () => manager.unlink('/d/a', { onSettledAfterCancel: 5 as never }, () => undefined),
      TypeError,
      'onSettledAfterCancel',
      '`5` (number)',
    );
    expectArgumentError(() => manager.stat('/d/a', {}, 'no' as never), TypeError, 'callback', '`"no"` (string)');
    expect(manager.pendingCount).to.equal(0);
  });
});

describe(`AsyncFileManager onSettledAfterCancel (${DEFAULT_ENGINE}, real files)`, () => {
  const tmp = useTempDir();

  it('should tell the truth about renames canceled at once: the settlement matches the file system', async () => {
    const manager = new AsyncFileManager({ concurrency: 2 });
    const outcomes = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const from = tmp.join(`from-${i}`);
      const to = tmp.join(`to-${i}`);
      fs.writeFileSync(from, String(i));
      const settled = listener();
      const op = manager.rename(from, to, settled, () => expect.fail('canceled: no callback'));
      // the first ones execute at once (the thread pool or the kernel has them), the later ones wait in the queue
      if (i % 2 === 1) await new Promise((resolve) => setImmediate(resolve));
      op.cancel();
      op.release();
      const settlement = await settled.next();
      outcomes.add(settlement.outcome);
      const renamed = fs.existsSync(to);
      expect(renamed, `rename ${i}: ${settlement.outcome}`).to.equal(settlement.outcome === 'succeeded');
      expect(fs.existsSync(from)).to.equal(!renamed);
      expect(settlement.outcome).to.be.oneOf(['not-run', 'succeeded']);
    }
    await manager.close();
    expect(outcomes.size, `outcomes seen: ${[...outcomes].join(', ')}`).to.be.at.least(1);
  });

  it('should report undone for a writeNewFile canceled while executing, once its file is gone', async () => {
    const manager = new AsyncFileManager();
    const settled = listener();
    const file = tmp.join('new');
    const op = manager.writeNewFile(file, Buffer.from('data'), settled, () => expect.fail('canceled: no callback'));
    op.cancel();
    op.release();
    const settlement = await settled.next();
    expect(settlement.outcome).to.be.oneOf(['not-run', 'undone']);
    expect(fs.existsSync(file)).to.equal(false);
    await manager.close();
  });
});
