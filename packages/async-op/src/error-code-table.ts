import { describeValue } from './describe-value.js';

/** One permanent error code of a package: the class of the errors that carry it, and when they arise. */
export interface ErrorCodeEntry {
  /** The code (`ERR_...`): permanent, never reused for another meaning. */
  readonly code: string;
  /** The `name` of the errors that carry it (`CanceledError`, `TypeError` for an argument the native code refused). */
  readonly className: string;
  /** When it arises, in one line (what its message explains in detail). */
  readonly summary: string;
}

/** Every permanent error code of one package, made by {@link defineErrorCodes}. */
export interface ErrorCodeTable {
  /** The package's name on the registry: `async-op`, `async-op-file`, ... */
  readonly packageName: string;
  /** Its codes, in the order its reference page lists them. */
  readonly entries: readonly ErrorCodeEntry[];
}

/** Marks the tables {@link defineErrorCodes} made, across copies of this package (see isErrorCodeTable). */
const TABLE_BRAND = Symbol.for('async-op.error-code-table');

/**
 * Declares a package's permanent error codes: the one registry its reference page (docs/reference/error-codes.md) is
 * checked against, whatever package declares it.
 *
 * @param packageName - the package's name on the registry.
 * @param entries - every code it throws or delivers, once per class that carries it (a subclass of a coded error, such
 *   as DeadlineExceededError of CanceledError, has its own entry).
 * @returns a frozen table, recognised by {@link isErrorCodeTable} (also from another copy of async-op).
 * @throws TypeError for a package name or entry that is not what it must be (a code must read `ERR_` followed by
 *   upper-case words), or a code listed twice for one class.
 * @remarks Synchronous; the table holds only strings.
 *
 * @example
 * ```ts
 * export const myErrorCodes = defineErrorCodes('my-package', [
 *   { code: 'ERR_MY_MODULE_CLOSED', className: 'MyModuleClosedError', summary: 'start() after close()' },
 * ]);
 * ```
 */
export function defineErrorCodes(packageName: string, entries: readonly ErrorCodeEntry[]): ErrorCodeTable {
  if (typeof packageName !== 'string' || packageName.length === 0) {
    throw new TypeError(`Expected \`packageName\` to be a non-empty string, got ${describeValue(packageName)}`);
  }
  if (!Array.isArray(entries)) {
    throw new TypeError(`Expected \`entries\` to be an array, got ${describeValue(entries)}`);
  }
  const seen = new Set<string>();
  const copies = entries.map((entry: unknown, index) => {
    const { code, className, summary } = (entry ?? {}) as Partial<ErrorCodeEntry>;
    if (typeof code !== 'string' || !/^ERR_[A-Z0-9]+(_[A-Z0-9]+)*$/.test(code)) {
      throw new TypeError(`Expected \`entries[${index}].code\` to read ERR_WORDS, got ${describeValue(code)}`);
    }
    if (typeof className !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(className)) {
      throw new TypeError(
        `Expected \`entries[${index}].className\` to be a class name, got ${describeValue(className)}`,
      );
    }
    if (typeof summary !== 'string' || summary.length === 0) {
      throw new TypeError(
        `Expected \`entries[${index}].summary\` to be a non-empty string, got ${describeValue(summary)}`,
      );
    }
    const key = `${code} ${className}`;
    if (seen.has(key))
      throw new TypeError(`Expected every code once per class, got \`${code}\` twice for ${className}`);
    seen.add(key);
    return Object.freeze({ code, className, summary });
  });
  return Object.freeze({ packageName, entries: Object.freeze(copies), [TABLE_BRAND]: true });
}

/**
 * Whether `value` is a table {@link defineErrorCodes} made (by any copy of async-op): how tools find every package's
 * codes among its exports.
 */
export function isErrorCodeTable(value: unknown): value is ErrorCodeTable {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TABLE_BRAND] === true;
}
