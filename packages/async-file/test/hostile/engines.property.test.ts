import fs from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { REQUIRED_ENGINE_METHODS, ScriptedEngine, type EngineError, type FileEngine } from '../../src/index.js';
import { descriptorsUnder } from '../support/descriptors.js';
import { disposeEngine, enginesUnderTest } from '../support/engines-under-test.js';
import { useTempDir } from '../support/temp-dir.js';
import {
  expectContractHolds,
  expectNamedRefusal,
  expectRefusedIff,
  hostileBuffer,
  hostileCallback,
  hostileLength,
  hostileNumber,
  hostileReadPath,
  hostileWritePath,
  makeHostilePaths,
  valid,
  type HostileOutcome,
  type HostilePaths,
} from './hostile-values.js';

/** Runs per engine: five times the usual, as one run tries one of sixteen methods. */
const RUNS = 5 * (fc.readConfigureGlobal().numRuns ?? 100);

/** A descriptor argument: the run's own open file, or a value that must not reach the kernel as a descriptor. */
const hostileFd = fc.constantFrom<unknown>(
  'own',
  'own',
  -1,
  Number.NaN,
  0.5,
  2 ** 31,
  2 ** 32,
  'own + 2^32',
  Number.POSITIVE_INFINITY,
  '3',
  null,
  undefined,
  {},
  2 ** 31 - 1, // a valid number, never open: EBADF
);

const hostileMode = fc.constantFrom<unknown>('read', 'write', 'read-write', 'append', 5, undefined);

/** One engine call of the property: its method and raw arguments (paths and descriptors resolved per run). */
interface EngineCall {
  readonly method: string;
  readonly fd: unknown;
  readonly readPath: unknown;
  readonly writePath: unknown;
  readonly toPath: unknown;
  readonly mode: unknown;
  readonly buffer: unknown;
  readonly offset: unknown;
  readonly length: unknown;
  readonly position: unknown;
  readonly callback: unknown;
}

function callArbitrary(paths: HostilePaths): fc.Arbitrary<EngineCall> {
  return fc.record({
    method: fc.constantFrom<string>(...REQUIRED_ENGINE_METHODS, 'writeNewFile', 'readNow', 'writeNow'),
    fd: hostileFd,
    readPath: hostileReadPath(paths),
    writePath: hostileWritePath(paths),
    toPath: hostileWritePath(paths),
    mode: hostileMode,
    buffer: hostileBuffer,
    offset: fc.oneof(fc.constantFrom(0, 1, 8), hostileLength),
    length: fc.oneof(fc.constantFrom(0, 1, 4, 16), hostileLength),
    position: fc.oneof(fc.constantFrom(0, 4, 2 ** 32), hostileNumber),
    callback: hostileCallback,
  });
}

/** Whether the documented rules of FileEngine accept the call's arguments. */
function isValidCall(call: EngineCall, fd: unknown): boolean {
  const range = (): boolean =>
    call.buffer instanceof Uint8Array &&
    valid.length(call.offset) &&
    valid.length(call.length) &&
    (call.offset as number) + (call.length as number) <= call.buffer.byteLength;
  const isNow = call.method === 'readNow' || call.method === 'writeNow';
  if (!isNow && !valid.callback(call.callback)) return false;
  switch (call.method) {
    case 'openExisting':
      return valid.path(call.readPath) && valid.mode(call.mode);
    case 'createAnonymous':
      return valid.path(call.writePath);
    case 'duplicate':
      return valid.fd(fd) && valid.mode(call.mode);
    case 'close':
    case 'fstat':
    case 'sync':
      return valid.fd(fd);
    case 'truncate':
      return valid.fd(fd) && valid.position(call.position);
    case 'link':
      return valid.fd(fd) && valid.path(call.writePath);
    case 'stat':
      return valid.path(call.readPath);
    case 'unlink':
      return valid.path(call.writePath);
    case 'rename':
      return valid.path(call.writePath) && valid.path(call.toPath);
    case 'writeNewFile':
      return valid.path(call.writePath) && range();
    default:
      return valid.fd(fd) && range() && valid.position(call.position);
  }
}

/** Runs the call; returns the callback's outcome, or for readNow/writeNow what they returned or threw. */
async function runCall(engine: FileEngine, call: EngineCall, fd: unknown, what: string): Promise<HostileOutcome> {
  const args = (cb: (error: EngineError | null, result: unknown) => void): unknown[] => {
    const callback = call.callback === 'function' ? cb : call.callback;
    const { buffer, offset, length, position } = call;
    switch (call.method) {
      case 'openExisting':
        return [call.readPath, call.mode, callback];
      case 'createAnonymous':
        return [call.writePath, callback];
      case 'duplicate':
        return [fd, call.mode, callback];
      case 'close':
      case 'fstat':
      case 'sync':
        return [fd, callback];
      case 'truncate':
        return [fd, position, callback];
      case 'link':
        return [fd, call.writePath, callback];
      case 'stat':
        return [call.readPath, callback];
      case 'unlink':
        return [call.writePath, callback];
      case 'rename':
        return [call.writePath, call.toPath, callback];
      case 'writeNewFile':
        return [call.writePath, buffer, offset, length, callback];
      default:
        return [fd, buffer, offset, length, position, callback];
    }
  };
  const method = (engine as unknown as Record<string, (...a: unknown[]) => unknown>)[call.method] as (
    ...a: unknown[]
  ) => unknown;
  if (call.method === 'readNow' || call.method === 'writeNow') {
    const [a, b, c, d, e] = args(() => undefined);
    try {
      const result = method.call(engine, a, b, c, d, e, false);
      return { kind: 'called back', error: null, result };
    } catch (error) {
      // a failed call throws its errno error (EBADF...): the fast path's way of reporting
      if (
        typeof (error as EngineError).code === 'string' &&
        !(error instanceof TypeError || error instanceof RangeError)
      ) {
        return { kind: 'called back', error: error as EngineError, result: undefined };
      }
      expectNamedRefusal(error, what);
      return { kind: 'refused', error: error as Error };
    }
  }
  return expectContractHolds(what, (cb) => {
    method.apply(engine, args(cb));
    return undefined;
  });
}

describe('the engines called directly with hostile arguments (real files)', () => {
  const tmp = useTempDir();

  for (const { name, create } of enginesUnderTest().filter((entry) => entry.isOnRealFiles)) {
    it(`${name}: should refuse exactly the bad arguments, and call back once for the rest`, async () => {
      const paths = makeHostilePaths(tmp.path);
      const fifoFd = fs.openSync(paths.fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
      const engine = create();
      try {
        await fc.assert(
          fc.asyncProperty(callArbitrary(paths), async (call) => {
            // close() without arguments closes an io_uring engine: not a hostile call, the end of the engine
            fc.pre(!(call.method === 'close' && call.fd === undefined && call.callback === undefined));
            // special files are opened for reading only
            fc.pre(
              call.method !== 'openExisting' ||
                call.mode === 'read' ||
                !fc.stringify(call.readPath).match(/^\/(dev|proc)\/|fifo/),
            );
            const own = fs.openSync(paths.file, 'r+');
            const fd = call.fd === 'own' ? own : call.fd === 'own + 2^32' ? own + 2 ** 32 : call.fd;
            let outcome: HostileOutcome | undefined;
            try {
              const what = `${name}.${call.method}`;
              outcome = await runCall(engine, call, fd, what);
              expectRefusedIff(outcome, !isValidCall(call, fd), what);
            } finally {
              // whatever the checks said: a failing run must not leave its descriptors to the runs of the shrinking
              const succeeded = outcome?.kind === 'called back' && outcome.error === null;
              if (succeeded && ['openExisting', 'createAnonymous', 'duplicate'].includes(call.method)) {
                fs.closeSync((outcome as { result: number }).result);
              }
              if (!(succeeded && call.method === 'close' && fd === own)) fs.closeSync(own);
              for (const entry of ['new', 'other']) fs.rmSync(tmp.join(entry), { force: true });
              if (!fs.existsSync(paths.file)) fs.writeFileSync(paths.file, 'hostile input');
            }
            expect(descriptorsUnder(tmp.path).filter((open) => open !== fifoFd)).to.deep.equal([]);
          }),
          { numRuns: RUNS },
        );
      } finally {
        disposeEngine(engine);
        fs.closeSync(fifoFd);
      }
    });
  }

  it('ScriptedEngine: should refuse exactly the bad arguments, and call back once for the rest', async () => {
    const paths = makeHostilePaths(tmp.path);
    const engine = new ScriptedEngine({ now: 'complete' });
    engine.addDirectory(paths.dir);
    engine.writeFile(paths.file, 'hostile input');
    await fc.assert(
      fc.asyncProperty(callArbitrary(paths), async (call) => {
        let own = -1;
        engine.openExisting(paths.file, 'read-write', (_error, opened) => (own = opened));
        const fd = call.fd === 'own' ? own : call.fd === 'own + 2^32' ? own + 2 ** 32 : call.fd;
        const outcome = await runCall(engine, call, fd, `ScriptedEngine.${call.method}`);
        expectRefusedIff(outcome, !isValidCall(call, fd), `ScriptedEngine.${call.method}`);
        const opened = ['openExisting', 'createAnonymous', 'duplicate'].includes(call.method);
        if (outcome.kind === 'called back' && outcome.error === null && opened) {
          engine.close(outcome.result as number, () => undefined);
        }
        if (engine.openDescriptors().includes(own)) engine.close(own, () => undefined);
        expect(engine.openDescriptorCount).to.equal(0);
        expect(engine.violations.filter((text) => !text.includes('was not open'))).to.deep.equal([]);
      }),
      { numRuns: RUNS },
    );
  });
});
