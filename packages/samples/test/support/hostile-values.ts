import { describeValue } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';

/** A Uint8Array whose buffer was transferred away: it reads as empty. */
export function detachedBytes(): Uint8Array {
  const bytes = new Uint8Array(8);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
}

/** Numbers at the edges: NaN, infinities, signs, fractions, 2^31 and 2^32 boundaries, the largest doubles. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Infinity,
    -Infinity,
    -1,
    -0,
    0,
    0.5,
    1.5,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    2 ** 32 - 1,
    2 ** 32,
    2 ** 53,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
  ),
  fc.integer({ min: -10, max: 100 }),
  fc.double(),
);

/** Paths a test may use: existing or not, in /data (the scripted engine's directory) or elsewhere. */
export const plausiblePath: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('/data/a.txt', '/data/missing', '/data/new.txt', '/nowhere/x', 'relative.txt'),
  fc.string({ minLength: 1, maxLength: 8 }).map((name) => `/data/${name}`),
);

/** Strings a path must not be, or that name odd places: empty, NUL bytes, roots, dot names, very long, devices. */
export const hostilePath: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '\0',
    'a\0b',
    '/data/x\0',
    '/',
    '.',
    '..',
    '/data/',
    '/data/..',
    '/dev/null',
    '/proc/self/status',
  ),
  plausiblePath,
  fc.constant(`/data/${'n'.repeat(5000)}`),
);

/** Mostly `usual`, sometimes `hostile`: so that a request gets past validation often enough to run. */
export function mostly<T>(usual: fc.Arbitrary<T>, hostile: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: usual, weight: 6 }, { arbitrary: hostile, weight: 1 });
}

/** Values of the wrong type, and odd objects. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileNumber,
  hostilePath,
  fc.constantFrom(
    undefined,
    null,
    true,
    false,
    Symbol('hostile'),
    10n,
    {},
    [],
    () => undefined,
    Object.create(null) as unknown,
  ),
  fc.constant(null).map(() => detachedBytes()),
  fc.anything({ maxDepth: 1 }),
);

/** Data to write: fine, empty, shared memory, detached, not bytes at all. */
export const hostileData: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 40 }), weight: 6 },
  fc.constant(null).map(() => new Uint8Array(0)),
  fc.constant(null).map(() => new Uint8Array(new SharedArrayBuffer(16)).fill(7)),
  fc.constant(null).map(() => detachedBytes()),
  fc.constant(null).map(() => Buffer.from('text as a Buffer')),
  hostileValue,
);

/** A chunk size: absent, fine, or hostile. */
export const hostileChunkSize: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 16 }), weight: 4 },
  hostileNumber,
  hostileValue,
);

/**
 * Checks that `error` is the synchronous refusal of a bad argument: a TypeError or RangeError whose message names
 * the value received as describeValue() writes it (or says it is detached), found in `values` by the name the message
 * gives (`request.path`, `options.maxAttempts`, ...).
 */
export function expectNamedRefusal(error: unknown, values: Readonly<Record<string, unknown>>): void {
  expect(error, String(error)).to.satisfy((e: unknown) => e instanceof TypeError || e instanceof RangeError);
  const message = (error as Error).message;
  const name = /^Expected `([\w.]+)`/.exec(message)?.[1];
  expect(name, `a message that names what was expected: ${message}`).to.be.a('string');
  expect(Object.keys(values), message).to.include(name);
  const value = values[name as string];
  const described = value instanceof Uint8Array && message.endsWith('a detached Uint8Array') ? null : value;
  if (described !== null) expect(message, 'the message names the value').to.include(`got ${describeValue(value)}`);
}
