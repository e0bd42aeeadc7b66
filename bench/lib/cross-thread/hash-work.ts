import { createHash } from 'node:crypto';

/**
 * The work of one task in the pool section, as the worker-pool sample's `hash-bytes` does it: the data hashed
 * `rounds` times (SHA-256, each round over the previous digest), then hashed into the total. The piscina worker runs
 * this; the sample's worker runs its own copy of the same loop (plus the one-load check per round).
 */
export function hashRounds(data: Uint8Array, rounds: number): string {
  let digest: Uint8Array = data;
  for (let round = 0; round < rounds; round++) digest = createHash('sha256').update(digest).digest();
  return createHash('sha256').update(digest).digest('hex');
}
