import { expect } from 'chai';
import { describe, it } from 'mocha';
import { AsyncFileManager, ScriptedEngine, type EngineCallback, type EngineError } from '../../../src/index.js';
import { outcome } from '../../support/step.js';

/** What one synchronous engine call reported. */
function report<T>(start: (callback: EngineCallback<T>) => unknown): { error: EngineError | null; result: T } {
  let reported: { error: EngineError | null; result: T } | undefined;
  start((error, result) => (reported = { error, result }));
  if (reported === undefined) throw new Error('the sync engine did not report');
  return reported;
}

function openForWriting(engine: ScriptedEngine): number {
  engine.writeFile('/d/file', 'hello');
  return report<number>((cb) => engine.openExisting('/d/file', 'read-write', cb)).result;
}

const GIB = 2 ** 30;

describe('ScriptedEngine files (MemoryInode)', () => {
  describe('sparse files', () => {
    it('should write at 5 GiB without allocating the hole, and read the hole as zeros', () => {
      const engine = new ScriptedEngine();
      const fd = openForWriting(engine);
      const before = process.memoryUsage().arrayBuffers;
      const written = report<number>((cb) => engine.write(fd, Buffer.from('far'), 0, 3, 5 * GIB, cb));
      expect(written).to.deep.equal({ error: null, result: 3 });
      expect(process.memoryUsage().arrayBuffers - before, 'bytes allocated').to.be.below(1024 * 1024);
      expect(report((cb) => engine.fstat(fd, cb)).result).to.include({ size: 5 * GIB + 3 });
      const tail = Buffer.alloc(8, 0xff);
      expect(report<number>((cb) => engine.read(fd, tail, 0, 8, 5 * GIB - 5, cb)).result).to.equal(8);
      expect([...tail]).to.deep.equal([0, 0, 0, 0, 0, 102, 97, 114]);
      const head = Buffer.alloc(7);
      expect(report<number>((cb) => engine.read(fd, head, 0, 7, 0, cb)).result).to.equal(7);
      expect(head.toString('latin1')).to.equal('hello\0\0');
      report((cb) => engine.close(fd, cb));
    });

    it('should keep bytes past a truncated end zero when the file grows again', () => {
      const engine = new ScriptedEngine();
      const fd = openForWriting(engine);
      const data = Buffer.alloc(200_000, 7);
      report((cb) => engine.write(fd, data, 0, data.length, 0, cb));
      report((cb) => engine.truncate(fd, 70_000, cb));
      report((cb) => engine.truncate(fd, 200_000, cb));
      const back = Buffer.alloc(200_000, 9);
      expect(report<number>((cb) => engine.read(fd, back, 0, back.length, 0, cb)).result).to.equal(200_000);
      expect(back.subarray(0, 70_000).every((byte) => byte === 7)).to.equal(true);
      expect(back.subarray(70_000).every((byte) => byte === 0)).to.equal(true);
      report((cb) => engine.close(fd, cb));
    });
  });

  describe('the file size limit (maxFileBytes)', () => {
    it('should report EFBIG (never throw) for a write at or past the limit, and write short across it', () => {
      const engine = new ScriptedEngine({ maxFileBytes: 100 });
      const fd = openForWriting(engine);
      const at = report<number>((cb) => engine.write(fd, Buffer.alloc(4), 0, 4, 100, cb));
      expect([at.error?.code, at.error?.syscall]).to.deep.equal(['EFBIG', 'write']);
      const across = report<number>((cb) => engine.write(fd, Buffer.alloc(20), 0, 20, 90, cb));
      expect(across).to.deep.equal({ error: null, result: 10 });
      expect(report((cb) => engine.truncate(fd, 101, cb)).error?.code).to.equal('EFBIG');
      expect(report((cb) => engine.truncate(fd, 100, cb)).error).to.equal(null);
      report((cb) => engine.close(fd, cb));
    });

    it('should report EFBIG past the default limit (16 TiB), where it used to throw past 4 GiB', () => {
      const engine = new ScriptedEngine();
      const fd = openForWriting(engine);
      const past = report<number>((cb) => engine.write(fd, Buffer.alloc(1), 0, 1, 2 ** 44, cb));
      expect(past.error?.code).to.equal('EFBIG');
      report((cb) => engine.close(fd, cb));
    });

    it('should fail a manager write past the limit with EFBIG through its callback', async () => {
      const engine = new ScriptedEngine({ completion: 'async', maxFileBytes: 8 });
      engine.writeFile('/d/file', '');
      const manager = new AsyncFileManager({ engine });
      const handle = manager.newFileHandle();
      expect((await outcome<void>((cb) => handle.openExistingFile('/d/file', 'write', cb))).error).to.equal(null);
      // the first chunk writes up to the limit (short), the write repeats for the rest, which fails
      const written = await outcome<number>((cb) => handle.write(Buffer.alloc(12), 0, cb));
      expect(written.error?.code).to.equal('EFBIG');
      expect(engine.readFile('/d/file')).to.have.length(8);
      const created = await outcome<number>((cb) => manager.writeNewFile('/d/new', Buffer.alloc(9), cb));
      expect(created.error?.code).to.equal('EFBIG');
      expect(engine.listDirectory('/d')).to.deep.equal(['file']);
      handle.abort();
      await manager.close();
    });
  });
});
