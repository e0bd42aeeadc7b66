import { DescriptorEngine, readNowUnchecked, writeNowUnchecked } from '../engines/descriptor-engine.js';
import { NodeFsEngine, readUnchecked } from '../engines/node-fs-engine.js';
import type { FileCallback } from '../file-callback.js';
import type { EngineRequest, FileEngine } from '../file-engine.js';
import type { FileAction } from './file-action.js';

/*
 * The engine calls of the manager's reads and writes, whose arguments the handle checked when it enqueued the action
 * (the descriptor, the buffer and the range in it, the position). The built-in engines check them again on entry,
 * since anyone may call them: for the manager's own calls that is repeated work on the path of every read
 * (bench/journal/async-file.md has the instruction counts). Each function below calls the built-in engine's body
 * without its checks while the engine's method is the built-in one, and otherwise the method itself (a subclass's
 * override, a test's spy, another engine). What the bodies call (fs, the native addon) still checks, so a bad value
 * never reaches the kernel unchecked.
 */
const BUILT_IN_READ_NOW = DescriptorEngine.prototype.readNow;
const BUILT_IN_WRITE_NOW = DescriptorEngine.prototype.writeNow;
const NODE_FS_READ = NodeFsEngine.prototype.read;

/** A read's `engine.readNow` of `action.buffer`, without the built-in engines' repeated checks. */
export function engineReadNow(engine: FileEngine, action: FileAction, noWait: boolean): number {
  const { fd, bufferOffset, length, position } = action;
  const buffer = action.buffer as Uint8Array;
  if (engine.readNow === BUILT_IN_READ_NOW) return readNowUnchecked(fd, buffer, bufferOffset, length, position, noWait);
  // the manager refused the fast path unless the engine declared `syncCalls`
  return engine.readNow!(fd, buffer, bufferOffset, length, position, noWait);
}

/** A write's `engine.writeNow` of the bytes not written yet, without the built-in engines' repeated checks. */
export function engineWriteNow(engine: FileEngine, action: FileAction, noWait: boolean): number {
  const buffer = action.buffer as Uint8Array;
  const offset = action.progress;
  const rest = buffer.length - offset;
  const at = action.position + offset;
  if (engine.writeNow === BUILT_IN_WRITE_NOW) return writeNowUnchecked(action.fd, buffer, offset, rest, at, noWait);
  return engine.writeNow!(action.fd, buffer, offset, rest, at, noWait);
}

/** A read's `engine.read` into `action.buffer`, without node-fs's repeated checks (io_uring's are the ring's). */
export function engineRead(
  engine: FileEngine,
  action: FileAction,
  done: FileCallback<number>,
): EngineRequest | undefined {
  const { fd, bufferOffset, length, position } = action;
  const buffer = action.buffer as Uint8Array;
  if (engine.read === NODE_FS_READ) return readUnchecked(fd, buffer, bufferOffset, length, position, done);
  return engine.read(fd, buffer, bufferOffset, length, position, done);
}
