import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { AsyncOp, ErrorCode, type CancelRegistration } from '../src/index.js';

/** What the implementation does when cancel runs it: re-enter the op in one of the ways the contract allows. */
type Reentry = 'none' | 'cancel-again' | 'complete' | 'release-own-reference';

interface Model {
  /** released flag per reference, by index; index 0 is the first reference, 1 the implementation's own. */
  released: boolean[];
  count: number;
  state: 'running' | 'canceling' | 'completed';
  disposeRuns: number;
  cancelRuns: number;
  pendingRegistrations: number;
}

interface Real {
  references: AsyncOp<Context>[];
  registrations: CancelRegistration[];
  registrationRuns: number;
  context: Context;
}

interface Context {
  reentry: Reentry;
  own: AsyncOp<Context> | undefined;
  disposeRuns: number;
  cancelRuns: number;
  cancelAfterComplete: boolean;
}

function expectReleased(action: () => unknown): void {
  expect(action).to.throw().with.property('code', ErrorCode.ASYNC_OP_RELEASED);
}

function pick<T>(items: readonly T[], index: number): T {
  return items[index % items.length] as T;
}

function liveCount(model: Model): number {
  return model.released.filter((released) => !released).length;
}

function checkInvariants(model: Model, real: Real): void {
  expect(model.count).to.equal(liveCount(model));
  expect(model.count).to.be.at.least(0);
  expect(real.context.disposeRuns).to.equal(model.count === 0 ? 1 : 0);
  expect(real.context.cancelRuns).to.equal(model.cancelRuns).and.to.be.at.most(1);
  expect(real.context.cancelAfterComplete).to.equal(false);
  const live = real.references.find((reference) => !reference.isReleased);
  if (live !== undefined) {
    expect(live.state).to.equal(model.state);
    expect(live.referenceCount).to.equal(model.count);
  }
}

class RefCommand implements fc.Command<Model, Real> {
  constructor(readonly index: number) {}
  check = (): boolean => true;
  run(model: Model, real: Real): void {
    const at = this.index % real.references.length;
    if (model.released[at]) {
      expectReleased(() => pick(real.references, at).ref());
    } else {
      real.references.push(pick(real.references, at).ref());
      model.released.push(false);
      model.count++;
    }
    checkInvariants(model, real);
  }
  toString = (): string => `ref(#${this.index})`;
}

class ReleaseCommand implements fc.Command<Model, Real> {
  constructor(readonly index: number) {}
  check = (): boolean => true;
  run(model: Model, real: Real): void {
    const at = this.index % real.references.length;
    const reference = pick(real.references, at);
    if (model.released[at]) {
      expectReleased(() => reference.release());
    } else {
      if (reference === real.context.own) real.context.own = undefined;
      reference.release();
      model.released[at] = true;
      model.count--;
      if (model.count === 0) model.pendingRegistrations = 0;
    }
    checkInvariants(model, real);
  }
  toString = (): string => `release(#${this.index})`;
}

class CancelCommand implements fc.Command<Model, Real> {
  constructor(
    readonly index: number,
    readonly reentry: Reentry,
  ) {}
  check = (): boolean => true;
  run(model: Model, real: Real): void {
    const at = this.index % real.references.length;
    const reference = pick(real.references, at);
    if (model.released[at]) {
      expectReleased(() => reference.cancel());
      checkInvariants(model, real);
      return;
    }
    real.context.reentry = this.reentry;
    const ownIndex = 1;
    // the implementation re-enters through its own reference, so only while that one is live
    const isOwnLive = model.released[ownIndex] === false;
    const runsBefore = real.registrationRuns;
    const won = reference.cancel();
    expect(won).to.equal(model.state === 'running');
    if (won) {
      model.cancelRuns++;
      expect(real.registrationRuns - runsBefore).to.equal(model.pendingRegistrations);
      model.pendingRegistrations = 0;
      model.state = 'canceling';
      if (this.reentry === 'complete' && isOwnLive) model.state = 'completed';
      if (this.reentry === 'release-own-reference' && isOwnLive) {
        model.released[ownIndex] = true;
        model.count--;
      }
    } else {
      expect(real.registrationRuns).to.equal(runsBefore);
    }
    checkInvariants(model, real);
  }
  toString = (): string => `cancel(#${this.index}, ${this.reentry})`;
}

class CompleteCommand implements fc.Command<Model, Real> {
  constructor(readonly index: number) {}
  check = (): boolean => true;
  run(model: Model, real: Real): void {
    const at = this.index % real.references.length;
    const reference = pick(real.references, at);
    if (model.released[at]) {
      expectReleased(() => reference.complete());
    } else {
      expect(reference.complete()).to.equal(model.state !== 'completed');
      model.state = 'completed';
      model.pendingRegistrations = 0;
    }
    checkInvariants(model, real);
  }
  toString = (): string => `complete(#${this.index})`;
}

class RegisterCommand implements fc.Command<Model, Real> {
  constructor(readonly index: number) {}
  check = (): boolean => true;
  run(model: Model, real: Real): void {
    const at = this.index % real.references.length;
    const reference = pick(real.references, at);
    if (model.released[at]) {
      expectReleased(() => reference.onCancel(() => undefined));
      return;
    }
    const runsBefore = real.registrationRuns;
    const registration = reference.onCancel(() => real.registrationRuns++);
    real.registrations.push(registration);
    const canceled = reference.isCanceled;
    // one rule: after cancel it runs at once; on an op completed uncanceled it never runs; else it waits
    expect(real.registrationRuns - runsBefore).to.equal(canceled ? 1 : 0);
    expect(registration.isRegistered).to.equal(model.state === 'running');
    if (model.state === 'running') model.pendingRegistrations++;
    checkInvariants(model, real);
  }
  toString = (): string => `onCancel(#${this.index})`;
}

class UnregisterCommand implements fc.Command<Model, Real> {
  constructor(readonly index: number) {}
  check = (): boolean => true;
  run(model: Model, real: Real): void {
    if (real.registrations.length === 0) return;
    const registration = pick(real.registrations, this.index);
    const wasRegistered = registration.isRegistered;
    expect(registration.unregister()).to.equal(wasRegistered);
    if (wasRegistered) model.pendingRegistrations--;
    expect(registration.isRegistered).to.equal(false);
    checkInvariants(model, real);
  }
  toString = (): string => `unregister(#${this.index})`;
}

function setup(): { model: Model; real: Real } {
  const context: Context = {
    reentry: 'none',
    own: undefined,
    disposeRuns: 0,
    cancelRuns: 0,
    cancelAfterComplete: false,
  };
  const first = AsyncOp.create({
    context,
    cancel: (ctx) => {
      ctx.cancelRuns++;
      const own = ctx.own;
      if (own === undefined) return;
      if (own.isCompleted) ctx.cancelAfterComplete = true;
      if (ctx.reentry === 'cancel-again') expect(own.cancel()).to.equal(false);
      if (ctx.reentry === 'complete') expect(own.complete()).to.equal(true);
      if (ctx.reentry === 'release-own-reference') {
        ctx.own = undefined;
        own.release();
      }
    },
    dispose: (ctx) => {
      ctx.disposeRuns++;
    },
  });
  context.own = first.ref();
  return {
    model: {
      released: [false, false],
      count: 2,
      state: 'running',
      disposeRuns: 0,
      cancelRuns: 0,
      pendingRegistrations: 0,
    },
    real: { references: [first, context.own], registrations: [], registrationRuns: 0, context },
  };
}

describe('AsyncOp (model-based)', () => {
  it('should keep count, dispose, cancel and registrations consistent under any sequence of calls', () => {
    const index = fc.nat(20);
    const commands = [
      index.map((i) => new RefCommand(i)),
      index.map((i) => new ReleaseCommand(i)),
      fc
        .tuple(index, fc.constantFrom<Reentry>('none', 'cancel-again', 'complete', 'release-own-reference'))
        .map(([i, reentry]) => new CancelCommand(i, reentry)),
      index.map((i) => new CompleteCommand(i)),
      index.map((i) => new RegisterCommand(i)),
      index.map((i) => new UnregisterCommand(i)),
    ];
    fc.assert(
      fc.property(fc.commands(commands, { size: '+1' }), (sequence) => {
        const { model, real } = setup();
        fc.modelRun(() => ({ model, real }), sequence);
        // leave nothing behind: release whatever the sequence kept
        real.references.forEach((reference, at) => {
          if (!model.released[at]) reference.release();
        });
        expect(real.context.disposeRuns).to.equal(1);
      }),
    );
  });
});
