import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { HIDDEN_CLASS_KEEPERS } from '../src/async-op.js';

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
    const discarded = stdout.split('\n').filter((line) => line.includes('reason: weak objects'));
    expect(discarded, discarded.slice(0, 5).join('\n')).to.deep.equal([]);
  });
});
