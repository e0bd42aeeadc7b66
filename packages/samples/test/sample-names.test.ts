import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AsyncFileManager, ScriptedEngine } from 'async-op-file';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { SAMPLE_NAMES } from '../src/cli/samples-demo.js';
import * as samples from '../src/index.js';
import { SAMPLES, sampleLabel, sampleNamed, stackLabel, type SampleId } from '../src/index.js';

const root = path.resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const packageRoot = path.join(root, 'packages', 'samples');

/** A module of each class, created (not opened) over a scripted manager or a lower module. */
function create(className: string, manager: AsyncFileManager): { name: string } {
  const Module = (samples as unknown as Record<string, new (options: object) => { name: string }>)[className];
  if (Module === undefined) throw new Error(`${className} is not exported`);
  const lower = new samples.RealCancelFileModule({ manager });
  return className.endsWith('FileModule') ? new Module({ manager }) : new Module({ lower });
}

describe('the naming table of the samples (SAMPLES)', () => {
  it('should give each sample one id and one class, both unique', () => {
    const ids = SAMPLES.map((sample) => sample.id);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(new Set(SAMPLES.map((sample) => sample.className)).size).to.equal(ids.length);
    for (const { id, layer } of SAMPLES)
      expect(id.startsWith(`${layer.toLowerCase()}-`) || id === 'hl', id).to.equal(true);
  });

  it("should match each sample's file, exported class and module name", async () => {
    const manager = new AsyncFileManager({ engine: new ScriptedEngine() });
    for (const { id, className } of SAMPLES) {
      expect(fs.existsSync(path.join(packageRoot, 'src', `${id}.ts`)), `src/${id}.ts`).to.equal(true);
      expect(create(className, manager).name, className).to.equal(id);
    }
    await manager.close();
  });

  it("should match each sample's docs page, listed on docs/samples/README.md", () => {
    const index = fs.readFileSync(path.join(root, 'docs', 'samples', 'README.md'), 'utf8');
    for (const { id } of SAMPLES) {
      expect(fs.existsSync(path.join(root, 'docs', 'samples', `${id}.md`)), `docs/samples/${id}.md`).to.equal(true);
      expect(index, id).to.include(`[${id}](${id}.md)`);
    }
    const pages = fs.readdirSync(path.join(root, 'docs', 'samples')).filter((name) => name !== 'README.md');
    expect(pages.sort()).to.deep.equal(SAMPLES.map(({ id }) => `${id}.md`).sort());
  });

  it("should match the demo's sample names (the worker pool is the demo's `threads`) and the test titles", () => {
    const demoed: readonly string[] = [...SAMPLE_NAMES, 'll-worker-pool'];
    expect([...demoed].sort()).to.deep.equal(SAMPLES.map(({ id }) => id).sort());
    for (const { id } of SAMPLES) {
      const test = fs.readFileSync(path.join(packageRoot, 'test', `${id}.test.ts`), 'utf8');
      expect(test, `test/${id}.test.ts titles its suite with sampleLabel('${id}')`).to.include(`sampleLabel('${id}')`);
    }
  });

  it('should label samples and stacks by id, and refuse an id that is not in the table', () => {
    expect(sampleLabel('ml-chain')).to.equal('ml-chain (AtomicSaveModule)');
    expect(stackLabel('hl-cancel-all', 'ml-chain', 'll-real-cancel')).to.equal('hl-cancel-all/ml-chain/ll-real-cancel');
    expect(sampleNamed('hl').title).to.equal('HL');
    expect(() => sampleNamed('chain' as SampleId)).to.throw(RangeError, 'got chain');
    expect(() => stackLabel('hl', 'chain/ll' as SampleId)).to.throw(RangeError);
    expect(() => stackLabel()).to.throw(RangeError, 'at least one');
  });
});
