/**
 * The settings the benchmark groups and probes share, so that they measure the same thing: the block every read and
 * write moves, the operations in flight, the size of the cached read file, and the seed of its random offsets. A group's
 * own settings (its rounds, its file counts) live in lib/<group>/constants.ts.
 */

/** The read and write size, and the alignment of every offset: one 4 KiB block. */
export const BLOCK = 4096;

/** Operations in flight in the asynchronous cases (handles chaining, or callbacks outstanding). */
export const LANES = 64;

/** The cached file of the random-read cases: large enough that 100,000 random blocks rarely repeat. */
export const READ_FILE_BYTES = 256 * 1024 * 1024;

/** The seed of the random read offsets (a group that needs another sequence derives its seed from this one). */
export const SEED = 0x5eed_f11e;
