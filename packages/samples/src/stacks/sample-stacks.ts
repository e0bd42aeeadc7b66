/** The samples that sit above an LL module, by their one spelling (the file name of each sample). */
export type SampleLayerName = 'ml-pass-through' | 'ml-chain' | 'ml-retries' | 'hl' | 'hl-cancel-all';

/** The two LL samples over the file backend; every file stack runs over both. */
export const FILE_LOW_LEVELS = ['ll-real-cancel', 'll-fake-cancel'] as const;
export type FileLowLevelName = (typeof FILE_LOW_LEVELS)[number];

/** The LL sample over worker threads (requests are hashes, not file jobs). */
export const POOL_LOW_LEVEL = 'll-worker-pool';

/** Every LL sample. */
export type LowLevelName = FileLowLevelName | typeof POOL_LOW_LEVEL;

/**
 * One stack of samples: its layers top-down, without the LL beneath (a stack runs over each LL of its family).
 *
 * @remarks `name` is the layers joined with `/` (`hl-cancel-all/ml-chain/ml-retries`), or `ll` for the bare LL.
 */
export interface SampleStack {
  readonly name: string;
  readonly layers: readonly SampleLayerName[];
}

function stack(...layers: SampleLayerName[]): SampleStack {
  return { name: layers.length === 0 ? 'll' : layers.join('/'), layers };
}

/**
 * The 13 stacks over a file LL (those of the C original): the bare LL; ML pass-through; the chain; retries; the chain
 * over retries; HL over each ML; HL cancel-all over each ML. In `ml-chain/ml-retries` the chain's steps go through
 * the retry module.
 *
 * @remarks The one list every suite runs (the conformance matrix, the race properties, the samples' stack tests):
 *   a stack added here runs everywhere, and only here.
 */
export const FILE_STACKS: readonly SampleStack[] = [
  stack(),
  stack('ml-pass-through'),
  stack('ml-chain'),
  stack('ml-retries'),
  stack('ml-chain', 'ml-retries'),
  stack('hl', 'ml-pass-through'),
  stack('hl', 'ml-chain'),
  stack('hl', 'ml-retries'),
  stack('hl', 'ml-chain', 'ml-retries'),
  stack('hl-cancel-all', 'ml-pass-through'),
  stack('hl-cancel-all', 'ml-chain'),
  stack('hl-cancel-all', 'ml-retries'),
  stack('hl-cancel-all', 'ml-chain', 'ml-retries'),
];

/**
 * The stacks over the worker pool: every layer but the chain (which takes file jobs); the pool takes hash requests.
 */
export const POOL_STACKS: readonly SampleStack[] = [
  stack(),
  stack('ml-pass-through'),
  stack('ml-retries'),
  stack('hl', 'ml-pass-through'),
  stack('hl-cancel-all', 'ml-pass-through'),
  stack('hl-cancel-all', 'ml-retries'),
];

/**
 * The stack of `stacks` named `name`.
 *
 * @param stacks - FILE_STACKS or POOL_STACKS.
 * @param name - a stack's name: `hl/ml-chain`, or `ll`.
 * @throws RangeError naming the unknown name and the known ones.
 */
export function stackNamed(stacks: readonly SampleStack[], name: string): SampleStack {
  const found = stacks.find((candidate) => candidate.name === name);
  if (found === undefined) {
    throw new RangeError(`unknown stack "${name}"; known: ${stacks.map((candidate) => candidate.name).join(', ')}`);
  }
  return found;
}

/** A test title: the layers and the LL, top-down, each by its one name: `hl-cancel-all/ml-chain/ll-fake-cancel`. */
export function stackTitle(stack: SampleStack, lowLevel: LowLevelName): string {
  return [...stack.layers, lowLevel].join('/');
}

/** Whether the stack has `layer`. */
export function hasLayer(stack: SampleStack, layer: SampleLayerName): boolean {
  return stack.layers.includes(layer);
}

/** Whether the top is HL cancel-all (its close() cancels everything pending). */
export function isCancelAll(stack: SampleStack): boolean {
  return stack.layers[0] === 'hl-cancel-all';
}
