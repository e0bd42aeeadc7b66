import { CanceledError, describeValue } from 'async-op';

/**
 * The reason a module cancels its pending operations with when it closes or cancels everything it tracks: a
 * CanceledError of kind `shutdown` whose `origin` is the module's name.
 *
 * @param moduleName - the module's name (its `name`).
 * @param cause - what made it cancel: `close` (close() of a module that cancels what is pending) or `cancelAll`.
 * @returns a new CanceledError (`code` `ERR_CANCELED`), with the stack of the call that closed the module: one per
 *   sweep, shared by every operation it cancels. Each operation beneath gets a reason of kind `parent` whose `cause`
 *   is this one.
 * @throws TypeError for a `moduleName` that is not a string or a `cause` that is neither.
 * @remarks Synchronous.
 */
export function shutdownReason(moduleName: string, cause: 'close' | 'cancelAll'): CanceledError {
  if (typeof moduleName !== 'string') {
    throw new TypeError(`Expected \`moduleName\` to be a string, got ${describeValue(moduleName)}`);
  }
  if (cause !== 'close' && cause !== 'cancelAll') {
    throw new TypeError(`Expected \`cause\` to be 'close' or 'cancelAll', got ${describeValue(cause)}`);
  }
  const message =
    cause === 'close'
      ? `${moduleName} was closed: its pending operations were canceled`
      : `${moduleName}.cancelAll() canceled its pending operations`;
  return new CanceledError(message, { kind: 'shutdown', origin: moduleName });
}
