import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsyncFileManager } from 'async-op-file';
import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { CopyModule } from '../../examples/copy-module.js';
import { ModuleClosedError, type Result } from '../../src/index.js';
import { captureUncaught } from 'async-op-race-kit';

describe('examples/copy-module.ts: CopyModule on real files', () => {
  let directory: string;
  let manager: AsyncFileManager;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'copy-module-'));
    fs.writeFileSync(path.join(directory, 'a.txt'), 'aaa');
    manager = new AsyncFileManager();
  });

  afterEach(async () => {
    await manager.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('should copy, refuse starts once closed, and resolve a close() made in a callback after that callback', async () => {
    const module = new CopyModule(manager);
    module.open();
    const order: string[] = [];
    let closed: Promise<unknown> | undefined;
    const results: Result<number>[] = [];
    await new Promise<void>((resolve) => {
      const op = module.start({ from: path.join(directory, 'a.txt'), to: path.join(directory, 'b.txt') }, (result) => {
        results.push(result);
        closed = module.close().then(() => order.push('closed'));
        order.push(`callback: pending ${module.pendingCount}`);
        op.release();
        resolve();
      });
    });
    await closed;
    expect(results).to.deep.equal([{ status: 'ok', value: 3 }]);
    expect(order).to.deep.equal(['callback: pending 1', 'closed']);
    expect(module.pendingCount).to.equal(0);
    expect(fs.readFileSync(path.join(directory, 'b.txt'), 'utf8')).to.equal('aaa');
    expect(() => module.start({ from: 'x', to: 'y' }, () => undefined)).to.throw(ModuleClosedError);
  });

  it('should count a copy out whose callback throws, and raise the error uncaught', async () => {
    const module = new CopyModule(manager);
    module.open();
    const thrown = new Error('from the callback');
    const results: Result<number>[] = [];
    const uncaught = await captureUncaught(async () => {
      const op = module.start({ from: path.join(directory, 'a.txt'), to: path.join(directory, 'c.txt') }, (result) => {
        results.push(result);
        throw thrown;
      });
      op.release();
      await module.close();
    });
    expect(uncaught).to.deep.equal([thrown]);
    expect(results).to.deep.equal([{ status: 'ok', value: 3 }]);
    expect(module.pendingCount).to.equal(0);
    expect(module.state).to.equal('closed');
  });

  it('should count nothing in for a start that throws', () => {
    const module = new CopyModule(manager);
    module.open();
    expect(() => module.start({ from: '', to: 'y' }, () => undefined)).to.throw(TypeError, 'request.from');
    expect(() => module.start({ from: 'x', to: 'y' }, 'cb' as never)).to.throw(TypeError, 'callback');
    expect(module.pendingCount).to.equal(0);
  });
});
