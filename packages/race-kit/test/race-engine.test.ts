import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { RaceEngine, RaceViolations, settleScheduler, type EngineScript } from '../src/index.js';

const never = (): boolean => false;
const always = (): boolean => true;

/** A script: asynchronous calls, nothing held, no fault, no fast path, unless `changes` say otherwise. */
function script(changes: Partial<EngineScript> = {}): EngineScript {
  return {
    concurrency: 1,
    syncCalls: 'none',
    syncUntil: 0,
    isSync: never,
    holdsCalls: false,
    isHeld: never,
    hasFaults: false,
    isFaulty: never,
    isRetryable: never,
    fastPath: false,
    isFastNow: never,
    ...changes,
  };
}

/** Runs `body` with a RaceEngine over a fresh scheduler; returns the log and what `body` returns. */
async function withEngine<T>(
  changes: Partial<EngineScript>,
  body: (race: RaceEngine, log: string[]) => T | Promise<T>,
): Promise<{ log: string[]; value: T; violations: readonly string[] }> {
  const [s] = fc.sample(fc.scheduler(), { numRuns: 1, seed: 1 }) as [fc.Scheduler];
  const log: string[] = [];
  const violations = new RaceViolations();
  const race = new RaceEngine(s, script(changes), { violations, log: (line) => log.push(line) });
  race.engine.addDirectory('/d');
  const value = await body(race, log);
  return { log, value, violations: violations.list };
}

describe('RaceEngine', () => {
  it('should complete a call in a scheduled task, not inside the call', async () => {
    const { value } = await withEngine({}, async (race) => {
      let isDone = false;
      race.manager.stat('/d', () => (isDone = true)).release();
      const before = isDone;
      await settleScheduler(race.s, () => race.releaseHeld());
      return [before, isDone];
    });
    expect(value).to.deep.equal([false, true]);
  });

  it('should complete a sync call inside the call, and tell the listeners a microtask later', async () => {
    const { value, log } = await withEngine({ syncCalls: 'all' }, async (race) => {
      const order: string[] = [];
      race.onCompletion((count, call) => order.push(`listener ${count} ${call?.kind}`));
      race.manager.stat('/d', () => order.push('callback')).release();
      order.push('stat returned');
      await Promise.resolve();
      return order;
    });
    expect(value).to.deep.equal(['callback', 'stat returned', 'listener 1 stat']);
    expect(log).to.deep.equal(["#1 stat('/d'): completes inside the call"]);
  });

  it('should hold a call until released, and release the oldest pending one first', async () => {
    const { value, log } = await withEngine({ holdsCalls: true, isHeld: always }, async (race) => {
      const done: string[] = [];
      race.manager.stat('/d', () => done.push('first')).release();
      race.manager.stat('/d', () => done.push('second')).release();
      await settleScheduler(race.s);
      const whileHeld = [...done];
      expect(race.releaseHeld()).to.equal(true);
      expect(race.releaseHeld()).to.equal(true);
      expect(race.releaseHeld()).to.equal(false);
      return [whileHeld, done];
    });
    expect(value).to.deep.equal([[], ['first', 'second']]);
    // concurrency 1: the second stat is issued (and held) once the first one completed
    expect(log.slice(0, 4)).to.deep.equal([
      "held #1 stat('/d')",
      "released #1 stat('/d')",
      "#1 stat('/d'): completes",
      "held #2 stat('/d')",
    ]);
  });

  it('should fail a faulty call with EAGAIN or EIO, a close with EIO only, releasing its descriptor', async () => {
    const faulty = (id: number): boolean => id !== 3; // all but the open: the stats and the close
    const { value } = await withEngine(
      // the close (#4) is asked for a retryable fault too: nothing retries a close, so it gets EIO
      { syncCalls: 'all', hasFaults: true, isFaulty: faulty, isRetryable: (id) => id === 1 || id === 4 },
      (race) => {
        const codes: unknown[] = [];
        race.manager.stat('/d', (error) => codes.push(error?.code)).release();
        race.manager.stat('/d', (error) => codes.push(error?.code)).release();
        const handle = race.manager.newFileHandle();
        handle.createAnonymousFile('/d', (error) => codes.push(error?.code ?? 'opened')).release();
        handle.close((error) => codes.push(error?.code ?? 'closed')).release();
        return [codes, race.engine.openDescriptorCount];
      },
    );
    expect(value).to.deep.equal([['EAGAIN', 'EIO', 'opened', 'EIO'], 0]);
  });

  it('should let a cancel end a held call before it is released', async () => {
    const { value } = await withEngine({ holdsCalls: true, isHeld: always }, async (race) => {
      const calls: unknown[] = [];
      const op = race.manager.stat('/d', () => calls.push('callback'));
      op.cancel();
      op.release();
      await settleScheduler(race.s);
      return [calls, race.releaseHeld(), race.completions];
    });
    expect(value).to.deep.equal([[], false, 0]);
  });
});
