import { CanceledError } from '../../canceled-error.js';

/**
 * A reason or an error as plain data, to cross a thread boundary: the fields that say what happened (name, message,
 * code, kind), never the object's identity or class. Structured clone keeps an Error's message but drops its `code`,
 * which is what callers check; this keeps it.
 */
export type EncodedReason =
  /** cancel() had no reason. */
  | { readonly type: 'none' }
  /** A string, number, boolean or null reason (other primitives are sent as their String()). */
  | { readonly type: 'primitive'; readonly value: string | number | boolean | null }
  /** An Error (or a DOMException): rebuilt as one of the same name, message, code and kind. */
  | {
      readonly type: 'error' | 'dom-exception';
      readonly name: string;
      readonly message: string;
      readonly code?: string | number;
      readonly kind?: string;
      readonly stack?: string;
    }
  /** Any other object: its name, message, code and kind fields, if they are strings (code: or a number). */
  | {
      readonly type: 'object';
      readonly name?: string;
      readonly message?: string;
      readonly code?: string | number;
      readonly kind?: string;
    };

function stringField(object: object, key: string): string | undefined {
  const value = (object as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

function codeField(object: object): string | number | undefined {
  const value = (object as Record<string, unknown>)['code'];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

/** Copies the optional fields that are present, so the encoded object has no `undefined` members. */
function withFields<T extends object>(base: T, fields: Record<string, string | number | undefined>): T {
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) result[key] = value;
  return result as T;
}

/**
 * Encodes a reason or an error as plain data.
 *
 * @param reason - anything: a cancel reason or a thrown value.
 * @param keepStack - whether to keep an Error's stack (errors sent back keep it; cancel reasons do not need it).
 * @remarks Never throws: a getter that throws is read as absent.
 */
export function encodeReason(reason: unknown, keepStack: boolean): EncodedReason {
  if (reason === undefined) return { type: 'none' };
  if (reason === null || typeof reason === 'string' || typeof reason === 'number' || typeof reason === 'boolean') {
    return { type: 'primitive', value: reason };
  }
  if (typeof reason !== 'object') return { type: 'primitive', value: String(reason) };
  try {
    const fields = { code: codeField(reason), kind: stringField(reason, 'kind') };
    if (reason instanceof Error || reason instanceof DOMException) {
      const stack = keepStack ? stringField(reason, 'stack') : undefined;
      return withFields(
        {
          type: reason instanceof DOMException ? 'dom-exception' : 'error',
          name: String(reason.name),
          message: String(reason.message),
        } as const,
        { ...fields, stack },
      );
    }
    return withFields({ type: 'object' } as const, {
      ...fields,
      name: stringField(reason, 'name'),
      message: stringField(reason, 'message'),
    });
  } catch {
    return { type: 'object' };
  }
}

/**
 * Creates an error without capturing a stack: here the stack would only show the decoding (the real one, when there
 * is one, comes with the data), and capturing it is most of an error's cost, on the path of every cancel.
 */
function withoutStack<E extends Error>(create: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return create();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Rebuilds a value from {@link encodeReason}'s data: an Error of the same name, message, code and kind (a
 * CanceledError when the code is `ERR_CANCELED`, a DOMException for a DOMException), a plain object, or the primitive.
 *
 * @param encoded - what encodeReason returned (possibly from another thread: checked field by field).
 * @returns the rebuilt value; `none` becomes a new CanceledError, as AsyncOp reports a cancel without a reason.
 */
export function decodeReason(encoded: EncodedReason): unknown {
  switch (encoded.type) {
    case 'none':
      return withoutStack(() => new CanceledError());
    case 'primitive':
      return encoded.value;
    case 'dom-exception':
      return new DOMException(encoded.message, encoded.name);
    case 'error': {
      const error = withoutStack(() =>
        encoded.code === 'ERR_CANCELED' ? new CanceledError(encoded.message) : new Error(encoded.message),
      );
      if (error.name !== encoded.name) Object.defineProperty(error, 'name', { value: encoded.name, writable: true });
      if (encoded.code !== undefined && !(error instanceof CanceledError)) Object.assign(error, { code: encoded.code });
      if (encoded.kind !== undefined) Object.assign(error, { kind: encoded.kind });
      error.stack = encoded.stack ?? `${encoded.name}: ${encoded.message}\n    (rebuilt from another thread)`;
      return error;
    }
    case 'object': {
      const { type: _type, ...fields } = encoded;
      return fields;
    }
  }
}

const STRING_FIELDS = ['name', 'message', 'kind', 'stack'] as const;

/** Whether `value` has the shape encodeReason produces (for data that came from another thread). */
export function isEncodedReason(value: unknown): value is EncodedReason {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  for (const key of STRING_FIELDS) {
    if (record[key] !== undefined && typeof record[key] !== 'string') return false;
  }
  const code = record['code'];
  if (code !== undefined && typeof code !== 'string' && typeof code !== 'number') return false;
  switch (record['type']) {
    case 'none':
    case 'object':
      return true;
    case 'primitive': {
      const primitive = record['value'];
      return primitive === null || ['string', 'number', 'boolean'].includes(typeof primitive);
    }
    case 'error':
    case 'dom-exception':
      return typeof record['name'] === 'string' && typeof record['message'] === 'string';
    default:
      return false;
  }
}
