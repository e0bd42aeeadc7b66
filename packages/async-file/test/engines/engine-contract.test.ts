import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import {
  AsyncFileManager,
  IoUringEngine,
  NodeFsEngine,
  REQUIRED_ENGINE_METHODS,
  ScriptedEngine,
  selectEngine,
  type FileEngine,
} from '../../src/index.js';
import { describeFileEngineContract, type EngineUnderTest } from '../support/engine-contract.js';

/** A real engine over a fresh temporary directory, removed on dispose. */
function onRealFiles(engine: FileEngine, dispose: () => void = () => undefined): EngineUnderTest {
  const directory = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'engine-contract-')));
  return {
    engine,
    directory,
    writeFile: (file, data) => fs.writeFileSync(file, data),
    readFile: (file) => (fs.existsSync(file) ? fs.readFileSync(file) : undefined),
    list: () => fs.readdirSync(directory).sort(),
    dispose: () => {
      dispose();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** The scripted engine, its calls completing on later turns as a real engine's do, in its own file system. */
function scripted(): EngineUnderTest {
  const engine = new ScriptedEngine({ completion: 'async' });
  engine.addDirectory('/contract');
  return {
    engine,
    directory: '/contract',
    writeFile: (file, data) => engine.writeFile(file, data),
    readFile: (file) => engine.readFile(file),
    list: () => engine.listDirectory('/contract'),
    // nothing to release: the engine and its files are garbage once the test drops them (the contract's own tests
    // misuse descriptors on purpose, which the engine records as violations)
    dispose: () => undefined,
  };
}

describeFileEngineContract('node-fs', () => onRealFiles(new NodeFsEngine()));
describeFileEngineContract('scripted', scripted);
// where io_uring is unavailable the suite is not defined (engine-arguments and the io_uring tests say why)
const probe = selectEngine('auto').engine;
if (probe instanceof IoUringEngine) {
  probe.shutdown();
  describeFileEngineContract('io_uring', () => {
    const engine = new IoUringEngine();
    return onRealFiles(engine, () => engine.shutdown());
  });
}

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
