import { isEncodedReason, type EncodedReason } from './reason-codec.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Halves the longest string field of `encoded` (a message first), for a reason that does not fit its slot. */
function shorten(encoded: EncodedReason): EncodedReason | undefined {
  const record = encoded as Record<string, unknown>;
  let longest: string | undefined;
  for (const key of ['message', 'value', 'name', 'kind', 'code']) {
    const value = record[key];
    if (typeof value === 'string' && value.length > 0 && (longest === undefined || value.length > longest.length)) {
      longest = key;
    }
  }
  if (longest === undefined) return undefined;
  const value = record[longest] as string;
  return { ...encoded, [longest]: value.slice(0, value.length >> 1) } as EncodedReason;
}

/**
 * Writes `encoded` as UTF-8 JSON into `target`, shortening its longest strings until it fits.
 *
 * @returns the bytes written (0 when even an empty reason does not fit: the reader then sees "no reason").
 * @remarks Runs on the owner's thread only, before the slot's word says "canceled": a reader that sees the word
 *   sees these bytes (the word is written with an Atomics store, which orders the writes before it).
 */
export function writeReasonBytes(encoded: EncodedReason, target: Uint8Array): number {
  let current: EncodedReason | undefined = encoded;
  while (current !== undefined) {
    const text = JSON.stringify(current);
    const { read, written } = encoder.encodeInto(text, target);
    if (read === text.length) return written;
    current = shorten(current);
  }
  return 0;
}

/**
 * Reads what {@link writeReasonBytes} wrote; `none` for an empty or malformed record.
 *
 * @param source - a view of the slot's reason bytes (shared memory: copied before decoding).
 */
export function readReasonBytes(source: Uint8Array): EncodedReason {
  if (source.length === 0) return { type: 'none' };
  try {
    // slice() copies into an unshared buffer: TextDecoder does not read shared memory
    const parsed: unknown = JSON.parse(decoder.decode(source.slice()));
    return isEncodedReason(parsed) ? parsed : { type: 'none' };
  } catch {
    return { type: 'none' };
  }
}
