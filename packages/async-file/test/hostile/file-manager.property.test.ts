import fs from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import {
  AsyncFileManager,
  BufferPool,
  FileHandleError,
  PromiseFileManager,
  ScriptedEngine,
  type AsyncFileManagerOptions,
  type FileCallback,
} from '../../src/index.js';
import { DEFAULT_ENGINE } from '../support/default-engine.js';
import { descriptorsUnder } from '../support/descriptors.js';
import { useTempDir } from '../support/temp-dir.js';
import {
  expectContractHolds,
  expectNamedRefusal,
  expectRefusedIff,
  hostileBuffer,
  hostileCallback,
  hostileNumber,
  hostileReadPath,
  hostileWritePath,
  makeHostilePaths,
  NOT_A_NUMBER,
  valid,
  type HostilePaths,
} from './hostile-values.js';

/** A value for one option: absent (the key is left out), a sensible value, or a hostile one. */
function option(sensible: readonly unknown[], hostile: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(fc.constant('absent'), fc.constantFrom(...sensible), hostile);
}

const optionsArbitrary = fc.oneof(
  fc.record({
    concurrency: option([1, 4, 64], hostileNumber),
    engine: option(['node-fs', 'io_uring', 'auto', 'scripted'], fc.constantFrom(...NOT_A_NUMBER, 'uring', {})),
    trace: option([() => undefined], fc.constantFrom(...NOT_A_NUMBER.filter((v) => typeof v !== 'function'))),
    syncThresholdBytes: option([0, 4096], hostileNumber),
    cacheProbe: option([false, true], fc.constantFrom(...NOT_A_NUMBER)),
    readBuffers: option(['a pool'], fc.constantFrom({}, { allocate: 5, release: () => undefined }, null, 'pool')),
    fastPathDelivery: option([(deliver: () => void) => setImmediate(deliver)], fc.constantFrom(5, 'later', null)),
  }),
  fc.constantFrom<unknown>(null, 5, 'options', [], () => undefined),
);

/** The options object of a run (absent keys left out; 'scripted' and 'a pool' made fresh). */
function buildOptions(record: unknown): unknown {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return record;
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === 'absent') continue;
    if (key === 'engine' && value === 'scripted') options[key] = new ScriptedEngine();
    else if (key === 'readBuffers' && value === 'a pool') options[key] = new BufferPool();
    else options[key] = value;
  }
  return options;
}

describe('AsyncFileManager hostile options', () => {
  it('should create a manager or refuse its options with a named TypeError/RangeError, never leave a ring open', () => {
    fc.assert(
      fc.property(optionsArbitrary, hostileNumber, (record, threshold) => {
        const options = buildOptions(record);
        let manager: AsyncFileManager | undefined;
        try {
          manager = new AsyncFileManager(options as AsyncFileManagerOptions);
        } catch (error) {
          expectNamedRefusal(error, 'new AsyncFileManager()');
          return;
        }
        try {
          const handle = manager.newFileHandle({ syncThresholdBytes: threshold as number });
          expect(handle.hasPendingAction).to.equal(false);
        } catch (error) {
          expectNamedRefusal(error, 'newFileHandle()');
        }
        for (const value of [5, null, Buffer.alloc(1), new Uint8Array(new SharedArrayBuffer(4))]) {
          try {
            manager.releaseBuffer(value as Uint8Array);
          } catch (error) {
            expectNamedRefusal(error, 'releaseBuffer()');
          }
        }
        void manager.close();
      }),
    );
  });
});

describe(`AsyncFileManager hostile action arguments (${DEFAULT_ENGINE}, real files)`, () => {
  const tmp = useTempDir();

  /** Puts the test's files back after a run that renamed or removed them. */
  function restore(paths: HostilePaths): void {
    for (const name of ['new', 'other']) fs.rmSync(tmp.join(name), { force: true });
    if (!fs.existsSync(paths.file)) fs.writeFileSync(paths.file, 'hostile input');
  }

  const hostileOptions = fc.constantFrom<unknown>(
    'no options',
    {},
    { onSettledAfterCancel: 'function' },
    { onSettledAfterCancel: 5 },
    { onSettledAfterCancel: null },
  );

  it('should run or refuse stat, unlink, rename and writeNewFile with any argument, canceled or not', async () => {
    const paths = makeHostilePaths(tmp.path);
    const manager = new AsyncFileManager();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('stat', 'unlink', 'rename', 'writeNewFile'),
        fc.tuple(hostileReadPath(paths), hostileWritePath(paths), hostileWritePath(paths)),
        hostileBuffer,
        hostileOptions,
        hostileCallback,
        fc.boolean(),
        async (kind, [readPath, writePath, toPath], data, options, callback, isCanceled) => {
          try {
            const settlements: unknown[] = [];
            const actualOptions =
              typeof options === 'object' && options !== null && 'onSettledAfterCancel' in options
                ? {
                    onSettledAfterCancel:
                      options.onSettledAfterCancel === 'function'
                        ? (settlement: unknown) => settlements.push(settlement)
                        : options.onSettledAfterCancel,
                  }
                : options;
            const outcome = await expectContractHolds(kind, (cb) => {
              const done = (callback === 'function' ? cb : callback) as FileCallback<never>;
              const rest = actualOptions === 'no options' ? [done] : [actualOptions, done];
              const call = manager[kind] as (...args: unknown[]) => ReturnType<AsyncFileManager['stat']>;
              const args = kind === 'stat' ? [readPath] : kind === 'unlink' ? [writePath] : [writePath, toPath];
              if (kind === 'writeNewFile') args[1] = data;
              const op = call.apply(manager, [...args, ...rest]);
              if (isCanceled && op.cancel()) cb(null, 'canceled');
              return op;
            });
            const paths1 = kind === 'stat' ? [readPath] : kind === 'unlink' ? [writePath] : [writePath];
            const goodOptions =
              options === 'no options' ||
              (typeof options === 'object' &&
                options !== null &&
                [undefined, 'function'].includes((options as { onSettledAfterCancel?: string }).onSettledAfterCancel));
            const goodArguments =
              paths1.every(valid.path) &&
              (kind !== 'rename' || valid.path(toPath)) &&
              (kind !== 'writeNewFile' || valid.buffer(data)) &&
              valid.callback(callback) &&
              goodOptions;
            expectRefusedIff(outcome, !goodArguments, kind);
            await manager.whenIdle();
            expect(settlements.length).to.be.at.most(1);
          } finally {
            await manager.whenIdle();
            restore(paths);
          }
        },
      ),
    );
    await manager.close();
    expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
  });
});

describe(`PromiseFileManager hostile arguments (${DEFAULT_ENGINE}, real files)`, () => {
  const tmp = useTempDir();

  it('should never throw from an action: it resolves, or rejects with a named or coded error', async () => {
    const paths = makeHostilePaths(tmp.path);
    // the test's own end of the FIFO: an open of it for reading does not wait for a writer
    const fifoFd = fs.openSync(paths.fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
    const manager = new PromiseFileManager(new AsyncFileManager());
    const hostileActionOptions = fc.constantFrom<unknown>(
      undefined,
      {},
      null,
      5,
      { signal: 'abort' },
      { signal: AbortSignal.abort() },
      { signal: new AbortController().signal },
      { direct: 'yes' },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('stat', 'open', 'read', 'readInto', 'truncate', 'unlink'),
        hostileReadPath(paths),
        hostileNumber,
        hostileBuffer,
        hostileActionOptions,
        async (kind, filePath, number, buffer, options) => {
          const handle = manager.newFileHandle();
          try {
            let promise: Promise<unknown> | undefined;
            const opts = options as { signal?: AbortSignal };
            expect(() => {
              if (kind === 'stat') promise = manager.stat(filePath as string, opts);
              else if (kind === 'unlink') promise = manager.unlink(`${tmp.path}/new`, opts);
              else if (kind === 'open') promise = handle.openExistingFile(filePath as string, 'read', opts);
              else if (kind === 'read') promise = handle.read(number as number, 16, opts);
              else if (kind === 'readInto') promise = handle.readInto(buffer as Uint8Array, number as number, opts);
              else promise = handle.truncate(number as number, opts);
            }, `${kind}: no synchronous throw`).not.to.throw();
            try {
              await promise;
            } catch (error) {
              const isNamed = error instanceof TypeError || error instanceof RangeError;
              const isCoded =
                error instanceof FileHandleError || typeof (error as { code?: unknown }).code === 'string';
              const isAbortReason = (options as { signal?: AbortSignal } | null)?.signal?.aborted === true;
              expect(isNamed || isCoded || isAbortReason, `${kind} rejected with ${String(error)}`).to.equal(true);
              if (isNamed) expect((error as Error).message).to.match(/\bgot\b/);
            }
          } finally {
            await handle[Symbol.asyncDispose]();
          }
        },
      ),
    );
    await manager.manager.close();
    fs.closeSync(fifoFd);
    expect(descriptorsUnder(tmp.path)).to.deep.equal([]);
  });
});
