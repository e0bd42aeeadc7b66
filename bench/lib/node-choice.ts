/**
 * `npm run bench -- --node <major|path>`: which Node binary runs the groups, and where its results go. A major number
 * names the Node running the runner (when it has that major) or a pinned Node that .ci/install-node-versions installed;
 * anything else is taken as the path of a node binary.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** A Node that can run the groups. */
export interface NodeChoice {
  /** The binary (absolute path). */
  readonly execPath: string;
  /** `process.version` of that binary, e.g. `v24.22.3`. */
  readonly version: string;
  readonly major: number;
  /** `process.versions.v8` and `process.versions.napi` of that binary. */
  readonly v8: string;
  readonly napi: string;
}

/** Where .ci/install-node-versions puts the pinned Node of `major` (an alias `node<major>` per major). */
export function pinnedNodePath(repoDir: string, major: number): string {
  return path.join(repoDir, '.ci', 'node-versions', 'node_modules', `node${major}`, 'bin', 'node');
}

/** The results directory of one Node major: bench/results/node<major> (bench/results/quick/node<major> for `--quick`). */
export function resultsDirFor(benchDir: string, major: number, quick = false): string {
  return path.join(benchDir, 'results', ...(quick ? ['quick'] : []), `node${major}`);
}

/**
 * The versions a node binary reports.
 *
 * @throws Error when the binary cannot be run or does not print its versions.
 */
function versionsOf(execPath: string): NodeChoice {
  const child = spawnSync(execPath, ['-p', 'JSON.stringify(process.versions)'], { encoding: 'utf8', timeout: 30_000 });
  if (child.error !== undefined) throw new Error(`cannot run ${execPath}: ${child.error.message}`);
  if (child.status !== 0)
    throw new Error(`${execPath} -p process.versions exited with ${child.status ?? child.signal}`);
  const versions = JSON.parse(child.stdout) as { node?: string; v8?: string; napi?: string };
  const major = Number(versions.node?.split('.')[0]);
  if (versions.node === undefined || !Number.isInteger(major)) {
    throw new Error(`${execPath} did not report a Node version (${child.stdout.trim()})`);
  }
  return { execPath, version: `v${versions.node}`, major, v8: versions.v8 ?? '?', napi: versions.napi ?? '?' };
}

/** The Node running this process, as a NodeChoice (no child process needed). */
export function currentNode(): NodeChoice {
  return {
    execPath: process.execPath,
    version: process.version,
    major: Number(process.versions.node.split('.')[0]),
    v8: process.versions.v8,
    napi: process.versions.napi ?? '?',
  };
}

/**
 * Resolves the `--node` argument: undefined, the running Node; a major number (`24`), the running Node if it has that
 * major, else the pinned one in .ci/node-versions; anything else, the path of a node binary.
 *
 * @throws RangeError naming the value received, when no such Node is installed or the path is not a node binary.
 */
export function resolveNode(choice: string | undefined, repoDir: string): NodeChoice {
  if (choice === undefined) return currentNode();
  if (/^\d+$/.test(choice)) {
    const major = Number(choice);
    const current = currentNode();
    if (current.major === major) return current;
    const pinned = pinnedNodePath(repoDir, major);
    if (!existsSync(pinned)) {
      throw new RangeError(
        `Expected \`--node\` to name an installed Node, got "${choice}": ${pinned} does not exist ` +
          '(.ci/install-node-versions installs the pinned Node 22 and 24; or pass the path of a node binary)',
      );
    }
    return checkedMajor(versionsOf(pinned), major, choice);
  }
  const execPath = path.resolve(choice);
  if (!existsSync(execPath)) {
    throw new RangeError(`Expected \`--node\` to be a major number or the path of a node binary, got "${choice}"`);
  }
  try {
    return versionsOf(execPath);
  } catch (error) {
    throw new RangeError(`Expected \`--node\` to be a node binary, got "${choice}": ${(error as Error).message}`);
  }
}

function checkedMajor(found: NodeChoice, major: number, choice: string): NodeChoice {
  if (found.major !== major) {
    throw new RangeError(
      `Expected \`--node\` ${choice} to run Node ${major}, got ${found.version} (${found.execPath})`,
    );
  }
  return found;
}
