/**
 * An instrumented engine for the `abort` group: the engine a manager really uses (node-fs or io_uring), counting the
 * reads it is asked to issue and the bytes its completions report, before and after a mark (the cancel). Reads issued
 * after the mark can only come from actions still queued at the cancel: the contract says there must be none.
 */
import type { EngineCallback, EngineRequest, FileEngine } from 'async-op-file';
import type { DescriptorEngineClass } from '../auto-manager.js';

/** What a {@link recordingEngine} counted. */
export interface ReadRecord {
  /** Bytes reported by read completions so far (the progress the cancel waits for). */
  readonly bytesRead: number;
  /** Read requests issued to the engine after the mark. */
  readonly readsIssuedAfterMark: number;
  /** Read completions reported after the mark, and their bytes (a read in flight at the cancel lands here). */
  readonly completionsAfterMark: number;
  readonly bytesAfterMark: number;
  /** Reads issued and not yet reported. */
  readonly inFlight: number;
  /** performance.now() of the last completion after the mark (the mark's time when none came). */
  readonly lastCompletionAfterMark: number;
}

/** An engine that records its reads. */
export interface RecordingEngine extends FileEngine {
  readonly record: ReadRecord;
  /** Starts counting "after the mark" (the cancel), from zero. */
  mark(): void;
  /** Forgets everything (before the next run). */
  reset(): void;
}

/**
 * `Base` (an engine on real descriptors), recording every read() it issues and every completion it reports, and every
 * synchronous read of the fast path (readNow) as both.
 */
export function recordingEngine(Base: DescriptorEngineClass): new () => RecordingEngine {
  return class extends Base implements RecordingEngine {
    private marked = false;
    private counts = {
      bytesRead: 0,
      readsIssuedAfterMark: 0,
      completionsAfterMark: 0,
      bytesAfterMark: 0,
      inFlight: 0,
      lastCompletionAfterMark: 0,
    };

    get record(): ReadRecord {
      return { ...this.counts };
    }

    mark(): void {
      this.marked = true;
      Object.assign(this.counts, { readsIssuedAfterMark: 0, completionsAfterMark: 0, bytesAfterMark: 0 });
      this.counts.lastCompletionAfterMark = performance.now();
    }

    reset(): void {
      this.marked = false;
      Object.assign(this.counts, { bytesRead: 0, readsIssuedAfterMark: 0, completionsAfterMark: 0, bytesAfterMark: 0 });
    }

    override read(
      fd: number,
      buffer: Uint8Array,
      offset: number,
      length: number,
      position: number,
      callback: EngineCallback<number>,
    ): EngineRequest | undefined {
      const counts = this.counts;
      counts.inFlight++;
      if (this.marked) counts.readsIssuedAfterMark++;
      return super.read(fd, buffer, offset, length, position, (error, bytesRead) => {
        counts.inFlight--;
        const bytes = error === null ? bytesRead : 0;
        counts.bytesRead += bytes;
        if (this.marked) {
          counts.completionsAfterMark++;
          counts.bytesAfterMark += bytes;
          counts.lastCompletionAfterMark = performance.now();
        }
        callback(error, bytesRead);
      });
    }

    /** The fast path's synchronous read (off in the abort group's managers, counted all the same). */
    override readNow(
      fd: number,
      buffer: Uint8Array,
      offset: number,
      length: number,
      position: number,
      noWait: boolean,
    ): number {
      const bytesRead = super.readNow(fd, buffer, offset, length, position, noWait);
      if (bytesRead < 0) return bytesRead; // declined: the read goes through read()
      const counts = this.counts;
      counts.bytesRead += bytesRead;
      if (this.marked) {
        counts.readsIssuedAfterMark++;
        counts.completionsAfterMark++;
        counts.bytesAfterMark += bytesRead;
        counts.lastCompletionAfterMark = performance.now();
      }
      return bytesRead;
    }
  };
}
