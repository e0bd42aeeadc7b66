import { expect } from 'chai';
import { describe, it } from 'mocha';
import * as samples from '../../src/index.js';
import {
  FILE_LOW_LEVELS,
  FILE_STACKS,
  POOL_LOW_LEVEL,
  POOL_STACKS,
  SAMPLE_MODULES,
  stackNamed,
  stackTitle,
} from '../../src/index.js';

/** Every class the package exports that has the module shape (start and close on its prototype). */
function exportedModuleClasses(): [string, unknown][] {
  return Object.entries(samples).filter(([, value]) => {
    const prototype = (value as { prototype?: Record<string, unknown> } | null)?.prototype;
    return (
      typeof value === 'function' &&
      typeof prototype?.['start'] === 'function' &&
      typeof prototype['close'] === 'function'
    );
  });
}

describe('the stack registry', () => {
  it('should hold every sample module the package exports', () => {
    const registered = new Set<unknown>(Object.values(SAMPLE_MODULES));
    const missing = exportedModuleClasses()
      .filter(([, value]) => !registered.has(value))
      .map(([name]) => name);
    expect(missing, 'exported sample modules missing from SAMPLE_MODULES (src/stacks/sample-modules.ts)').to.deep.equal(
      [],
    );
    expect(exportedModuleClasses().length).to.equal(Object.keys(SAMPLE_MODULES).length);
  });

  it('should run every registered module in some stack', () => {
    const used = new Set<string>([...FILE_LOW_LEVELS, POOL_LOW_LEVEL]);
    for (const stack of [...FILE_STACKS, ...POOL_STACKS]) for (const layer of stack.layers) used.add(layer);
    expect(Object.keys(SAMPLE_MODULES).filter((name) => !used.has(name))).to.deep.equal([]);
  });

  it('should hold the 13 stacks of the C original over each file LL, each once, named by its layers', () => {
    expect(FILE_STACKS).to.have.length(13);
    for (const stacks of [FILE_STACKS, POOL_STACKS]) {
      expect(new Set(stacks.map((stack) => stack.name)).size).to.equal(stacks.length);
      for (const stack of stacks) expect(stack.name).to.equal(stack.layers.join('/') || 'll');
    }
    expect(
      POOL_STACKS.some((stack) => stack.layers.includes('ml-chain')),
      'the chain takes file jobs',
    ).to.equal(false);
  });

  it('should find a stack by name and title it with its LL, and refuse an unknown name', () => {
    const stack = stackNamed(FILE_STACKS, 'hl-cancel-all/ml-chain');
    expect(stackTitle(stack, 'll-fake-cancel')).to.equal('hl-cancel-all/ml-chain/ll-fake-cancel');
    expect(() => stackNamed(FILE_STACKS, 'hl/chain')).to.throw(RangeError, 'unknown stack "hl/chain"; known: ll, ');
  });
});
