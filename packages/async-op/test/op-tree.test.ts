import { expect } from 'chai';
import { after, describe, it } from 'mocha';
import { AsyncOp, LeakTracker, ManualClock, formatOpTree, liveOpTree } from '../src/index.js';

describe('liveOpTree() and formatOpTree()', () => {
  after(() => LeakTracker.enable());

  it('should list live ops under the op they follow, with state, age, deadline and who holds them', () => {
    LeakTracker.enable();
    const clock = new ManualClock();
    const request = AsyncOp.create({ context: null, label: 'request' });
    const read = AsyncOp.create({ context: null, label: 'read', clock, timeoutMs: 100 });
    read.follow(request);
    const held = read.ref('the read callback');
    const cleanup = AsyncOp.create({ context: null, label: 'cleanup', shield: true });
    cleanup.follow(request);
    read.cancel();
    const roots = liveOpTree();
    const root = roots.find((node) => node.label === 'request');
    expect(root?.children.map((child) => child.label)).to.deep.equal(['read', 'cleanup']);
    // a canceled child stays under its parent, with its cancel kind
    const canceled = root?.children[0];
    expect(canceled).to.include({ state: 'canceling', cancelKind: 'explicit', referenceCount: 2 });
    expect(canceled?.references.map((reference) => reference.holder)).to.deep.equal([undefined, 'the read callback']);
    expect(canceled?.createdAt).to.match(/op-tree\.test\.(ts|js)/);
    expect(canceled?.deadlineInMs).to.equal(100);
    const text = formatOpTree(roots);
    expect(text).to.match(/#\d+ "request" running age \d+ ms, 1 ref/);
    expect(text).to.match(/\n {2}#\d+ "read" canceling \(explicit\) age \d+ ms, deadline in 100 ms, 2 refs/);
    expect(text).to.match(/\n {2}#\d+ "cleanup" running age \d+ ms, shielded, 1 ref/);
    expect(text).to.contain('held by "the read callback"');
    for (const op of [request, read, held, cleanup]) op.release();
    expect(liveOpTree().filter((node) => ['request', 'read', 'cleanup'].includes(node.label ?? ''))).to.deep.equal([]);
  });

  it('should return nothing while tracking is off, and render that', () => {
    LeakTracker.disable();
    const op = AsyncOp.create({ context: null });
    expect(liveOpTree()).to.deep.equal([]);
    expect(formatOpTree([])).to.equal('no live operations');
    op.release();
    expect(() => formatOpTree('x' as never)).to.throw(TypeError);
  });
});
