import path from 'node:path';
import { describeValue } from 'async-op';

/** An own data property of `request` that is a string, read without running a getter or throwing. */
function ownString(request: object, key: string): string | undefined {
  try {
    const value = (Object.getOwnPropertyDescriptor(request, key) as { value?: unknown } | undefined)?.value;
    return typeof value === 'string' ? value : undefined;
  } catch {
    // a proxy whose trap throws: the label goes without it
    return undefined;
  }
}

/**
 * The label of one operation of a module, for the diagnostics tree and the origin of cancel reasons: the module's
 * name, the request's `kind` and the name of the file it targets, e.g. `ll-real-cancel write-file report.txt`.
 *
 * @param moduleName - the module's name.
 * @param request - the request as received (not yet checked: it is only looked at).
 * @returns the name alone when the request has neither a string `kind` nor a string `path` or `to`.
 * @throws TypeError for a `moduleName` that is not a string.
 * @remarks Synchronous. It reads own data properties only, through their descriptors: no getter of the request runs
 *   (a module beneath reads each field once) and a hostile request cannot make it throw. Control characters in the
 *   file name are kept as they are: the label is for reading, not for parsing.
 */
export function operationLabel(moduleName: string, request: unknown): string {
  if (typeof moduleName !== 'string') {
    throw new TypeError(`Expected \`moduleName\` to be a string, got ${describeValue(moduleName)}`);
  }
  if (typeof request !== 'object' || request === null) return moduleName;
  const kind = ownString(request, 'kind');
  const file = ownString(request, 'path') ?? ownString(request, 'to');
  let label = moduleName;
  if (kind !== undefined) label += ` ${kind}`;
  if (file !== undefined) label += ` ${path.basename(file)}`;
  return label;
}
