import { expect } from 'chai';
import { describe, it } from 'mocha';
import { ModuleLifecycle } from '../src/module-lifecycle.js';
import { ModuleClosedError, ModuleErrorCode, ModuleStateError } from '../src/module-errors.js';

describe('ModuleLifecycle', () => {
  it('should go created -> open -> closed -> open -> closed -> destroyed', async () => {
    const lifecycle = new ModuleLifecycle('m');
    const states = [lifecycle.state];
    lifecycle.open();
    states.push(lifecycle.state);
    await lifecycle.close();
    states.push(lifecycle.state);
    lifecycle.open();
    await lifecycle.close();
    lifecycle.destroy();
    states.push(lifecycle.state);
    expect(states).to.deep.equal(['created', 'open', 'closed', 'destroyed']);
  });

  it('should refuse starts unless open, with ERR_MODULE_CLOSED', () => {
    const lifecycle = new ModuleLifecycle('m');
    expect(() => lifecycle.admit())
      .to.throw(ModuleClosedError, /created/)
      .with.property('code', ModuleErrorCode.MODULE_CLOSED);
    lifecycle.open();
    expect(() => lifecycle.admit()).to.not.throw();
  });

  it('should refuse open twice, destroy while open, and close after destroy, with ERR_MODULE_STATE', async () => {
    const lifecycle = new ModuleLifecycle('m');
    lifecycle.open();
    expect(() => lifecycle.open())
      .to.throw(ModuleStateError)
      .with.property('code', ModuleErrorCode.MODULE_STATE);
    expect(() => lifecycle.destroy()).to.throw(ModuleStateError, /close/);
    await lifecycle.close();
    lifecycle.destroy();
    let error: unknown;
    await lifecycle.close().catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ModuleStateError);
  });

  it('should resolve every close() once the last pending operation ended', async () => {
    const lifecycle = new ModuleLifecycle('m');
    lifecycle.open();
    lifecycle.begin();
    lifecycle.begin();
    const order: string[] = [];
    const first = lifecycle.close().then(() => order.push('first'));
    const second = lifecycle.close().then(() => order.push('second'));
    expect(lifecycle.state).to.equal('closing');
    lifecycle.end();
    await Promise.resolve();
    expect(order).to.deep.equal([]);
    lifecycle.end();
    await Promise.all([first, second]);
    expect(order).to.deep.equal(['first', 'second']);
    expect(lifecycle.state).to.equal('closed');
    expect(() => lifecycle.end())
      .to.throw(ModuleStateError, /more operations than it began/)
      .with.property('code', 'ERR_MODULE_STATE');
    expect(lifecycle.pendingCount).to.equal(0);
  });

  it('should refuse open while closing, and wait in a close() after a reopen only for operations begun since', async () => {
    const lifecycle = new ModuleLifecycle('m');
    lifecycle.open();
    lifecycle.begin();
    const order: string[] = [];
    const first = lifecycle.close().then(() => order.push(`first: ${lifecycle.pendingCount} pending`));
    expect(() => lifecycle.open()).to.throw(ModuleStateError, /closing/);
    lifecycle.end();
    // reopened and an operation begun before the first close()'s reactions ran: that close() is not resurrected
    lifecycle.open();
    lifecycle.begin();
    await first;
    expect(order).to.deep.equal(['first: 1 pending']);
    const second = lifecycle.close().then(() => order.push(`second: ${lifecycle.pendingCount} pending`));
    expect(lifecycle.state).to.equal('closing');
    await Promise.resolve();
    expect(order).to.have.length(1);
    lifecycle.end();
    await second;
    expect(order).to.deep.equal(['first: 1 pending', 'second: 0 pending']);
  });

  it('should refuse a name that is not a string, naming the value', () => {
    for (const name of [undefined, null, 7, {}, Symbol('m')]) {
      expect(() => new ModuleLifecycle(name as never)).to.throw(TypeError, 'Expected `name` to be a string');
    }
  });

  it('should resolve close() only after the callback that ends the last operation returned', async () => {
    const lifecycle = new ModuleLifecycle('m');
    lifecycle.open();
    lifecycle.begin();
    const order: string[] = [];
    // a callback that closes its own module, then ends (as a module's delivery does in its finally)
    const closed = lifecycle.close().then(() => order.push('close resolved'));
    order.push('callback returns');
    lifecycle.end();
    order.push('end returned');
    await closed;
    expect(order).to.deep.equal(['callback returns', 'end returned', 'close resolved']);
  });
});
