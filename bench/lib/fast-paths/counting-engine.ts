import { NodeFsEngine, WOULD_BLOCK, type EngineCallback, type OpenMode } from 'async-op-file';
import { adviseRandom, type NativeIo } from './native-io.js';

/** The node-fs engine, counting fast-path attempts and declines, with readahead off on every descriptor it opens. */
export class CountingEngine extends NodeFsEngine {
  attempts = 0;
  declined = 0;

  constructor(private readonly io: NativeIo) {
    super();
  }

  override openExisting(filePath: string, mode: OpenMode, callback: EngineCallback<number>): undefined {
    return super.openExisting(filePath, mode, (error, fd) => {
      if (error === null) adviseRandom(this.io, fd);
      callback(error, fd);
    });
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
}
