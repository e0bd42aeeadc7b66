/**
 * Check: a full gc() with no AsyncOp alive must not discard AsyncOp's optimized code.
 *
 * async-op keeps one live instance of each of its reference classes (HIDDEN_CLASS_KEEPERS in its async-op.ts): V8 keeps
 * a class's hidden classes only while an instance lives, and a full GC that frees them also discards every optimized
 * function built on them (`--trace-deopt` reason "weak objects"), so the ops after it run slower until V8 re-optimizes.
 * This check runs bursts of AsyncOp lives, each after a gc(), in a fresh process with `--trace-deopt`, and fails
 * (exit 1) if V8 discarded any function of async-op for that reason. It reads V8's diagnostic output, which is why it
 * lives beside the benchmarks and not in the correctness suite; `npm run bench` runs it before the async-op group
 * (bench/lib/group-registry.ts), on the Node that runs the group.
 *
 * Run: `npm run build && node bench/dist/checks/hidden-class-keepers.js [node binary]`.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AsyncOp } from 'async-op';

const run = promisify(execFile);

/** async-op's sources (from bench/dist/checks): where its function names come from. */
const ASYNC_OP_SOURCES = fileURLToPath(new URL('../../../packages/async-op/src/', import.meta.url));

/** Bursts of AsyncOp lives, each after a full gc() with no op alive. */
const BURSTS = `
import { AsyncOp } from 'async-op';
const cancel = () => {};
function burst() {
  for (let i = 0; i < 100000; i++) {
    const op = AsyncOp.create({ context: i, cancel });
    const own = op.ref();
    op.release();
    own.complete();
    own.release();
  }
}
for (let round = 0; round < 8; round++) {
  globalThis.gc();
  burst();
}
`;

/** V8's names for the functions and accessors an object defines itself: `release`, `get state`, `FirstReference`. */
function ownFunctionNames(object: object): string[] {
  const names: string[] = [];
  for (const key of Object.getOwnPropertyNames(object)) {
    const property = Object.getOwnPropertyDescriptor(object, key);
    if (typeof property?.value === 'function') names.push((property.value as { name: string }).name);
    if (property?.get !== undefined) names.push(`get ${key}`);
    if (property?.set !== undefined) names.push(`set ${key}`);
  }
  return names;
}

/**
 * The functions whose deopts this check is about: the burst loop (AsyncOp's code inlined into it deopts with it), every
 * member of AsyncOp and of its two reference classes, and every function declared in async-op's sources. Node's own
 * functions (its ESM loader's, for one) may lose optimized code at a gc() too; that is not ours to keep.
 */
function asyncOpFunctionNames(): Set<string> {
  const names = new Set(['burst', ...ownFunctionNames(AsyncOp), ...ownFunctionNames(AsyncOp.prototype)]);
  const first = AsyncOp.create({ context: undefined });
  const shared = first.ref();
  for (const reference of [first, shared]) {
    for (const name of ownFunctionNames(Object.getPrototypeOf(reference) as object)) names.add(name);
  }
  shared.release();
  first.release();
  for (const file of fs.readdirSync(ASYNC_OP_SOURCES, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    const text = fs.readFileSync(path.join(ASYNC_OP_SOURCES, file), 'utf8');
    for (const match of text.matchAll(/\bfunction\s+([A-Za-z_$][\w$]*)/g)) names.add(match[1] as string);
  }
  return names;
}

/** The function a `--trace-deopt` line names, as in `(0x1234 <SharedFunctionInfo release>)`. */
function deoptedFunction(line: string): string | undefined {
  return /<SharedFunctionInfo ([^>]*)>/.exec(line)?.[1];
}

/**
 * Runs the bursts on `node` and returns the lines where V8 discarded one of async-op's functions because its hidden
 * classes died ("weak objects"): empty when the keepers work.
 */
export async function discardedAtGc(node: string = process.execPath): Promise<string[]> {
  const ours = asyncOpFunctionNames();
  for (const expected of ['burst', 'get state', 'dropReference']) {
    if (!ours.has(expected)) throw new Error(`the check lost track of async-op's functions: no ${expected}`);
  }
  const { stdout } = await run(node, ['--expose-gc', '--trace-deopt', '--input-type=module', '--eval', BURSTS], {
    maxBuffer: 64 * 1024 * 1024,
    cwd: fileURLToPath(new URL('../../', import.meta.url)), // bench/, whose node_modules resolve async-op
  });
  return stdout
    .split('\n')
    .filter((line) => line.includes('reason: weak objects') && ours.has(deoptedFunction(line) ?? ''));
}

/** As a script: prints the outcome and exits 1 when a function was discarded. */
async function main(): Promise<void> {
  const node = process.argv[2] ?? process.execPath;
  const discarded = await discardedAtGc(node);
  if (discarded.length === 0) {
    process.stdout.write('check hidden-class keepers: ok (no async-op function discarded at a full gc())\n');
    return;
  }
  process.stdout.write(
    `check hidden-class keepers: FAILED, ${discarded.length} deopt(s) "weak objects" of async-op:\n` +
      `${discarded.slice(0, 5).join('\n')}\n`,
  );
  process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
