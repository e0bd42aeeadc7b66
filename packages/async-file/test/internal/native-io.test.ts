import fs from 'node:fs';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { FADVISE, allocateAligned, loadNativeIo, type NativeIo } from '../../src/internal/native-io.js';
import { expectArgumentError } from '../support/argument-error.js';
import { useTempDir } from '../support/temp-dir.js';

const EBADF = -9;
const EAGAIN = -11;
const EOPNOTSUPP = -95;
/** statfs f_type of ext4 (EXT4_SUPER_MAGIC). */
const EXT4_MAGIC = 0xef53;
/** A descriptor no test opens (far above what this process uses). */
const BAD_FD = 1 << 20;
const MiB = 1024 * 1024;

const loaded = loadNativeIo();

/** Opens `file`, runs `body` with the descriptor and closes it, whatever `body` did. */
function withFd<T>(file: string, flags: string | number, body: (fd: number) => T): T {
  const fd = fs.openSync(file, flags);
  try {
    return body(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `content` to `file` and makes it durable, so its page-cache pages are clean (and DONTNEED can drop them). */
function writeDurable(file: string, content: Uint8Array): void {
  fs.writeFileSync(file, content);
  withFd(file, 'r+', (fd) => fs.fsyncSync(fd));
}

function isPowerOfTwo(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && (value & (value - 1)) === 0;
}

/** Bytes 0..255 repeating, so a read at the wrong offset shows. */
function pattern(size: number): Buffer {
  const bytes = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) bytes[i] = i & 0xff;
  return bytes;
}

describe('NativeIo', function () {
  if (loaded.io === undefined) {
    const reason = loaded.reason;
    // CI builds the addon: there, unavailability is a failure
    it(`is ${process.env['CI'] ? 'required in CI' : 'skipped'}: the native addon is unavailable (${reason})`, function () {
      if (process.env['CI']) throw new Error(`the native sync I/O functions must be available in CI: ${reason}`);
      console.warn(`native sync I/O tests skipped: ${reason}`);
      this.skip();
    });
    return;
  }
  const io: NativeIo = loaded.io;
  const tmp = useTempDir();

  describe('preadNoWait()', () => {
    it('should return the bytes of a file that is in the page cache', () => {
      const file = tmp.join('cached');
      const content = pattern(64 * 1024);
      fs.writeFileSync(file, content);
      fs.readFileSync(file);
      const buffer = Buffer.alloc(1000 + 8192);
      const n = withFd(file, 'r', (fd) => io.preadNoWait(fd, buffer, 1000, 8192, 12_345));
      expect(n).to.equal(8192);
      expect(buffer.subarray(1000).equals(content.subarray(12_345, 12_345 + 8192))).to.equal(true);
      expect(buffer.subarray(0, 1000).every((byte) => byte === 0)).to.equal(true);
    });

    it('should return 0 at the end of the file', () => {
      const file = tmp.join('short');
      fs.writeFileSync(file, 'abc');
      const n = withFd(file, 'r', (fd) => io.preadNoWait(fd, Buffer.alloc(10), 0, 10, 3));
      expect(n).to.equal(0);
    });

    it('should return -EAGAIN (-11) for a block dropped from the page cache, without waiting for the disk', () => {
      const file = tmp.join('evicted');
      writeDurable(file, pattern(4 * MiB));
      const buffer = Buffer.alloc(4096);
      const results = withFd(file, 'r', (fd) => {
        const seen: number[] = [];
        // a failed RWF_NOWAIT read may itself start reading the block in, so every attempt evicts again first; the
        // retries are for a kernel that is slow to drop the pages (another process reading the file, say)
        for (let attempt = 0; attempt < 5; attempt++) {
          expect(io.fadvise(fd, 0, 0, FADVISE.DONTNEED)).to.equal(0);
          expect(io.fadvise(fd, 0, 0, FADVISE.RANDOM)).to.equal(0);
          seen.push(io.preadNoWait(fd, buffer, 0, 4096, 2 * MiB + 8192));
          if (seen.at(-1) === EAGAIN) break;
        }
        return seen;
      });
      expect(results.at(-1), `results of the attempts: ${results.join(', ')}`).to.equal(EAGAIN);
    });
  });

  describe('preadAllNoWait()', () => {
    it('should fill the whole view (its byteOffset applied) from a file in the page cache, and nothing around it', () => {
      const file = tmp.join('cached-all');
      const content = pattern(64 * 1024);
      fs.writeFileSync(file, content);
      fs.readFileSync(file);
      const memory = Buffer.alloc(100 + 8192 + 100);
      const view = memory.subarray(100, 100 + 8192);
      const n = withFd(file, 'r', (fd) => io.preadAllNoWait(fd, view, 12_345));
      expect(n).to.equal(8192);
      expect(view.equals(content.subarray(12_345, 12_345 + 8192))).to.equal(true);
      expect(memory.subarray(0, 100).every((byte) => byte === 0)).to.equal(true);
      expect(memory.subarray(100 + 8192).every((byte) => byte === 0)).to.equal(true);
    });

    it('should return the bytes left before the end of the file, then 0', () => {
      const file = tmp.join('short-all');
      fs.writeFileSync(file, 'abcdef');
      const buffer = Buffer.alloc(10);
      const results = withFd(file, 'r', (fd) => [io.preadAllNoWait(fd, buffer, 2), io.preadAllNoWait(fd, buffer, 6)]);
      expect(results).to.deep.equal([4, 0]);
      expect(buffer.subarray(0, 4).toString()).to.equal('cdef');
    });

    it('should refuse a buffer that is not a Uint8Array and a bad fd or position, naming the value', () => {
      expectArgumentError(
        () => io.preadAllNoWait(BAD_FD, new Float64Array(2) as unknown as Uint8Array, 0),
        TypeError,
        'buffer',
        'an instance of Float64Array',
      );
      expectArgumentError(
        () => io.preadAllNoWait(BAD_FD, Buffer.alloc(8), -1),
        RangeError,
        'position',
        '`-1` (number)',
      );
      expectArgumentError(
        () => io.preadAllNoWait(BAD_FD, Buffer.alloc(8), Number.NaN),
        RangeError,
        'position',
        '`NaN` (number)',
      );
      expectArgumentError(
        () => io.preadAllNoWait(2 ** 31, Buffer.alloc(8), 0),
        RangeError,
        'fd',
        '`2147483648` (number)',
      );
      expectArgumentError(() => io.preadAllNoWait('3' as never, Buffer.alloc(8), 0), TypeError, 'fd', '`"3"` (string)');
    });
  });

  describe('pwriteNoWait()', () => {
    it('should write bytes that fs.readFileSync sees (O_DIRECT overwrite of an allocated, uncached block)', function () {
      const file = tmp.join('direct');
      writeDurable(file, Buffer.alloc(16 * 1024, 1));
      const alignment = withFd(file, 'r', (fd) => io.directIoAlignment(fd));
      if (typeof alignment === 'number' || alignment[0] === 0) this.skip(); // no O_DIRECT on this file system
      const [memoryAlignment, offsetAlignment] = alignment;
      const size = Math.max(offsetAlignment, 4096);
      const buffer = allocateAligned(io, size, Math.max(memoryAlignment, 4096)).fill(9);
      const results = withFd(file, fs.constants.O_RDWR | fs.constants.O_DIRECT, (fd) => {
        const seen: number[] = [];
        // a NOWAIT direct write fails with -EAGAIN while the range has pages in the cache: drop them first
        for (let attempt = 0; attempt < 5; attempt++) {
          expect(io.fadvise(fd, 0, 0, FADVISE.DONTNEED)).to.equal(0);
          seen.push(io.pwriteNoWait(fd, buffer, 0, size, size));
          if (seen.at(-1) !== EAGAIN) break;
        }
        return seen;
      });
      expect(results.at(-1), `results of the attempts: ${results.join(', ')}`).to.equal(size);
      const expected = Buffer.alloc(16 * 1024, 1).fill(9, size, 2 * size);
      expect(fs.readFileSync(file).equals(expected)).to.equal(true);
    });

    it('should write a buffered range, or return -EOPNOTSUPP/-EAGAIN and leave the file unchanged', () => {
      const file = tmp.join('buffered');
      fs.writeFileSync(file, 'hello world');
      const n = withFd(file, 'r+', (fd) => io.pwriteNoWait(fd, Buffer.from('xxWORLDxx'), 2, 5, 6));
      // ext4 and tmpfs refuse buffered RWF_NOWAIT writes (-EOPNOTSUPP); XFS and btrfs do them
      expect([5, EOPNOTSUPP, EAGAIN]).to.include(n);
      expect(fs.readFileSync(file, 'utf8')).to.equal(n === 5 ? 'hello WORLD' : 'hello world');
    });
  });

  describe('isCached()', () => {
    const isCached = (fd: number, position: number, length: number): number => {
      if (io.isCached === undefined) throw new Error('this build of the addon has no isCached');
      return io.isCached(fd, position, length);
    };

    it('should tell cached pages from dropped ones, and read nothing itself (cachestat)', () => {
      const file = tmp.join('cachestat');
      writeDurable(file, pattern(4 * MiB));
      withFd(file, 'r', (fd) => {
        fs.readFileSync(file);
        expect(isCached(fd, 0, 4 * MiB)).to.equal(1);
        expect(isCached(fd, MiB + 100, 8192)).to.equal(1);
        // dropped: every question about them says so, and asking (unlike a declined RWF_NOWAIT read) starts no read:
        // the pages are still missing after many questions
        let answers = '';
        for (let attempt = 0; attempt < 5 && !answers.endsWith('0'); attempt++) {
          expect(io.fadvise(fd, 0, 0, FADVISE.DONTNEED)).to.equal(0);
          answers += String(isCached(fd, 2 * MiB, 4096));
        }
        expect(answers.at(-1), `answers: ${answers}`).to.equal('0');
        for (let question = 0; question < 100; question++) expect(isCached(fd, 2 * MiB, 4096)).to.equal(0);
        expect(io.preadNoWait(fd, Buffer.alloc(4096), 0, 4096, 2 * MiB)).to.equal(EAGAIN);
        // one page cached again among dropped ones: the range is not all cached
        fs.readSync(fd, Buffer.alloc(4096), 0, 4096, 3 * MiB);
        expect(isCached(fd, 3 * MiB, 4096)).to.equal(1);
        expect(isCached(fd, 3 * MiB - 4096, 8192)).to.equal(0);
      });
    });

    it('should count only the pages of the file: 1 past its end and for a length of 0', () => {
      const file = tmp.join('short');
      writeDurable(file, pattern(100));
      withFd(file, 'r', (fd) => {
        fs.readFileSync(file);
        // a 4 KiB read at 50 reaches past the end (and past its only page): only that page counts
        expect(isCached(fd, 50, 8192)).to.equal(1);
        expect(isCached(fd, 4096 * 3, 4096)).to.equal(1);
        expect(isCached(fd, 2 ** 53 - 2, 1)).to.equal(1);
        expect(isCached(fd, 0, 0)).to.equal(1);
        expect(io.fadvise(fd, 0, 0, FADVISE.DONTNEED)).to.equal(0);
        expect(isCached(fd, 50, 8192)).to.equal(0);
      });
    });

    it('should return -EBADF (-9) for a closed descriptor, and refuse bad numbers naming them', () => {
      expect(isCached(BAD_FD, 0, 4096)).to.equal(EBADF);
      expectArgumentError(() => isCached(-1, 0, 1), RangeError, 'fd', '`-1` (number)');
      expectArgumentError(() => isCached(2 ** 31, 0, 1), RangeError, 'fd', '`2147483648` (number)');
      expectArgumentError(() => isCached(BAD_FD, Number.NaN, 1), RangeError, 'position', '`NaN` (number)');
      expectArgumentError(() => isCached(BAD_FD, 2 ** 53, 1), RangeError, 'position', '`9007199254740992` (number)');
      expectArgumentError(() => isCached(BAD_FD, 0, -1), RangeError, 'length', '`-1` (number)');
      expectArgumentError(() => isCached(BAD_FD, 0, '1' as never), TypeError, 'length', '`"1"` (string)');
      expectArgumentError(() => isCached(BAD_FD, 0, Infinity), RangeError, 'length', '`Infinity` (number)');
    });
  });

  describe('fadvise()', () => {
    it('should return 0 for every advice on a regular file', () => {
      const file = tmp.join('advised');
      fs.writeFileSync(file, pattern(8192));
      const results = withFd(file, 'r', (fd) => Object.values(FADVISE).map((advice) => io.fadvise(fd, 0, 0, advice)));
      expect(results).to.deep.equal([0, 0, 0, 0, 0, 0]);
    });

    it('should return -EBADF (-9) for a closed descriptor', () => {
      expect(io.fadvise(BAD_FD, 0, 0, FADVISE.NORMAL)).to.equal(EBADF);
    });
  });

  describe('directIoAlignment()', () => {
    it('should return two powers of two for a file (both > 0 on ext4)', () => {
      const file = tmp.join('aligned');
      fs.writeFileSync(file, 'x');
      const alignment = withFd(file, 'r', (fd) => io.directIoAlignment(fd));
      expect(alignment).to.be.an('array').with.lengthOf(2);
      const [memoryAlignment, offsetAlignment] = alignment as readonly [number, number];
      if (fs.statfsSync(tmp.path).type === EXT4_MAGIC) {
        expect(isPowerOfTwo(memoryAlignment), `memory alignment ${memoryAlignment}`).to.equal(true);
        expect(isPowerOfTwo(offsetAlignment), `offset alignment ${offsetAlignment}`).to.equal(true);
      } else {
        // elsewhere (tmpfs: no O_DIRECT) both may be 0, but never one without the other
        expect(memoryAlignment === 0).to.equal(offsetAlignment === 0);
        if (memoryAlignment !== 0)
          expect(isPowerOfTwo(memoryAlignment) && isPowerOfTwo(offsetAlignment)).to.equal(true);
      }
    });

    it('should return -EBADF (-9) for a closed descriptor', () => {
      expect(io.directIoAlignment(BAD_FD)).to.equal(EBADF);
    });
  });

  describe('alignmentGap() and allocateAligned()', () => {
    it('should give an aligned buffer of the size asked, whose subarray(1) is 4095 bytes short of alignment', () => {
      const buffer = allocateAligned(io, 8192, 4096);
      expect(buffer.length).to.equal(8192);
      expect(io.alignmentGap(buffer, 4096)).to.equal(0);
      expect(io.alignmentGap(buffer.subarray(1), 4096)).to.equal(4095);
      expect(io.alignmentGap(buffer.subarray(4095), 4096)).to.equal(1);
      expect(io.alignmentGap(buffer.subarray(1), 1)).to.equal(0);
    });

    it("should count a Uint8Array's byteOffset", () => {
      const aligned = allocateAligned(io, 64, 16);
      const view = new Uint8Array(aligned.buffer, aligned.byteOffset + 3, 8);
      expect(io.alignmentGap(view, 16)).to.equal(13);
    });
  });

  describe('argument checks', () => {
    it('should throw a TypeError for a buffer that is not a Uint8Array', () => {
      expectArgumentError(
        () => io.preadNoWait(BAD_FD, new Uint16Array(8) as unknown as Uint8Array, 0, 1, 0),
        TypeError,
        'buffer',
        'an instance of Uint16Array',
      );
      expectArgumentError(() => io.alignmentGap('abc' as never, 8), TypeError, 'buffer', '`"abc"` (string)');
    });

    it('should throw a RangeError for a length beyond the buffer', () => {
      expectArgumentError(
        () => io.pwriteNoWait(BAD_FD, Buffer.alloc(4096), 0, 5000, 0),
        RangeError,
        'length',
        '`5000` (number)',
      );
      expectArgumentError(
        () => io.preadNoWait(BAD_FD, Buffer.alloc(4096), 4000, 97, 0),
        RangeError,
        'length',
        '`97` (number)',
      );
    });

    it('should throw a RangeError for a negative or fractional number, a TypeError for a non-number', () => {
      expectArgumentError(
        () => io.preadNoWait(BAD_FD, Buffer.alloc(8), 0, 8, -1),
        RangeError,
        'position',
        '`-1` (number)',
      );
      expectArgumentError(() => io.fadvise(BAD_FD, 0, 0, 1.5), RangeError, 'advice', '`1.5` (number)');
      expectArgumentError(() => io.fadvise(BAD_FD, 0, 0, 6), RangeError, 'advice', '`6` (number)');
      expectArgumentError(() => io.directIoAlignment('3' as never), TypeError, 'fd', '`"3"` (string)');
    });

    it('should throw a RangeError for an alignment that is not a power of two', () => {
      expectArgumentError(() => io.alignmentGap(Buffer.alloc(8), 3), RangeError, 'alignment', '`3` (number)');
      expectArgumentError(() => io.alignmentGap(Buffer.alloc(8), 0), RangeError, 'alignment', '`0` (number)');
      expectArgumentError(() => allocateAligned(io, 64, 3), RangeError, 'alignment', '`3` (number)');
      expectArgumentError(() => allocateAligned(io, -1, 8), RangeError, 'size', '`-1` (number)');
    });
  });
});
