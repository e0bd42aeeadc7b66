import { expect } from 'chai';
import { describe, it } from 'mocha';
import { deliverResult } from '../src/deliver-result.js';
import { ModuleLifecycle } from '../src/module-lifecycle.js';
import { captureUncaught } from 'async-op-race-kit';

function openLifecycle(): ModuleLifecycle {
  const lifecycle = new ModuleLifecycle('m');
  lifecycle.open();
  lifecycle.begin();
  return lifecycle;
}

describe('deliverResult()', () => {
  it('should call back once, synchronously, then count the operation out', () => {
    const lifecycle = openLifecycle();
    const order: string[] = [];
    deliverResult(
      (result) => order.push(`callback ${result.status}, pending ${lifecycle.pendingCount}`),
      { status: 'ok', value: 1 },
      lifecycle,
    );
    order.push(`returned, pending ${lifecycle.pendingCount}`);
    expect(order).to.deep.equal(['callback ok, pending 1', 'returned, pending 0']);
  });

  it('should count out and return when the callback throws, and raise the error uncaught a microtask later', async () => {
    const lifecycle = openLifecycle();
    const thrown = new Error('from the callback');
    const order: string[] = [];
    const uncaught = await captureUncaught(() => {
      deliverResult(
        () => {
          throw thrown;
        },
        { status: 'error', error: 'x' },
        lifecycle,
      );
      order.push(`returned, pending ${lifecycle.pendingCount}`);
      queueMicrotask(() => order.push('next microtask'));
    });
    expect(uncaught).to.deep.equal([thrown]);
    expect(order).to.deep.equal(['returned, pending 0', 'next microtask']);
  });

  it('should leave the count alone without a lifecycle (the cleanup counts out later)', async () => {
    const lifecycle = openLifecycle();
    const uncaught = await captureUncaught(() =>
      deliverResult(
        () => {
          throw new Error('x');
        },
        { status: 'canceled', error: 'stop' },
      ),
    );
    expect(uncaught).to.have.length(1);
    expect(lifecycle.pendingCount).to.equal(1);
    lifecycle.end();
  });
});
