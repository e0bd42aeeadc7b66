import type { OpRecord } from './op-record.js';

/** Reads the record behind a reference of this copy, or returns null for a reference of another copy. */
export type RecordAccess = (op: object, action: string) => OpRecord | null;

/**
 * Set once, by AsyncOp's static block, to a function that calls its protected `live()`. Until then no reference of this
 * copy exists, so "not ours" is the right answer.
 */
let access: RecordAccess = () => null;

/**
 * Hands this module the one route to an op's record that does not go through AsyncOp's public members.
 *
 * @param granted - reads a reference's record, as AsyncOp's own methods do; called once, by async-op.ts.
 * @remarks
 * The class hands the function over from inside its body, where its protected `live()` is in reach: code outside the
 * class could only reach it through a cast, which the compiler would not check against a rename. This module does not
 * import async-op.ts (not even its types: a reference is any object here), so async-op.ts imports it without a
 * circle. The class's hot paths (create(), ref(), every getter) do not pass through here.
 */
export function grantRecordAccess(granted: RecordAccess): void {
  access = granted;
}

/**
 * The record behind `op`, for the package's internals that hold only a reference (the promise facade).
 *
 * @param op - a reference of this copy of the package or of another one.
 * @param action - names the call in the AsyncOpReleasedError thrown for a released reference of this copy.
 * @returns the record, or null for a reference of another copy of the package (its record is out of reach).
 * @throws AsyncOpReleasedError if `op` is a released reference of this copy.
 * @remarks Synchronous; holds nothing of `op`.
 */
export function recordOf(op: object, action: string): OpRecord | null {
  return access(op, action);
}
