import { describeValue } from 'async-op';
import { expect } from 'chai';
import fc from 'fast-check';

/** A Uint8Array whose buffer was transferred away: it reads as empty. */
export function detachedBytes(): Uint8Array {
  const bytes = new Uint8Array(8);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
}

/** Numbers at the edges: NaN, infinities, signs, fractions, the 2^31 and 2^32 boundaries, the largest doubles. */
export const edgeNumbers: readonly number[] = [
  Number.NaN,
  Infinity,
  -Infinity,
  -1,
  -0,
  0.5,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  2 ** 32 - 1,
  2 ** 32,
  2 ** 53,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
];

/** Any value, with the edge numbers, odd objects and detached bytes made likely. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...edgeNumbers),
  fc.constantFrom(undefined, null, true, '', 'a\0b', Symbol('hostile'), 10n, {}, [], () => undefined),
  fc.constant(null).map(() => Object.create(null) as unknown),
  fc.constant(null).map(() => detachedBytes()),
  fc.anything({ maxDepth: 1 }),
);

/**
 * Calls `call` and checks it threw the synchronous refusal of a bad argument: a TypeError or RangeError whose message
 * says what was expected of `name` and names the value received as describeValue() writes it.
 */
export function expectRefusal(call: () => unknown, name: string, value: unknown): void {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `nothing thrown for ${describeValue(value)}`).to.satisfy(
    (error: unknown) => error instanceof TypeError || error instanceof RangeError,
  );
  const message = (thrown as Error).message;
  expect(message).to.match(new RegExp(`^Expected \`${name.replace(/\./g, '\\.')}\``));
  if (value instanceof Uint8Array && message.endsWith('a detached Uint8Array')) return;
  expect(message).to.include(`got ${describeValue(value)}`);
}
