import { AsyncOp } from 'async-op';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { CancellableModuleBase } from '../src/cancellable-module-base.js';
import { ModuleClosedError, ModuleStateError } from '../src/module-errors.js';
import type { StartCallback } from '../src/module-types.js';

/** A module whose operations end when the test says so. */
class ManualModule extends CancellableModuleBase<string, string> {
  readonly pending: (() => void)[] = [];

  constructor() {
    super('manual');
  }

  start(request: string, callback: StartCallback<string>): AsyncOp<unknown> {
    this.lifecycle.admit();
    const op = AsyncOp.create({ context: undefined });
    const own = op.ref();
    this.lifecycle.begin();
    this.pending.push(() => {
      own.complete();
      own.release();
      try {
        callback({ status: 'ok', value: request });
      } finally {
        this.lifecycle.end();
      }
    });
    return op;
  }
}

describe('CancellableModuleBase', () => {
  it('should give the subclass its name, state, pending count, open(), close() and destroy()', async () => {
    const module = new ManualModule();
    expect(module.name).to.equal('manual');
    expect(module.state).to.equal('created');
    expect(() => module.start('a', () => undefined)).to.throw(ModuleClosedError, 'manual: it is created');
    module.open();
    const op = module.start('a', () => undefined);
    expect(module.pendingCount).to.equal(1);
    const closed = module.close();
    expect(module.state).to.equal('closing');
    expect(() => module.destroy()).to.throw(ModuleStateError);
    module.pending[0]?.();
    await closed;
    op.release();
    expect(module.state).to.equal('closed');
    expect(module.pendingCount).to.equal(0);
    module.destroy();
    expect(module.state).to.equal('destroyed');
    expect(() => module.open()).to.throw(ModuleStateError);
  });

  it('should let a callback close its own module, resolving once that callback returned', async () => {
    const module = new ManualModule();
    module.open();
    const order: string[] = [];
    let closed: Promise<unknown> | undefined;
    const op = module.start('a', () => {
      closed = module.close().then(() => order.push('closed'));
      order.push('callback returns');
    });
    module.pending[0]?.();
    await closed;
    op.release();
    expect(order).to.deep.equal(['callback returns', 'closed']);
  });

  it('should refuse a name that is not a string', () => {
    class Nameless extends ManualModule {
      constructor() {
        super();
      }
    }
    expect(() => new Nameless()).to.not.throw();
    const Bad = class extends CancellableModuleBase<never, never> {
      start(): AsyncOp<unknown> {
        throw new Error('unused');
      }
    };
    expect(() => new Bad(42 as never)).to.throw(TypeError, 'Expected `name` to be a string, got `42` (number)');
  });
});
