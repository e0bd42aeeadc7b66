import { AsyncOpReleasedError } from '../async-op-released-error.js';
import { describeValue } from '../describe-value.js';

// The errors of AsyncOp's methods, built out of line: the methods that throw them stay small enough for V8 to inline.

export function invalidOptions(options: unknown): TypeError {
  return new TypeError(`Expected \`options\` to be an object, got ${describeValue(options)}`);
}

export function invalidHooks(cancel: unknown, dispose: unknown): TypeError {
  const [name, value] = isHook(cancel) ? ['dispose', dispose] : ['cancel', cancel];
  return new TypeError(`Expected \`options.${name}\` to be a function or undefined, got ${describeValue(value)}`);
}

export function releasedError(action: string): AsyncOpReleasedError {
  return new AsyncOpReleasedError(action);
}

export function invalidHolder(holder: unknown): TypeError {
  return new TypeError(`Expected \`holder\` to be a string or undefined, got ${describeValue(holder)}`);
}

export function invalidCallback(callback: unknown): TypeError {
  return new TypeError(`Expected \`callback\` to be a function, got ${describeValue(callback)}`);
}

/** Whether `value` can be a cancel or dispose hook. */
export function isHook(value: unknown): boolean {
  return value === undefined || typeof value === 'function';
}
