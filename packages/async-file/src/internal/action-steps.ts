import type { FileCallback } from '../file-callback.js';
import { WOULD_BLOCK, type EngineError, type FileEngine } from '../file-engine.js';
import { defineStep, type ActionStep, type FileAction, type StepServices } from './file-action.js';
import { detachedBufferError, ownFailure } from './engine-failure.js';
import { engineRead, engineReadNow, engineWriteNow } from './checked-calls.js';

type Done = FileCallback<unknown>;

/** A step whose success changes nothing on the handle and needs no undo: one engine call. */
function plain(kind: string, run: ActionStep['run']): ActionStep {
  return defineStep({ kind, run });
}

/** Undo of a descriptor that arrived after cancel: close it. */
function closeDescriptor(_action: FileAction, result: unknown, engine: FileEngine, done: () => void): void {
  engine.close(result as number, () => done());
}

function setOpenFile(action: FileAction, fd: number, engine: FileEngine): void {
  const handle = action.handle;
  if (handle === null) throw new Error('internal: an open action without a handle');
  // the handle checks every later read and write against it (the handle checked the engine's capability); asked
  // first, so that the handle is left as it was if the engine throws
  const alignment = action.direct ? engine.directIoAlignment!(fd) : null;
  handle.fd = fd;
  handle.mode = action.mode;
  handle.alignment = alignment;
}

export const CREATE_ANONYMOUS: ActionStep = defineStep({
  kind: 'createAnonymousFile',
  run: (action, { engine }, done) => (action.request = engine.createAnonymous(action.path, done)),
  onSuccess: (action, services, result) => setOpenFile(action, result as number, services.engine),
  undo: closeDescriptor,
});

export const OPEN_EXISTING: ActionStep = defineStep({
  kind: 'openExistingFile',
  run: (action, { engine }, done) =>
    (action.request = engine.openExisting(action.path, action.mode, done, action.direct || undefined)),
  onSuccess: (action, services, result) => setOpenFile(action, result as number, services.engine),
  undo: closeDescriptor,
});

export const DUPLICATE: ActionStep = defineStep({
  kind: 'duplicate',
  run: (action, { engine }, done) => (action.request = engine.duplicate(action.fd, action.mode, done)),
  onSuccess: (action, _services, result) => {
    const target = action.target;
    if (target === null) throw new Error('internal: duplicate without a target handle');
    target.fd = result as number;
    target.mode = action.mode;
    return target.owner;
  },
  undo: closeDescriptor,
});

export const CREATE_HARD_LINK: ActionStep = defineStep({
  kind: 'createHardLink',
  run: (action, { engine }, done) => (action.request = engine.link(action.fd, action.toPath, done)),
  undo: (action, _result, engine, done) => engine.unlink(action.toPath, () => done()),
});

/**
 * Reserves the read's buffer unless the caller gave it (readInto), and checks the caller's is still whole: one detached
 * (or a resizable one shrunk) since the action was enqueued has fewer bytes than the read would fill.
 */
function prepareRead(action: FileAction, services: StepServices): Error | undefined {
  // only a read without a buffer reserves one: readInto's is the caller's, and a fast-path read that went the
  // asynchronous way keeps its first reservation
  if (action.buffer === undefined) {
    const failure = services.buffers.reserve(action);
    if (failure !== undefined) return failure;
  }
  const available = (action.buffer as Uint8Array).length;
  if (available < action.bufferOffset + action.length) return detachedBufferError('read', action.length, available);
  return undefined;
}

/** Issues a read into `action.buffer` (reserved first unless the caller gave it: readInto). */
function runRead(action: FileAction, services: StepServices, done: Done): void {
  const failure = prepareRead(action, services);
  if (failure !== undefined) return services.completeLater(action, failure, undefined);
  action.request = engineRead(services.engine, action, done);
}

/** The fast path of a read: readNow into `action.buffer` (reserved first unless the caller gave it). */
function runReadNow(action: FileAction, services: StepServices, noWait: boolean): unknown {
  const failure = prepareRead(action, services);
  if (failure !== undefined) throw ownFailure(failure);
  return engineReadNow(services.engine, action, noWait);
}

export const READ: ActionStep = defineStep({
  kind: 'read',
  transfersBytes: true,
  run: runRead,
  runNow: runReadNow,
  onSuccess: (action, services, bytesRead) => services.buffers.resultOf(action, bytesRead as number),
});

/**
 * A read into the caller's buffer (AsyncFileHandle.readInto): `action.buffer` is set before it runs, so no memory is
 * reserved; the callback receives the number of bytes read (the engine's result).
 */
export const READ_INTO: ActionStep = defineStep({
  kind: 'readInto',
  transfersBytes: true,
  run: runRead,
  runNow: runReadNow,
});

/** A write that reports 0 bytes for a non-empty buffer would loop forever: report it as EIO instead. */
function noProgressError(): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error('EIO: write made no progress (0 bytes written), write');
  error.code = 'EIO';
  error.syscall = 'write';
  return error;
}

/** The error of a write (or writeNewFile) whose buffer was detached or shrunk since it was enqueued; else undefined. */
function changedBuffer(action: FileAction, kind: string): EngineError | undefined {
  const length = (action.buffer as Uint8Array).length;
  return length === action.length ? undefined : detachedBufferError(kind, action.length, length);
}

/** Issues one write of the bytes not written yet; returns the error instead if the buffer changed meanwhile. */
function writeRest(action: FileAction, engine: FileEngine, done: Done): EngineError | undefined {
  const failure = changedBuffer(action, 'write');
  if (failure !== undefined) return failure;
  const buffer = action.buffer as Uint8Array;
  const offset = action.progress;
  action.request = engine.write(action.fd, buffer, offset, buffer.length - offset, action.position + offset, done);
  return undefined;
}

/**
 * Writes all of the buffer: the scheduler calls `proceed` with each engine result, and a partial write issues the
 * next chunk through the same callback (no closure per chunk); once canceled, no further chunk is written.
 */
export const WRITE: ActionStep = defineStep({
  kind: 'write',
  isWrite: true,
  transfersBytes: true,
  run: (action, services, done) => {
    // nothing to write: no engine call, and the callback still comes later, as for any action
    if (action.length === 0) return services.completeLater(action, null, 0);
    const failure = writeRest(action, services.engine, done);
    if (failure !== undefined) services.completeLater(action, failure, undefined);
  },
  runNow: (action, { engine }, noWait) => {
    const failure = changedBuffer(action, 'write');
    if (failure !== undefined) throw ownFailure(failure);
    const buffer = action.buffer as Uint8Array;
    while (action.progress < buffer.length) {
      const written = engineWriteNow(engine, action, noWait);
      // the rest goes the asynchronous way, from where this stopped
      if (written === WOULD_BLOCK) return WOULD_BLOCK;
      if (written === 0) throw noProgressError();
      action.progress += written;
    }
    return action.progress;
  },
  proceed: (action, { engine }, done, written) => {
    const length = action.length;
    if (length === 0) return undefined;
    if (written === 0) return noProgressError();
    action.progress += written as number;
    if (action.progress >= length || action.isCanceled) return undefined;
    return writeRest(action, engine, done) ?? 'pending';
  },
  onSuccess: (action) => action.progress,
});

export const FSTAT: ActionStep = plain('stat', (action, { engine }, done) => {
  action.request = engine.fstat(action.fd, done);
});

export const TRUNCATE: ActionStep = plain('truncate', (action, { engine }, done) => {
  action.request = engine.truncate(action.fd, action.length, done);
});

export const SYNC: ActionStep = plain('sync', (action, { engine }, done) => {
  action.request = engine.sync(action.fd, done);
});

/** A close runs even when canceled: only its callback is dropped. */
export const CLOSE: ActionStep = defineStep({
  kind: 'close',
  alwaysRuns: true,
  run: (action, { engine }, done) => (action.request = engine.close(action.fd, done)),
});

export const STAT_PATH: ActionStep = plain('statPath', (action, { engine }, done) => {
  action.request = engine.stat(action.path, done);
});

export const UNLINK: ActionStep = plain('unlink', (action, { engine }, done) => {
  action.request = engine.unlink(action.path, done);
});

export const RENAME: ActionStep = plain('rename', (action, { engine }, done) => {
  action.request = engine.rename(action.path, action.toPath, done);
});

/** writeNewFile: one engine call (io_uring: one linked chain); canceled after it succeeded, the new file is removed. */
export const WRITE_NEW_FILE: ActionStep = defineStep({
  kind: 'writeNewFile',
  transfersBytes: true,
  run: (action, services, done) => {
    const failure = changedBuffer(action, 'writeNewFile');
    if (failure !== undefined) return services.completeLater(action, failure, undefined);
    const buffer = action.buffer as Uint8Array;
    // the manager refused writeNewFile unless the engine declared it
    action.request = services.engine.writeNewFile!(action.path, buffer, 0, buffer.length, done);
  },
  undo: (action, _result, engine, done) => engine.unlink(action.path, () => done()),
});
