import type { FileEngine } from '../file-engine.js';
import type { ActionCallback, ActionStep, FileAction } from './file-action.js';

/** A step whose success changes nothing on the handle and needs no undo. */
function plain(kind: string, run: (action: FileAction, engine: FileEngine, done: ActionCallback) => void): ActionStep {
  return { kind, run };
}

/** Undo of a descriptor that arrived after cancel: close it. */
function closeDescriptor(_action: FileAction, result: unknown, engine: FileEngine, done: () => void): void {
  engine.close(result as number, () => done());
}

function setOpenFile(action: FileAction, fd: number): void {
  const handle = action.handle;
  if (handle === null) throw new Error('internal: an open action without a handle');
  handle.fd = fd;
  handle.mode = action.args.mode;
}

export const CREATE_ANONYMOUS: ActionStep = {
  kind: 'createAnonymousFile',
  run: (action, engine, done) => (action.request = engine.createAnonymous(action.args.path, done)),
  onSuccess: (action, result) => setOpenFile(action, result as number),
  undo: closeDescriptor,
};

export const OPEN_EXISTING: ActionStep = {
  kind: 'openExistingFile',
  run: (action, engine, done) => (action.request = engine.openExisting(action.args.path, action.args.mode, done)),
  onSuccess: (action, result) => setOpenFile(action, result as number),
  undo: closeDescriptor,
};

export const DUPLICATE: ActionStep = {
  kind: 'duplicate',
  run: (action, engine, done) => (action.request = engine.duplicate(action.args.fd, action.args.mode, done)),
  onSuccess: (action, result) => {
    const target = action.args.target;
    if (target === null) throw new Error('internal: duplicate without a target handle');
    target.fd = result as number;
    target.mode = action.args.mode;
    return target;
  },
  undo: closeDescriptor,
};

export const CREATE_HARD_LINK: ActionStep = {
  kind: 'createHardLink',
  run: (action, engine, done) => (action.request = engine.link(action.args.fd, action.args.toPath, done)),
  undo: (action, _result, engine, done) => engine.unlink(action.args.toPath, () => done()),
};

export const READ: ActionStep = plain('read', (action, engine, done) => {
  const { fd, length, position } = action.args;
  const buffer = Buffer.allocUnsafe(length);
  action.request = engine.read(fd, buffer, 0, length, position, (error, bytesRead) =>
    done(error, error === null ? buffer.subarray(0, bytesRead) : undefined),
  );
});

/** A write that reports 0 bytes for a non-empty buffer would loop forever: report it as EIO instead. */
function noProgressError(): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error('EIO: write made no progress (0 bytes written), write');
  error.code = 'EIO';
  error.syscall = 'write';
  return error;
}

/** Repeats partial writes until every byte is written; stops between chunks once canceled. */
export const WRITE: ActionStep = plain('write', (action, engine, done) => {
  const { fd, position } = action.args;
  const buffer = action.args.buffer as Uint8Array;
  if (buffer.length === 0) return done(null, 0);
  const writeRest = (): void => {
    const offset = action.progress;
    action.request = engine.write(fd, buffer, offset, buffer.length - offset, position + offset, (error, written) => {
      if (error !== null) return done(error, undefined);
      if (written === 0) return done(noProgressError(), undefined);
      action.progress += written;
      if (action.progress >= buffer.length || action.isCanceled) done(null, action.progress);
      else writeRest();
    });
  };
  writeRest();
});

export const FSTAT: ActionStep = plain('stat', (action, engine, done) => {
  action.request = engine.fstat(action.args.fd, done);
});

export const TRUNCATE: ActionStep = plain('truncate', (action, engine, done) => {
  action.request = engine.truncate(action.args.fd, action.args.length, done);
});

export const SYNC: ActionStep = plain('sync', (action, engine, done) => {
  action.request = engine.sync(action.args.fd, done);
});

export const CLOSE: ActionStep = plain('close', (action, engine, done) => {
  action.request = engine.close(action.args.fd, done);
});

export const STAT_PATH: ActionStep = plain('statPath', (action, engine, done) => {
  action.request = engine.stat(action.args.path, done);
});

export const UNLINK: ActionStep = plain('unlink', (action, engine, done) => {
  action.request = engine.unlink(action.args.path, done);
});

export const RENAME: ActionStep = plain('rename', (action, engine, done) => {
  action.request = engine.rename(action.args.path, action.args.toPath, done);
});
