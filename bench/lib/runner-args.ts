/**
 * The arguments of `npm run bench -- [--repeat N] [--node <major|path>] [--quick] [<group>...]`.
 */
import { parseRepeat } from './repeat-summary.js';

/** What the runner was asked to do. */
export interface RunnerArgs {
  /** Runs of each group (1 without `--repeat`). */
  readonly repeat: number;
  /** The `--node` value as given (a major number or a path), or undefined: the Node running the runner. */
  readonly node: string | undefined;
  /** `--quick`: a smoke run (lib/quick-mode.ts). */
  readonly quick: boolean;
  /** The group names, in order (none: every group). */
  readonly groups: string[];
}

/**
 * Parses the runner's arguments; flags may come before or after the group names.
 *
 * @throws RangeError for a bad `--repeat` count or a `--node` without a value, naming the value received.
 */
export function parseRunnerArgs(args: readonly string[]): RunnerArgs {
  const { repeat, rest } = parseRepeat(args);
  const quick = rest.includes('--quick');
  if (quick) rest.splice(rest.indexOf('--quick'), 1);
  const at = rest.indexOf('--node');
  if (at === -1) return { repeat, node: undefined, quick, groups: rest };
  const node = rest[at + 1];
  if (node === undefined || node === '' || node.startsWith('--')) {
    throw new RangeError(
      `Expected \`--node\` to be followed by a major number or the path of a node binary, got ${JSON.stringify(node ?? null)}`,
    );
  }
  rest.splice(at, 2);
  if (rest.includes('--node')) throw new RangeError('Expected `--node` once, got it twice');
  return { repeat, node, quick, groups: rest };
}
