import { WOULD_BLOCK, type EngineCallback, type FileEngine, type OpenMode } from 'async-op-file';
import type { DescriptorEngineClass } from '../auto-manager.js';
import { adviseRandom, type NativeIo } from '../native-io.js';

/** The counters {@link countingEngine} adds. */
export interface FastPathCounters {
  /** Fast-path attempts (readNow calls) and how many of them declined (WOULD_BLOCK: not in the page cache). */
  readonly attempts: number;
  readonly declined: number;
  /** Questions whether a read's bytes are cached (isCached, asked while a handle backs off), and how many said yes. */
  readonly questions: number;
  readonly cachedAnswers: number;
}

/**
 * `Base`, counting fast-path attempts and declines, with readahead off on every descriptor it opens (so that a miss
 * reads only the block asked for, and no run warms the cache for the next).
 */
export function countingEngine(Base: DescriptorEngineClass, io: NativeIo): new () => FileEngine & FastPathCounters {
  return class CountingEngine extends Base implements FastPathCounters {
    attempts = 0;
    declined = 0;
    questions = 0;
    cachedAnswers = 0;

    override openExisting(filePath: string, mode: OpenMode, callback: EngineCallback<number>): undefined {
      super.openExisting(filePath, mode, (error, fd) => {
        if (error === null) adviseRandom(io, fd);
        callback(error, fd);
      });
      return undefined;
    }

    override readNow(
      fd: number,
      buffer: Uint8Array,
      offset: number,
      length: number,
      position: number,
      noWait: boolean,
    ): number {
      this.attempts++;
      const result = super.readNow(fd, buffer, offset, length, position, noWait);
      if (result === WOULD_BLOCK) this.declined++;
      return result;
    }

    override isCached(fd: number, position: number, length: number): boolean | undefined {
      this.questions++;
      const answer = super.isCached(fd, position, length);
      if (answer === true) this.cachedAnswers++;
      return answer;
    }
  };
}
