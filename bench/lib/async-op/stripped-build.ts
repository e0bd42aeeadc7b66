import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AsyncOp } from 'async-op';

/**
 * The instrumentation points of async-op's compiled code, and what the stripped build puts in their place: every
 * tracing check (`if (isTraced)`, `|| isTraced`, `!isTraced`, `!isObserved`, and the channels' own `hasSubscribers`) and every
 * leak-tracker check (`tracker !== null`, `tracker === null`) and per-op observed bit test (`(bits & OBSERVED) !== 0`)
 * becomes a constant, so the branches go. The difference between the two builds
 * in one run is what tracing and diagnostics cost when nobody uses them.
 */
const INSTRUMENTATION: readonly [RegExp, string][] = [
  [/if \(isTraced\)/g, 'if (false)'],
  [/\|\| isTraced\b/g, '|| false'],
  [/!isTraced\b/g, 'true'],
  [/!isObserved\b/g, 'true'],
  [/\b\w+\.hasSubscribers\b/g, 'false'],
  [/\(\w+(?:\.bits)? & OBSERVED\) !== 0/g, 'false'],
  [/\btracker !== null/g, 'false'],
  [/\btracker === null/g, 'true'],
];

/** Copies async-op's compiled sources to a fresh directory, optionally stripped; returns the count replaced. */
function copyBuild(source: string, target: string, strip: boolean): number {
  let replaced = 0;
  for (const file of fs.readdirSync(source, { recursive: true, encoding: 'utf8' })) {
    const from = path.join(source, file);
    if (fs.statSync(from).isDirectory() || !file.endsWith('.js')) continue;
    let text = fs.readFileSync(from, 'utf8');
    if (strip) {
      for (const [pattern, replacement] of INSTRUMENTATION) {
        text = text.replace(pattern, () => {
          replaced++;
          return replacement;
        });
      }
    }
    const to = path.join(target, file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, text);
  }
  return replaced;
}

/**
 * Loads two fresh copies of async-op's compiled code: one as built, one with the instrumentation stripped. Both are
 * fresh, so neither carries type feedback from the group's other cases (the package's own copy has seen every case).
 * Returns their AsyncOp classes and the number of points replaced (0 would mean the patterns no longer match).
 */
export async function loadBuilds(): Promise<{ asBuilt: typeof AsyncOp; stripped: typeof AsyncOp; replaced: number }> {
  const asBuilt = await loadFreshCopy(false);
  const stripped = await loadFreshCopy(true);
  return { asBuilt: asBuilt.AsyncOp, stripped: stripped.AsyncOp, replaced: stripped.replaced };
}

/**
 * Imports a fresh copy of async-op's compiled code (optionally stripped). A case run on its own copy neither gives nor
 * takes type feedback: create() called with options of several shapes (a deadline here, none there) makes V8 keep
 * every caller's options object (32 bytes per op), so the deadline cases run on their own copy.
 */
export async function loadFreshCopy(strip: boolean): Promise<{ AsyncOp: typeof AsyncOp; replaced: number }> {
  const source = fileURLToPath(new URL('../../../../packages/async-op/dist/src/', import.meta.url));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'async-op-copy-'));
  try {
    const replaced = copyBuild(source, root, strip);
    const module = (await import(pathToFileURL(path.join(root, 'index.js')).href)) as { AsyncOp: typeof AsyncOp };
    return { AsyncOp: module.AsyncOp, replaced };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

let compiledLoops = 0;

/**
 * The existing subject cases' loops, compiled separately for a given AsyncOp class: each build gets its own functions
 * (and so its own type feedback), as the group's own cases have. Each source is made unique: V8 caches what
 * `new Function` compiles by source text, and two builds sharing one compiled function would share its feedback.
 */
export function subjectLoops(AsyncOpClass: typeof AsyncOp, noop: () => void): Record<string, (n: number) => unknown> {
  const make = (body: string): ((n: number) => unknown) =>
    new Function(
      'AsyncOp',
      'noop',
      `// loop ${++compiledLoops}\nreturn function run(iterations) { let last; for (let i = 0; i < iterations; i++) { ${body} } return last; };`,
    )(AsyncOpClass, noop) as (n: number) => unknown;
  return {
    complete: make('const op = AsyncOp.create({ context: null }); op.complete(); op.release(); last = op;'),
    listen: make(
      'const op = AsyncOp.create({ context: null }); const r = op.onCancel(noop); r.unregister(); op.release(); last = r;',
    ),
    cancel: make('const op = AsyncOp.create({ context: null }); op.cancel(); op.release(); last = op;'),
  };
}
