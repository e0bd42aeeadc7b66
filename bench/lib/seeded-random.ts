/**
 * A small seeded PRNG (mulberry32): the same seed gives the same sequence on every run and in every case, so that
 * cases compared with each other do exactly the same work.
 *
 * @returns a function that returns the next uint32 of the sequence.
 */
export function seededUint32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
