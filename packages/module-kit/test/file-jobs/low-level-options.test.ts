import { AsyncFileManager, ScriptedEngine } from 'async-op-file';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { expectLowLevelOptions } from '../../src/file-jobs/low-level-options.js';
import { LowLevelTestSettings } from '../../src/file-jobs/low-level-test-settings.js';
import { expectRefusal } from '../support/hostile.js';

describe('expectLowLevelOptions()', () => {
  it('should accept a manager, with or without test settings', async () => {
    const manager = new AsyncFileManager({ engine: new ScriptedEngine() });
    expect(() => expectLowLevelOptions({ manager })).to.not.throw();
    expect(() => expectLowLevelOptions({ manager, testSettings: new LowLevelTestSettings() })).to.not.throw();
    await manager.close();
  });

  it('should refuse what is not an object, a manager that is not one, and settings that are not, naming each', async () => {
    const manager = new AsyncFileManager({ engine: new ScriptedEngine() });
    expectRefusal(() => expectLowLevelOptions(undefined), 'options', undefined);
    for (const value of [undefined, null, {}, 'manager']) {
      expectRefusal(() => expectLowLevelOptions({ manager: value }), 'options.manager', value);
    }
    for (const value of [null, {}, 1]) {
      expectRefusal(() => expectLowLevelOptions({ manager, testSettings: value }), 'options.testSettings', value);
    }
    await manager.close();
  });
});
