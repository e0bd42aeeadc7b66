import { expect } from 'chai';
import { describe, it } from 'mocha';
import { AsyncFileManager, REQUIRED_ENGINE_METHODS, ScriptedEngine, type FileEngine } from '../../src/index.js';
import { describeFileEngineContract } from '../support/engine-contract.js';
import { enginesUnderTest } from '../support/engines-under-test.js';

for (const entry of enginesUnderTest()) describeFileEngineContract(entry.name, entry.subject);

describe('AsyncFileManager with an incomplete engine', () => {
  for (const missing of REQUIRED_ENGINE_METHODS) {
    it(`should refuse, at construction, an engine without ${missing}(), naming it`, () => {
      const complete = new ScriptedEngine();
      const incomplete = Object.create(complete, { [missing]: { value: undefined } }) as FileEngine;
      expect(() => new AsyncFileManager({ engine: incomplete })).to.throw(
        TypeError,
        `Expected \`engine\` to implement FileEngine (it has no method \`${missing}\`)`,
      );
    });
  }

  it('should refuse an engine that declares no capabilities, or a capability that is neither true nor a reason', () => {
    const complete = new ScriptedEngine();
    const bare = Object.create(complete, { capabilities: { value: undefined } }) as FileEngine;
    expect(() => new AsyncFileManager({ engine: bare })).to.throw(TypeError, 'declares no `capabilities` object');
    const confused = Object.create(complete, {
      readNow: { value: undefined },
      capabilities: { value: { ...complete.capabilities, syncCalls: false } },
    }) as FileEngine;
    expect(() => new AsyncFileManager({ engine: confused })).to.throw(
      TypeError,
      'its capability `syncCalls` must be true or a reason, got `false` (boolean)',
    );
  });
});
