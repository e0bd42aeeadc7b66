import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { AsyncOp, HIDDEN_CLASS_KEEPERS } from '../src/async-op.js';

const run = promisify(execFile);

/** Bursts of AsyncOp lives, each after a full gc() with no op alive, in a fresh process that traces V8's deopts. */
const BURSTS = `
import { AsyncOp } from ${JSON.stringify(fileURLToPath(new URL('../src/index.js', import.meta.url)))};
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
 * The functions whose deopts this test is about: the burst loop (AsyncOp's code inlined into it deopts with it), every
 * member of AsyncOp and of its reference classes, and every function declared in the package's compiled sources.
 * Node's own functions (its ESM loader's, for one) may lose optimized code at a gc() too; that is not ours to keep.
 */
function asyncOpFunctionNames(): Set<string> {
  const names = new Set(['burst', ...ownFunctionNames(AsyncOp), ...ownFunctionNames(AsyncOp.prototype)]);
  for (const keeper of HIDDEN_CLASS_KEEPERS) {
    const prototype = Object.getPrototypeOf(keeper) as object;
    for (const name of ownFunctionNames(prototype)) names.add(name);
  }
  const sources = fileURLToPath(new URL('../src/', import.meta.url));
  for (const file of fs.readdirSync(sources, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.js')) continue;
    const text = fs.readFileSync(path.join(sources, file), 'utf8');
    for (const match of text.matchAll(/\bfunction\s+([A-Za-z_$][\w$]*)/g)) names.add(match[1]!);
  }
  return names;
}

/** The function a `--trace-deopt` line names, as in `(0x1234 <SharedFunctionInfo release>)`. */
function deoptedFunction(line: string): string | undefined {
  return /<SharedFunctionInfo ([^>]*)>/.exec(line)?.[1];
}

describe('hidden-class keepers', () => {
  it('should hold one live instance of each reference class', () => {
    expect(HIDDEN_CLASS_KEEPERS).to.have.length(2);
    for (const keeper of HIDDEN_CLASS_KEEPERS) expect(keeper.isReleased).to.equal(false);
  });

  it("should keep a full GC with no op alive from discarding AsyncOp's optimized code", async function () {
    this.timeout(30_000);
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--trace-deopt', '--input-type=module', '--eval', BURSTS],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    // V8 prints one line per optimized function it discards; "weak objects" is the reason when hidden classes died
    const ours = asyncOpFunctionNames();
    expect(ours).to.include.keys('burst', 'get state', 'dropReference');
    const discarded = stdout
      .split('\n')
      .filter((line) => line.includes('reason: weak objects') && ours.has(deoptedFunction(line) ?? ''));
    expect(discarded, discarded.slice(0, 5).join('\n')).to.deep.equal([]);
  });
});
