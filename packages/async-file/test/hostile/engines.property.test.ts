import fs from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { ScriptedEngine } from '../../src/index.js';
import { descriptorsUnder } from '../support/descriptors.js';
import { disposeEngine, enginesUnderTest } from '../support/engines-under-test.js';
import { useTempDir } from '../support/temp-dir.js';
import { canTellCached, expectCacheAnswer } from './cache-answer.js';
import { callArbitrary, HOSTILE_ENGINE_METHODS, isValidCall, resolveFd, runCall } from './engine-calls.js';
import { expectRefusedIff, makeHostilePaths, type HostileOutcome } from './hostile-values.js';

/** Runs per engine: six times the usual, as one run tries one of seventeen methods. */
const RUNS = 6 * (fc.readConfigureGlobal().numRuns ?? 100);

describe('the engines called directly with hostile arguments (real files)', () => {
  const tmp = useTempDir();

  for (const { name, create } of enginesUnderTest().filter((entry) => entry.isOnRealFiles)) {
    it(`${name}: should refuse exactly the bad arguments, and call back once for the rest`, async () => {
      const paths = makeHostilePaths(tmp.path);
      const fifoFd = fs.openSync(paths.fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK);
      const engine = create();
      const canTell = canTellCached(engine, paths.file);
      try {
        await fc.assert(
          fc.asyncProperty(callArbitrary(paths, HOSTILE_ENGINE_METHODS), async (call) => {
            // close() without arguments closes an io_uring engine: not a hostile call, the end of the engine
            fc.pre(!(call.method === 'close' && call.fd === undefined && call.callback === undefined));
            // special files are opened for reading only
            fc.pre(
              call.method !== 'openExisting' ||
                call.mode === 'read' ||
                !fc.stringify(call.readPath).match(/^\/(dev|proc)\/|fifo/),
            );
            const own = fs.openSync(paths.file, 'r+');
            const fd = resolveFd(call, own, paths.file);
            let outcome: HostileOutcome | undefined;
            try {
              const what = `${name}.${call.method}`;
              outcome = await runCall(engine, call, fd, what);
              expectRefusedIff(outcome, !isValidCall(call, fd), what);
              if (call.method === 'isCached' && outcome.kind === 'called back') {
                expectCacheAnswer(call, fd, outcome.result, canTell, what);
              }
            } finally {
              // whatever the checks said: a failing run must not leave its descriptors to the runs of the shrinking
              const succeeded = outcome?.kind === 'called back' && outcome.error === null;
              if (succeeded && ['openExisting', 'createAnonymous', 'duplicate'].includes(call.method)) {
                fs.closeSync((outcome as { result: number }).result);
              }
              if (!(succeeded && call.method === 'close' && fd === own)) fs.closeSync(own);
              for (const entry of ['new', 'other']) fs.rmSync(tmp.join(entry), { force: true });
              if (!fs.existsSync(paths.file)) fs.writeFileSync(paths.file, 'hostile input');
            }
            expect(descriptorsUnder(tmp.path).filter((open) => open !== fifoFd)).to.deep.equal([]);
          }),
          { numRuns: RUNS },
        );
      } finally {
        disposeEngine(engine);
        fs.closeSync(fifoFd);
      }
    });
  }

  it('ScriptedEngine: should refuse exactly the bad arguments, and call back once for the rest', async () => {
    const paths = makeHostilePaths(tmp.path);
    const engine = new ScriptedEngine({ now: 'complete' });
    engine.addDirectory(paths.dir);
    engine.writeFile(paths.file, 'hostile input');
    // no page cache to ask about: it leaves the optional isCached out, as the interface allows
    const methods = HOSTILE_ENGINE_METHODS.filter((method) => method in engine);
    expect(methods).to.have.length(HOSTILE_ENGINE_METHODS.length - 1);
    await fc.assert(
      fc.asyncProperty(callArbitrary(paths, methods), async (call) => {
        let own = -1;
        engine.openExisting(paths.file, 'read-write', (_error, opened) => (own = opened));
        const fd = resolveFd(call, own, paths.file);
        const outcome = await runCall(engine, call, fd, `ScriptedEngine.${call.method}`);
        expectRefusedIff(outcome, !isValidCall(call, fd), `ScriptedEngine.${call.method}`);
        const opened = ['openExisting', 'createAnonymous', 'duplicate'].includes(call.method);
        if (outcome.kind === 'called back' && outcome.error === null && opened) {
          engine.close(outcome.result as number, () => undefined);
        }
        if (engine.openDescriptors().includes(own)) engine.close(own, () => undefined);
        expect(engine.openDescriptorCount).to.equal(0);
        expect(engine.violations.filter((text) => !text.includes('was not open'))).to.deep.equal([]);
      }),
      { numRuns: RUNS },
    );
  });
});
