import fs from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, it } from 'mocha';
import { AsyncFileHandle, AsyncFileManager, type EngineError, type FileCallback } from '../../src/index.js';
import { DEFAULT_ENGINE } from '../support/default-engine.js';
import { descriptorsUnder } from '../support/descriptors.js';
import { useTempDir } from '../support/temp-dir.js';
import {
  expectContractHolds,
  fillFifo,
  hostileBuffer,
  hostileCallback,
  hostileLength,
  hostileNumber,
  hostileReadPath,
  hostileWritePath,
  makeHostilePaths,
  NOT_A_NUMBER,
  expectRefusedIff,
  valid,
  type HostilePaths,
} from './hostile-values.js';

type Callback = (error: EngineError | null, result: unknown) => void;

/**
 * The callback to pass: the checking one, or the hostile value the run chose instead (typed `any`: it goes to every
 * action, whatever its result type).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- see above */
function callbackOf(hostile: unknown, checking: Callback): FileCallback<any> {
  return (hostile === 'function' ? checking : hostile) as FileCallback<any>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const hostileMode = fc.constantFrom<unknown>('read', 'write', 'read-write', 'append', 'r', '', 5, undefined, null);
const hostileOpenOptions = fc.constantFrom<unknown>(
  'no options',
  {},
  { direct: false },
  { direct: true },
  { direct: 'yes' },
  { direct: 1 },
  null,
);

/** Paths a run may only read: special files get `read`, never `write`. */
function isReadOnlyPath(paths: HostilePaths, value: unknown): boolean {
  return typeof value === 'string' && (value.startsWith('/dev/') || value.startsWith('/proc/') || value === paths.fifo);
}

describe(`AsyncFileHandle hostile arguments (${DEFAULT_ENGINE}, real files)`, () => {
  const tmp = useTempDir();
  let paths: HostilePaths;
  /** The test's own end of the FIFO (read-write, non-blocking): opens of the FIFO never wait for a writer. */
  let fifoFd: number;

  beforeEach(() => {
    paths = makeHostilePaths(tmp.path);
    fifoFd = fs.openSync(paths.fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
  });

  afterEach(() => {
    fs.closeSync(fifoFd);
  });

  /** Descriptors left on the test directory, the test's FIFO end aside. */
  function leftOpen(): number[] {
    return descriptorsUnder(tmp.path).filter((fd) => fd !== fifoFd);
  }

  /**
   * Runs one run of a property, then ends it whatever happened (aborts the handles, closes the manager, restores the
   * files, so that a failing run does not spoil the runs of the shrinking after it), and checks nothing was left open
   * or pending.
   */
  async function run(body: (manager: AsyncFileManager, handles: AsyncFileHandle[]) => Promise<void>): Promise<void> {
    const manager = new AsyncFileManager();
    const handles: AsyncFileHandle[] = [];
    try {
      await body(manager, handles);
    } finally {
      for (const handle of handles) handle.abort();
      await Promise.all(handles.map((handle) => handle.whenIdle()));
      await manager.close();
      for (const name of ['new', 'other']) fs.rmSync(tmp.join(name), { force: true });
      if (!fs.existsSync(paths.file)) fs.writeFileSync(paths.file, 'hostile input');
    }
    expect(manager.pendingCount, 'actions left').to.equal(0);
    expect(leftOpen(), 'descriptors left open').to.deep.equal([]);
  }

  it('should open (or refuse) any path, mode and option, then read it, one callback each', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileReadPath(paths),
        hostileMode,
        hostileOpenOptions,
        hostileCallback,
        hostileNumber,
        fc.constantFrom(0, 1, 4096, 65_536),
        async (filePath, mode, options, callback, offset, length) => {
          // special files are opened for reading only (tests run as root)
          fc.pre(!isReadOnlyPath(paths, filePath) || mode === 'read');
          fillFifo(fifoFd);
          await run(async (manager, handles) => {
            const handle = manager.newFileHandle();
            handles.push(handle);
            const opened = await expectContractHolds(`open ${fc.stringify(filePath)}`, (cb) =>
              options === 'no options'
                ? handle.openExistingFile(filePath as string, mode as 'read', callbackOf(callback, cb))
                : handle.openExistingFile(
                    filePath as string,
                    mode as 'read',
                    options as { direct?: boolean },
                    callbackOf(callback, cb),
                  ),
            );
            const goodOptions =
              options === 'no options' ||
              (typeof options === 'object' &&
                options !== null &&
                [undefined, true, false].includes((options as { direct?: boolean }).direct));
            const badArgument = !valid.path(filePath) || !valid.mode(mode) || !valid.callback(callback) || !goodOptions;
            expectRefusedIff(opened, badArgument, `open ${fc.stringify(filePath)}`);
            if (opened.kind === 'called back' && opened.error === null) {
              expect(handle.isOpen).to.equal(true);
              await expectContractHolds(`read ${fc.stringify(filePath)}`, (cb) =>
                handle.read(offset as number, length, cb),
              );
            }
          });
        },
      ),
    );
  });

  const actionArbitrary = fc.oneof(
    fc.record({ kind: fc.constant('read'), a: hostileNumber, b: hostileLength }),
    fc.record({ kind: fc.constant('readInto'), a: hostileBuffer, b: hostileNumber }),
    fc.record({ kind: fc.constant('write'), a: hostileBuffer, b: hostileNumber }),
    fc.record({ kind: fc.constant('truncate'), a: hostileNumber, b: fc.constant(0) }),
    fc.record({ kind: fc.constant('createHardLink'), a: fc.constant('write path'), b: fc.constant(0) }),
    fc.record({ kind: fc.constantFrom('stat', 'sync', 'duplicate', 'close'), a: fc.constant(0), b: fc.constant(0) }),
    fc.record({ kind: fc.constant('createAnonymousFile'), a: fc.constant('write path'), b: fc.constant(0) }),
  );

  it('should take or refuse every action with any argument, whatever the handle holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        actionArbitrary,
        hostileWritePath(paths),
        hostileCallback,
        fc.boolean(),
        fc.boolean(),
        async (action, writePath, callback, isOpen, isCanceled) => {
          await run(async (manager, handles) => {
            const handle = manager.newFileHandle();
            handles.push(handle);
            if (isOpen) {
              await expectContractHolds('open', (cb) => handle.openExistingFile(paths.file, 'read-write', cb));
            }
            const what = `${action.kind} on a handle ${isOpen ? 'holding a file' : 'holding nothing'}`;
            const outcome = await expectContractHolds(what, (cb) => {
              const done = callbackOf(callback, (error, result) => {
                if (result instanceof AsyncFileHandle) handles.push(result);
                cb(error, result);
              });
              // an unnamed file needs a directory: the test's own instead of the path that names a new file
              const target =
                writePath === tmp.join('new') && action.kind === 'createAnonymousFile' ? tmp.path : writePath;
              const op = start(handle, action, action.kind.startsWith('create') ? target : action.a, done);
              // canceled at once: the callback never comes (the check below then times out), so cancel only to see
              // that nothing breaks, and stand in for the callback
              if (isCanceled && op.cancel()) cb(null, 'canceled');
              return op;
            });
            if (outcome.kind === 'refused') expect(handle.hasPendingAction).to.equal(false);
            expectRefusedIff(outcome, !argumentsAreValid(action, writePath, callback), what);
            if (
              outcome.kind === 'refused' &&
              !(outcome.error instanceof TypeError || outcome.error instanceof RangeError)
            ) {
              // a state refusal: the action needs the file the handle does not hold, or the reverse
              expect(isOpen === (action.kind === 'createAnonymousFile'), `${what}: refused for its state`).to.equal(
                true,
              );
            }
          });
        },
      ),
    );
  });

  it('should refuse every action on an aborted handle and after the manager closed, naming the state', async () => {
    const manager = new AsyncFileManager();
    const aborted = manager.newFileHandle();
    aborted.abort();
    const outcome = await expectContractHolds('stat after abort', (cb) => aborted.stat(cb));
    expect(outcome.kind).to.equal('refused');
    await manager.close();
    expect(() => manager.newFileHandle()).to.throw('the file manager was closed');
    for (const value of NOT_A_NUMBER) {
      expect(() => manager.newFileHandle({ syncThresholdBytes: value as number })).to.throw();
    }
  });
});

/** Whether the documented rules accept the arguments of one action of the property. */
function argumentsAreValid(
  action: { readonly kind: string; readonly a: unknown; readonly b: unknown },
  writePath: unknown,
  callback: unknown,
): boolean {
  if (!valid.callback(callback)) return false;
  switch (action.kind) {
    case 'read':
      return valid.position(action.a) && valid.length(action.b);
    case 'readInto':
    case 'write':
      return valid.buffer(action.a) && valid.position(action.b);
    case 'truncate':
      return valid.position(action.a);
    case 'createHardLink':
    case 'createAnonymousFile':
      return valid.path(writePath);
    default:
      return true;
  }
}

/** Enqueues one action of the property with its (hostile) arguments. */
function start(
  handle: AsyncFileHandle,
  action: { readonly kind: string; readonly a: unknown; readonly b: unknown },
  a: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the callback of any action
  callback: FileCallback<any>,
): ReturnType<AsyncFileHandle['stat']> {
  switch (action.kind) {
    case 'read':
      return handle.read(a as number, action.b as number, callback);
    case 'readInto':
      return handle.readInto(a as Uint8Array, action.b as number, callback);
    case 'write':
      return handle.write(a as Uint8Array, action.b as number, callback);
    case 'truncate':
      return handle.truncate(a as number, callback);
    case 'createHardLink':
      return handle.createHardLink(a as string, callback);
    case 'createAnonymousFile':
      return handle.createAnonymousFile(a as string, callback);
    case 'stat':
      return handle.stat(callback);
    case 'sync':
      return handle.sync(callback);
    case 'duplicate':
      return handle.duplicate(callback);
    default:
      return handle.close(callback);
  }
}
