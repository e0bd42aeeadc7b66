/**
 * Renders a received value for an argument error message: "`0` (number)", "`\"x\"` (string)", "an object".
 *
 * @param value - any value an API received.
 * @returns a short, safe description (strings are quoted and cut at 60 characters; objects are not inspected).
 * @remarks For module authors, so that every bad-argument TypeError/RangeError names the value it got, the same way.
 */
export function describeValue(value: unknown): string {
  if (value === null) return '`null`';
  switch (typeof value) {
    case 'undefined':
      return '`undefined`';
    case 'string':
      return `\`${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}\` (string)`;
    case 'number':
    case 'boolean':
    case 'bigint':
      return `\`${String(value)}\` (${typeof value})`;
    case 'symbol':
      return `\`${String(value)}\` (symbol)`;
    case 'function':
      return `a function${value.name ? ` \`${value.name}\`` : ''}`;
    default: {
      const name = (value as object).constructor?.name;
      return name && name !== 'Object' ? `an instance of ${name}` : 'an object';
    }
  }
}

/** @internal Throws a TypeError unless `value` is a function (or, with `optional`, undefined). */
export function expectFunction(name: string, value: unknown, optional: boolean): void {
  if (typeof value === 'function' || (optional && value === undefined)) return;
  throw new TypeError(
    `Expected \`${name}\` to be a function${optional ? ' or undefined' : ''}, got ${describeValue(value)}`,
  );
}
