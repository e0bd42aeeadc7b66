import { expect } from 'chai';
import { afterEach, beforeEach, describe, it } from 'mocha';
import {
  AsyncFileManager,
  ENGINE_CAPABILITIES,
  REQUIRED_ENGINE_METHODS,
  WOULD_BLOCK,
  type FileEngine,
  type FileStats,
} from '../../src/index.js';
import { call, errorOf, valueOf } from './engine-call.js';

/** One engine under the contract, with a directory of its file system to work in. */
export interface EngineUnderTest {
  readonly engine: FileEngine;
  /** An empty directory (absolute) the test may fill. */
  readonly directory: string;
  /** Creates a file with these bytes, outside the engine (set-up). */
  writeFile(path: string, data: string): void;
  /** A file's bytes read outside the engine, or undefined if it does not exist. */
  readFile(path: string): Buffer | undefined;
  /** The names in `directory` (sorted), read outside the engine. */
  list(): string[];
  /** Releases what the set-up made (the engine included). */
  dispose(): Promise<void> | void;
}

/**
 * The FileEngine contract, as tests: what every engine must do whatever it runs on (docs/reference/contract.md, 'File
 * actions'; the interface's TSDoc). Each engine's own test file keeps only what is specific to it.
 *
 * @param label - the engine, in the suite's title.
 * @param setUp - makes a fresh engine and directory for each test; the suite disposes of it after the test.
 */
export function describeFileEngineContract(label: string, setUp: () => EngineUnderTest): void {
  describe(`the FileEngine contract: ${label}`, () => {
    let subject: EngineUnderTest;
    let engine: FileEngine;
    let dir: string;
    /** Descriptors opened through the engine and not closed yet: closed after the test. */
    let open: number[];

    beforeEach(() => {
      subject = setUp();
      engine = subject.engine;
      dir = subject.directory;
      open = [];
    });

    afterEach(async () => {
      for (const fd of open) await call<void>((cb) => engine.close(fd, cb));
      await subject.dispose();
    });

    async function openFile(path: string, mode: 'read' | 'write' | 'read-write' = 'read-write'): Promise<number> {
      const fd = await valueOf<number>((cb) => engine.openExisting(path, mode, cb));
      open.push(fd);
      return fd;
    }

    async function closeFile(fd: number): Promise<void> {
      open.splice(open.indexOf(fd), 1);
      await valueOf<void>((cb) => engine.close(fd, cb));
    }

    async function readText(fd: number, length: number, position: number): Promise<string> {
      const buffer = Buffer.alloc(length);
      const count = await valueOf<number>((cb) => engine.read(fd, buffer, 0, length, position, cb));
      return buffer.toString('utf8', 0, count);
    }

    it('should name itself, declare its capabilities, and have every method they and the contract require', () => {
      expect(engine.name).to.be.a('string').and.not.equal('');
      for (const capability of ENGINE_CAPABILITIES) {
        const support = engine.capabilities[capability];
        expect(support === true || (typeof support === 'string' && support !== ''), capability).to.equal(true);
      }
      for (const method of REQUIRED_ENGINE_METHODS) expect(engine[method], method).to.be.a('function');
      if (engine.capabilities.syncCalls === true) expect(engine.readNow).to.be.a('function');
      if (engine.capabilities.writeNewFile === true) expect(engine.writeNewFile).to.be.a('function');
      if (engine.capabilities.directIo === true) expect(engine.directIoAlignment).to.be.a('function');
      // the manager takes it as it is
      expect(new AsyncFileManager({ engine }).engineName).to.equal(engine.name);
    });

    it('should open an existing file and read it at a position: short at the end, nothing past it', async () => {
      subject.writeFile(`${dir}/a.txt`, 'hello world');
      const fd = await openFile(`${dir}/a.txt`, 'read');
      expect(fd).to.be.a('number').at.least(0);
      expect(await readText(fd, 5, 6)).to.equal('world');
      expect(await readText(fd, 100, 6)).to.equal('world');
      expect(await readText(fd, 10, 11)).to.equal('');
      expect(await readText(fd, 10, 1000)).to.equal('');
    });

    it("should never create a file on open, and report Node's ENOENT (code, syscall open, path)", async () => {
      const error = await errorOf<number>((cb) => engine.openExisting(`${dir}/missing`, 'read-write', cb));
      expect(error).to.include({ code: 'ENOENT', syscall: 'open', path: `${dir}/missing` });
      expect(subject.list()).to.deep.equal([]);
    });

    it('should write at a position, and fstat, truncate and sync the file', async () => {
      subject.writeFile(`${dir}/w.txt`, '');
      const fd = await openFile(`${dir}/w.txt`);
      const data = Buffer.from('xxabcdef');
      expect(await valueOf<number>((cb) => engine.write(fd, data, 2, 4, 3, cb))).to.equal(4);
      const stats = await valueOf<FileStats>((cb) => engine.fstat(fd, cb));
      expect(stats.size).to.equal(7);
      expect(stats.isFile()).to.equal(true);
      await valueOf<void>((cb) => engine.truncate(fd, 5, cb));
      await valueOf<void>((cb) => engine.sync(fd, cb));
      expect(subject.readFile(`${dir}/w.txt`)).to.deep.equal(Buffer.from('\0\0\0ab'));
    });

    it('should report EBADF for a read-only descriptor written to, and for a closed one', async () => {
      subject.writeFile(`${dir}/r.txt`, 'abc');
      const fd = await openFile(`${dir}/r.txt`, 'read');
      const error = await errorOf<number>((cb) => engine.write(fd, Buffer.from('x'), 0, 1, 0, cb));
      expect(error.code).to.equal('EBADF');
      await closeFile(fd);
      expect((await errorOf<FileStats>((cb) => engine.fstat(fd, cb))).code).to.equal('EBADF');
    });

    it('should create an unnamed file that no name shows, give it a name with link(), and refuse a taken one', async () => {
      const fd = await valueOf<number>((cb) => engine.createAnonymous(dir, cb));
      open.push(fd);
      expect(subject.list()).to.deep.equal([]);
      const data = Buffer.from('unnamed');
      expect(await valueOf<number>((cb) => engine.write(fd, data, 0, data.length, 0, cb))).to.equal(7);
      await valueOf<void>((cb) => engine.link(fd, `${dir}/named`, cb));
      expect(subject.readFile(`${dir}/named`)?.toString()).to.equal('unnamed');
      const taken = await errorOf<void>((cb) => engine.link(fd, `${dir}/named`, cb));
      expect(taken.code).to.equal('EEXIST');
    });

    it('should duplicate a descriptor into a second one on the same file', async () => {
      subject.writeFile(`${dir}/d.txt`, 'shared');
      const fd = await openFile(`${dir}/d.txt`, 'read');
      const copy = await valueOf<number>((cb) => engine.duplicate(fd, 'read', cb));
      open.push(copy);
      expect(copy).to.not.equal(fd);
      await closeFile(fd);
      expect(await readText(copy, 6, 0)).to.equal('shared');
    });

    it('should stat, rename and unlink by path, with ENOENT for a missing one', async () => {
      subject.writeFile(`${dir}/from.txt`, '1234');
      expect((await valueOf<FileStats>((cb) => engine.stat(`${dir}/from.txt`, cb))).size).to.equal(4);
      await valueOf<void>((cb) => engine.rename(`${dir}/from.txt`, `${dir}/to.txt`, cb));
      expect(subject.list()).to.deep.equal(['to.txt']);
      await valueOf<void>((cb) => engine.unlink(`${dir}/to.txt`, cb));
      expect(subject.list()).to.deep.equal([]);
      const error = await errorOf<FileStats>((cb) => engine.stat(`${dir}/to.txt`, cb));
      expect(error).to.include({ code: 'ENOENT', path: `${dir}/to.txt` });
      expect((await errorOf<void>((cb) => engine.unlink(`${dir}/to.txt`, cb))).code).to.equal('ENOENT');
    });

    it('should write a new file whole with writeNewFile (if declared), and leave an existing one alone', async function () {
      if (engine.capabilities.writeNewFile !== true) this.skip();
      const data = Buffer.from('--new file--');
      const written = await valueOf<number>((cb) => engine.writeNewFile!(`${dir}/new`, data, 2, 8, cb));
      expect(written).to.equal(8);
      expect(subject.readFile(`${dir}/new`)?.toString()).to.equal('new file');
      const exists = await errorOf<number>((cb) => engine.writeNewFile!(`${dir}/new`, data, 0, 2, cb));
      expect(exists.code).to.equal('EEXIST');
      expect(subject.readFile(`${dir}/new`)?.toString()).to.equal('new file');
    });

    it('should read and write at once with readNow/writeNow (if declared), or decline with WOULD_BLOCK', async function () {
      if (engine.capabilities.syncCalls !== true) this.skip();
      subject.writeFile(`${dir}/now.txt`, 'abcdef');
      const fd = await openFile(`${dir}/now.txt`);
      const buffer = Buffer.alloc(3);
      const read = engine.readNow!(fd, buffer, 0, 3, 2, false);
      expect(read === WOULD_BLOCK || buffer.toString() === 'cde', `all of it, or declined: ${read}`).to.equal(true);
      const written = engine.writeNow!(fd, Buffer.from('XY'), 0, 2, 0, false);
      expect(written === WOULD_BLOCK || written === 1 || written === 2, `some of it, or declined: ${written}`).to.equal(
        true,
      );
    });

    it('should report a canceled call exactly once: ECANCELED if it was stopped, else its real outcome', async () => {
      subject.writeFile(`${dir}/c.txt`, 'c');
      let request: ReturnType<FileEngine['openExisting']>;
      const report = call<number>((cb) => (request = engine.openExisting(`${dir}/c.txt`, 'read', cb)));
      if (engine.capabilities.cancelableCalls === true) expect(request!).to.have.property('cancel');
      else expect(request!).to.equal(undefined);
      request?.cancel();
      const { error, result } = await report;
      if (error === null) open.push(result);
      else expect(error.code).to.equal('ECANCELED');
    });
  });
}
