import { expect } from 'chai';
import { afterEach, describe, it } from 'mocha';
import fs from 'node:fs';
import sinon from 'sinon';
import { AsyncFileManager, PromiseFileManager, ScriptedEngine, type FileEngine } from '../src/index.js';
import { expectArgumentError } from './support/argument-error.js';
import { DEFAULT_ENGINE } from './support/default-engine.js';
import { descriptorsUnder } from './support/descriptors.js';
import { outcome, step } from './support/step.js';
import { useTempDir } from './support/temp-dir.js';

describe(`AsyncFileManager writeNewFile() on real files (${DEFAULT_ENGINE})`, () => {
  let manager: AsyncFileManager;
  // registered before useTempDir's own afterEach, so it runs while the directory still exists; a descriptor left open
  // fails the test that left it (Hook#error), not the hook, so the tests after it still run
  afterEach(async function () {
    await manager.whenIdle();
    const left = descriptorsUnder(tmp.path);
    if (left.length > 0) {
      (this.test as unknown as { error(error: Error): void }).error(
        new Error(`descriptors left open: ${left.join(', ')}`),
      );
    }
  });
  const tmp = useTempDir();

  it('should create the file with all of its bytes, mode 0666 less the umask, as one action', async () => {
    manager = new AsyncFileManager();
    const file = tmp.join('new.txt');
    const data = Buffer.alloc(100_000, 'x');
    expect(await step<number>((cb) => manager.writeNewFile(file, data, cb))).to.equal(100_000);
    expect(fs.readFileSync(file).equals(data)).to.equal(true);
    expect(fs.statSync(file).mode & 0o777).to.equal(0o666 & ~process.umask());
    // an empty file is a file too
    expect(await step<number>((cb) => manager.writeNewFile(tmp.join('empty'), Buffer.alloc(0), cb))).to.equal(0);
    expect(fs.statSync(tmp.join('empty')).size).to.equal(0);
  });

  it('should leave an existing file alone (EEXIST) and report a missing directory (ENOENT)', async () => {
    manager = new AsyncFileManager();
    const file = tmp.join('old.txt');
    fs.writeFileSync(file, 'old');
    const exists = await outcome<number>((cb) => manager.writeNewFile(file, Buffer.from('new'), cb));
    expect([exists.error?.code, exists.error?.syscall]).to.deep.equal(['EEXIST', 'open']);
    expect(fs.readFileSync(file, 'utf8')).to.equal('old');
    const missing = await outcome<number>((cb) => manager.writeNewFile(tmp.join('no/dir'), Buffer.from('x'), cb));
    expect(missing.error?.code).to.equal('ENOENT');
  });

  it('should never create a file when canceled while queued', async () => {
    manager = new AsyncFileManager({ concurrency: 1 });
    const blocker = manager.stat(tmp.path, () => undefined);
    const callback = sinon.spy();
    const file = tmp.join('never.txt');
    const op = manager.writeNewFile(file, Buffer.from('x'), callback);
    expect(manager.queuedCount).to.equal(1);
    expect(op.cancel()).to.equal(true);
    op.release();
    blocker.release();
    await manager.whenIdle();
    sinon.assert.notCalled(callback);
    expect(fs.existsSync(file)).to.equal(false);
  });

  it('should remove the file it created when canceled while executing, and never call back', async () => {
    manager = new AsyncFileManager();
    const callback = sinon.spy();
    const file = tmp.join('undone.txt');
    const op = manager.writeNewFile(file, Buffer.alloc(4096, 1), callback);
    expect(manager.activeCount).to.equal(1);
    op.cancel();
    op.release();
    await manager.whenIdle();
    sinon.assert.notCalled(callback);
    expect(fs.existsSync(file)).to.equal(false);
  });

  it('should resolve through the Promise facade, and reject on EEXIST', async () => {
    manager = new AsyncFileManager();
    const promises = new PromiseFileManager(manager);
    const file = tmp.join('promise.txt');
    expect(await promises.writeNewFile(file, Buffer.from('hello'))).to.equal(5);
    const error = await promises.writeNewFile(file, Buffer.from('again')).then(
      () => undefined,
      (rejection: unknown) => rejection as NodeJS.ErrnoException,
    );
    expect(error?.code).to.equal('EEXIST');
    expect(fs.readFileSync(file, 'utf8')).to.equal('hello');
  });

  it('should refuse bad arguments with a TypeError naming them', () => {
    manager = new AsyncFileManager();
    expectArgumentError(() => manager.writeNewFile('', Buffer.alloc(1), () => undefined), TypeError, 'path', '`""`');
    expectArgumentError(
      () => manager.writeNewFile(tmp.join('a'), 'text' as unknown as Buffer, () => undefined),
      TypeError,
      'data',
      '`"text"` (string)',
    );
    expectArgumentError(
      () => manager.writeNewFile(tmp.join('a'), Buffer.alloc(1), 5 as unknown as () => void),
      TypeError,
      'callback',
      '`5` (number)',
    );
  });
});

describe('AsyncFileManager writeNewFile() (scripted engine)', () => {
  it('should be all or nothing: a short write removes the file and reports EIO', async () => {
    const engine = new ScriptedEngine({ completion: 'async', maxWriteBytes: 2 });
    engine.addDirectory('/d');
    const manager = new AsyncFileManager({ engine });
    const { error } = await outcome<number>((cb) => manager.writeNewFile('/d/f', Buffer.from('four'), cb));
    expect([error?.code, error?.syscall]).to.deep.equal(['EIO', 'write']);
    expect(engine.listDirectory('/d')).to.deep.equal([]);
    expect(engine.openDescriptorCount).to.equal(0);
    expect(engine.violations).to.deep.equal([]);
  });

  it('should remove the new file when canceled after the engine created it (undo)', async () => {
    const engine = new ScriptedEngine({ completion: 'manual', cancelable: false });
    engine.addDirectory('/d');
    const manager = new AsyncFileManager({ engine });
    const callback = sinon.spy();
    const op = manager.writeNewFile('/d/f', Buffer.from('data'), callback);
    op.cancel();
    op.release();
    engine.completeNext(); // the file is created now, after the cancel: the manager unlinks it
    expect(engine.pendingCalls.map((call) => call.kind)).to.deep.equal(['unlink']);
    engine.completeAll();
    await manager.whenIdle();
    sinon.assert.notCalled(callback);
    expect(engine.listDirectory('/d')).to.deep.equal([]);
  });

  it('should refuse writeNewFile on an engine that does not declare it, with a TypeError naming the engine', () => {
    const engine = new ScriptedEngine();
    const bare = Object.create(engine, {
      writeNewFile: { value: undefined },
      name: { value: 'bare' },
      capabilities: { value: { ...engine.capabilities, writeNewFile: 'bare engines write in steps' } },
    }) as FileEngine;
    const manager = new AsyncFileManager({ engine: bare });
    expect(() => manager.writeNewFile('/d/f', Buffer.from('x'), () => undefined)).to.throw(
      TypeError,
      "engine 'bare' without it: bare engines write in steps",
    );
  });

  it('should refuse, at construction, an engine that declares writeNewFile without the method, naming it', () => {
    const engine = new ScriptedEngine();
    const liar = Object.create(engine, { writeNewFile: { value: undefined } }) as FileEngine;
    expect(() => new AsyncFileManager({ engine: liar })).to.throw(
      TypeError,
      'declares capability `writeNewFile` but has no method `writeNewFile`',
    );
  });
});
