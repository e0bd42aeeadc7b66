import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AsyncOp } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';
import { FileHandleError, type EngineError } from '../../src/index.js';
import { settlesWithin } from '../support/step.js';

/** Numbers at every boundary an engine or the kernel cares about, and the values that are not numbers at all. */
const BOUNDARY_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32 - 1,
  2 ** 32,
  2 ** 32 + 4,
  2 ** 53 - 1,
  2 ** 53,
  -(2 ** 53),
  Number.MIN_VALUE,
  Number.MAX_VALUE,
];

/** Values of no useful type: what a JavaScript caller can pass where a number, string or function is expected. */
export const NOT_A_NUMBER: readonly unknown[] = [
  undefined,
  null,
  true,
  '',
  '4',
  '0x10',
  1n,
  Symbol('hostile'),
  {},
  [],
  [4],
  () => 4,
  Object.create(null),
  new Date(0),
  new Number(4),
];

/** A hostile number: a boundary value, a random integer or double, or not a number at all. */
export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...BOUNDARY_NUMBERS),
  fc.integer({ min: -(2 ** 31), max: 2 ** 32 }),
  fc.double(),
  fc.constantFrom(...NOT_A_NUMBER),
);

/** A hostile small count: the same, but valid values stay small (a read of that many bytes is cheap). */
export const hostileLength: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...BOUNDARY_NUMBERS.filter((n) => !(Number.isSafeInteger(n) && n > 1 << 20 && n < 2 ** 31))),
  fc.integer({ min: -8, max: 70_000 }),
  fc.constantFrom(...NOT_A_NUMBER),
);

/** A hostile callback: a function (sometimes), or anything else. */
export const hostileCallback: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant('function'),
  fc.constantFrom(...NOT_A_NUMBER.filter((value) => typeof value !== 'function'), 5, Number.NaN),
);

/** Buffers an engine must take or refuse, by label: fresh per run (a detached one cannot be reused). */
const BUFFERS: readonly (readonly [string, () => unknown])[] = [
  ['Buffer(16)', () => Buffer.alloc(16, 1)],
  ['Uint8Array(5)', () => new Uint8Array(5)],
  ['Buffer(0)', () => Buffer.alloc(0)],
  ['Uint8Array(32) over a SharedArrayBuffer', () => new Uint8Array(new SharedArrayBuffer(32))],
  ['Uint8Array(16) at offset 8 of an ArrayBuffer(64)', () => new Uint8Array(new ArrayBuffer(64), 8, 16)],
  [
    'a detached Uint8Array',
    () => {
      const detached = new Uint8Array(16);
      structuredClone(detached.buffer, { transfer: [detached.buffer] });
      return detached;
    },
  ],
  ['Uint16Array(8)', () => new Uint16Array(8)],
  ['DataView(8)', () => new DataView(new ArrayBuffer(8))],
  ['ArrayBuffer(8)', () => new ArrayBuffer(8)],
  ['a string', () => 'a string'],
  ['[1, 2, 3]', () => [1, 2, 3]],
  ['null', () => null],
  ['undefined', () => undefined],
  ['{ length: 4 }', () => ({ length: 4 })],
];

/** A hostile buffer, created fresh per run; fast-check prints its label (it cannot print a detached one). */
export const hostileBuffer: fc.Arbitrary<unknown> = fc.constantFrom(...BUFFERS).map(([label, create]) => {
  const value = create();
  if (typeof value === 'object' && value !== null) {
    Object.defineProperty(value, fc.toStringMethod, { value: () => label });
  }
  return value;
});

/** The paths of one test directory that a property may use, and how to tell them apart. */
export interface HostilePaths {
  readonly dir: string;
  readonly file: string;
  readonly fifo: string;
  readonly missing: string;
}

/** Creates a regular file, a FIFO and nothing else in `dir`. */
export function makeHostilePaths(dir: string): HostilePaths {
  const file = path.join(dir, 'file');
  fs.writeFileSync(file, 'hostile input');
  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', ['-m', '600', fifo]);
  return { dir, file, fifo, missing: path.join(dir, 'missing', 'x') };
}

/** Paths that are not paths: wrong types, empty, NUL bytes. */
const NOT_A_PATH: readonly unknown[] = [
  undefined,
  null,
  5,
  '',
  'a\0b',
  '/tmp/\0',
  {},
  ['/tmp'],
  Symbol('p'),
  Buffer.from('/tmp'),
];

/**
 * A path to OPEN or READ: the test's own files, a directory, a FIFO, /dev and /proc files (read only), missing and
 * very long paths, and values that are not paths. Never given to an action that changes a file system.
 */
export function hostileReadPath(paths: HostilePaths): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(
      paths.file,
      paths.dir,
      paths.fifo,
      paths.missing,
      `${paths.file}/`,
      '/dev/null',
      '/dev/zero',
      '/proc/self/status',
      '/proc/self/fd',
      `${paths.dir}/${'n'.repeat(300)}`,
      `${paths.dir}/${'d/'.repeat(2100)}x`,
    ),
    fc.constantFrom(...NOT_A_PATH),
  );
}

/**
 * A path that an action may CREATE, rename or remove: only inside the test's directory (tests run as root), plus the
 * values that are not paths.
 */
export function hostileWritePath(paths: HostilePaths): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(
      path.join(paths.dir, 'new'),
      path.join(paths.dir, 'other'),
      paths.file,
      paths.missing,
      path.join(paths.dir, 'n'.repeat(300)),
      `${paths.file}/below`,
    ),
    fc.constantFrom(...NOT_A_PATH),
  );
}

/** Fills the FIFO a little (without blocking) so that a read of it returns at once. */
export function fillFifo(writeFd: number): void {
  try {
    fs.writeSync(writeFd, Buffer.alloc(4096, 0x66));
  } catch (error) {
    if ((error as EngineError).code !== 'EAGAIN') throw error;
  }
}

/** How a hostile call ended, once checked: refused at once, or one callback (with an error or a result). */
export type HostileOutcome =
  | { readonly kind: 'refused'; readonly error: Error }
  | { readonly kind: 'called back'; readonly error: EngineError | null; readonly result: unknown };

/**
 * Checks a synchronous refusal: a TypeError or RangeError that names what it got ("..., got `5` (number)"), or a
 * FileHandleError with its code (a state refusal: busy, not open, closed).
 */
export function expectNamedRefusal(error: unknown, what: string): void {
  if (error instanceof FileHandleError) {
    expect(error.code, what).to.match(/^ERR_FILE_/);
    return;
  }
  expect(error, `${what}: ${String(error)}`).to.satisfy(
    (e: unknown) => e instanceof TypeError || e instanceof RangeError,
  );
  expect((error as Error).message, what).to.match(/\bgot\b/);
}

/**
 * Runs one callback action with hostile arguments and checks the contract: it throws a named refusal at once, or it
 * returns a reference and calls back exactly once (a coded error, or a result) within `timeoutMs`; never twice.
 *
 * @param start - enqueues the action with the callback it is given (or with a hostile callback it chose itself).
 */
export async function expectContractHolds(
  what: string,
  start: (callback: (error: EngineError | null, result: unknown) => void) => AsyncOp<unknown> | undefined,
  timeoutMs = 5000,
): Promise<HostileOutcome> {
  const calls: { error: EngineError | null; result: unknown }[] = [];
  let arrived!: () => void;
  const whenArrived = new Promise<void>((resolve) => (arrived = resolve));
  let op: AsyncOp<unknown> | undefined;
  try {
    op = start((error, result) => {
      calls.push({ error, result });
      arrived();
    });
  } catch (error) {
    expectNamedRefusal(error, what);
    expect(calls, `${what}: a call that threw called back`).to.deep.equal([]);
    return { kind: 'refused', error: error as Error };
  }
  await settlesWithin(whenArrived, timeoutMs, `${what}: the callback`);
  op?.release();
  // a second callback would come on a later turn
  await new Promise((resolve) => setImmediate(resolve));
  expect(calls, `${what}: callbacks`).to.have.length(1);
  const { error, result } = calls[0] as { error: EngineError | null; result: unknown };
  if (error !== null) {
    expect(error, what).to.be.instanceOf(Error);
    expect(error.code, `${what}: the error's code (${error.message})`).to.be.a('string');
  }
  return { kind: 'called back', error, result };
}

/** What the documented rules say of an argument: the property then checks that the code agrees. */
export const valid = {
  /** A file position or offset: an integer from 0 to Number.MAX_SAFE_INTEGER. */
  position: (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0,
  /** A byte count one call takes: an integer from 0 to 2^31 - 1. */
  length: (value: unknown): boolean =>
    Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) < 2 ** 31,
  /** A descriptor: an integer from 0 to 2^31 - 1. */
  fd: (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) < 2 ** 31,
  /** A path: a non-empty string without NUL bytes. */
  path: (value: unknown): boolean => typeof value === 'string' && value !== '' && !value.includes('\0'),
  mode: (value: unknown): boolean => value === 'read' || value === 'write' || value === 'read-write',
  callback: (value: unknown): boolean => typeof value === 'function' || value === 'function',
  /** A buffer an action takes whole: a Uint8Array (SharedArrayBuffer-backed too) that is not detached. */
  buffer: (value: unknown): boolean =>
    value instanceof Uint8Array && (value.byteLength > 0 || !isDetachedView(value)) && value.length < 2 ** 31,
};

function isDetachedView(view: Uint8Array): boolean {
  try {
    new Uint8Array(view.buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** Checks that a call was refused with a TypeError/RangeError exactly when `shouldRefuse` says an argument is bad. */
export function expectRefusedIff(outcome: HostileOutcome, shouldRefuse: boolean, what: string): void {
  if (shouldRefuse) {
    expect(outcome.kind, `${what}: a bad argument was taken`).to.equal('refused');
    const error = outcome.kind === 'refused' ? outcome.error : undefined;
    expect(error, what).to.satisfy((e: unknown) => e instanceof TypeError || e instanceof RangeError);
  } else if (outcome.kind === 'refused') {
    expect(outcome.error, `${what}: good arguments were refused (${outcome.error.message})`).not.to.satisfy(
      (e: unknown) => e instanceof TypeError || e instanceof RangeError,
    );
  }
}
