import fs from 'node:fs';
import fc from 'fast-check';
import { REQUIRED_ENGINE_METHODS, type EngineError, type FileEngine } from '../../src/index.js';
import {
  expectContractHolds,
  expectNamedRefusal,
  hostileBuffer,
  hostileCallback,
  hostileLength,
  hostileNumber,
  hostileReadPath,
  hostileWritePath,
  valid,
  type HostileOutcome,
  type HostilePaths,
} from './hostile-values.js';

/** The methods the hostile property calls: every required one, and the optional ones of the engines on real files. */
export const HOSTILE_ENGINE_METHODS: readonly string[] = [
  ...REQUIRED_ENGINE_METHODS,
  'writeNewFile',
  'readNow',
  'writeNow',
  'isCached',
];

/** The methods that answer at once (a result or a throw) rather than through a callback. */
const AT_ONCE = ['readNow', 'writeNow', 'isCached'];

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

/**
 * The descriptor of a question that changes nothing (isCached): also any number at all, -0 (stdin), and a descriptor
 * just closed. No action that writes, truncates or closes is pointed at those: an open descriptor of the process (or a
 * closed number another thread has just reused) would be someone else's file.
 */
const hostileQuestionFd = fc.oneof(hostileFd, hostileNumber, fc.constantFrom<unknown>('closed', -0, 0));

const hostileMode = fc.constantFrom<unknown>('read', 'write', 'read-write', 'append', 5, undefined);

/** One engine call of the property: its method and raw arguments (paths and descriptors resolved per run). */
export interface EngineCall {
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

/** One call of one of `methods` with hostile arguments over `paths`. */
export function callArbitrary(paths: HostilePaths, methods: readonly string[]): fc.Arbitrary<EngineCall> {
  return fc.constantFrom(...methods).chain((method) =>
    fc.record({
      method: fc.constant(method),
      fd: method === 'isCached' ? hostileQuestionFd : hostileFd,
      readPath: hostileReadPath(paths),
      writePath: hostileWritePath(paths),
      toPath: hostileWritePath(paths),
      mode: hostileMode,
      buffer: hostileBuffer,
      offset: fc.oneof(fc.constantFrom(0, 1, 8), hostileLength),
      length: fc.oneof(fc.constantFrom(0, 1, 4, 16), hostileLength),
      position: fc.oneof(fc.constantFrom(0, 4, 2 ** 32), hostileNumber),
      callback: hostileCallback,
    }),
  );
}

/**
 * The descriptor argument of a run: `own` (open on the test's file), a number above it by 2^32, a number just closed,
 * or the value as drawn.
 */
export function resolveFd(call: EngineCall, own: number, file: string): unknown {
  if (call.fd === 'own') return own;
  if (call.fd === 'own + 2^32') return own + 2 ** 32;
  if (call.fd !== 'closed') return call.fd;
  const closed = fs.openSync(file, 'r');
  fs.closeSync(closed);
  return closed;
}

/** Whether the documented rules of FileEngine accept the call's arguments. */
export function isValidCall(call: EngineCall, fd: unknown): boolean {
  const range = (): boolean =>
    call.buffer instanceof Uint8Array &&
    valid.length(call.offset) &&
    valid.length(call.length) &&
    (call.offset as number) + (call.length as number) <= call.buffer.byteLength;
  if (!AT_ONCE.includes(call.method) && !valid.callback(call.callback)) return false;
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
    case 'isCached':
      // a range of the file, not of a buffer: any length a position can have
      return valid.fd(fd) && valid.position(call.position) && valid.position(call.length);
    default:
      return valid.fd(fd) && range() && valid.position(call.position);
  }
}

/** The arguments of the call, in the order of its method. */
function argumentsOf(call: EngineCall, fd: unknown, callback: unknown): unknown[] {
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
    case 'isCached':
      return [fd, position, length];
    case 'readNow':
    case 'writeNow':
      return [fd, buffer, offset, length, position, false];
    default:
      return [fd, buffer, offset, length, position, callback];
  }
}

/**
 * Runs the call; returns the callback's outcome, or for the methods that answer at once what they returned (as a
 * result) or threw.
 */
export async function runCall(
  engine: FileEngine,
  call: EngineCall,
  fd: unknown,
  what: string,
): Promise<HostileOutcome> {
  const method = (engine as unknown as Record<string, (...a: unknown[]) => unknown>)[call.method] as (
    ...a: unknown[]
  ) => unknown;
  if (AT_ONCE.includes(call.method)) {
    try {
      return { kind: 'called back', error: null, result: method.apply(engine, argumentsOf(call, fd, undefined)) };
    } catch (error) {
      // a failed fast-path call throws its errno error (EBADF...): its way of reporting; isCached answers undefined
      if (
        call.method !== 'isCached' &&
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
    method.apply(engine, argumentsOf(call, fd, call.callback === 'function' ? cb : call.callback));
    return undefined;
  });
}
