// The race test of the README and the guide (docs/guides/write-a-race-test.md): a user's module, raced by the kit.
// #region race-test
import { assertRace, moduleRaceProperty, type ModuleRaceOptions } from 'async-op-race-kit';
import { describe, it } from 'mocha';
import { CopyModule, type CopyOutcome, type CopyRequest } from '../examples/copy-module.js';

const copyRace: ModuleRaceOptions<CopyRequest, CopyOutcome> = {
  // one module per run, over the kit's manager (the scripted engine, driven by fast-check's scheduler)
  createModule: ({ manager }) => new CopyModule(manager),
  // each operation gets its own directory: that is how the kit tells whose an engine call is
  setup: ({ engine, directory, size }) => engine.writeFile(`${directory}/in`, 'x'.repeat(size * 3)),
  request: ({ directory }) => ({ from: `${directory}/in`, to: `${directory}/out`, chunkSize: 4 }),
  // what a copy must leave once everything ended: turns on the "no stray files" check
  expectedFiles: ({ outcomes }) => (outcomes[0]?.status === 'ok' ? ['in', 'out'] : ['in']),
};

describe('CopyModule under the race kit', () => {
  it('should keep the contract under every strategy of cancel', async () => {
    await assertRace(moduleRaceProperty(copyRace));
  });

  it('should keep it when the cancel lands between two of its engine calls', async () => {
    await assertRace(moduleRaceProperty({ ...copyRace, cancels: ['after-completions'] }));
  });
});
// #endregion
