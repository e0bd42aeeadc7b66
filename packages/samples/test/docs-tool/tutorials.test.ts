import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { describe, it } from 'mocha';
import { typeCheckBlocks, typeScriptBlocks } from '../../src/docs-tool/code-blocks.js';

const root = path.resolve(fileURLToPath(new URL('../../../../../', import.meta.url)));
const tutorials = fs
  .readdirSync(path.join(root, 'docs', 'tutorials'))
  .filter((name) => name.endsWith('.md'))
  .sort();

describe('the tutorials', () => {
  it('should be one numbered ladder: 01, 02, ... with no gap or repeat, titled and listed in docs/README.md in order', () => {
    const numbers = tutorials.map((name) => Number(/^(\d\d)-[a-z0-9-]+\.md$/.exec(name)?.[1]));
    expect(numbers).to.deep.equal(tutorials.map((_, index) => index + 1));
    const map = fs.readFileSync(path.join(root, 'docs', 'README.md'), 'utf8');
    const listed = [...map.matchAll(/\]\(tutorials\/([^)]+)\)/g)].map((match) => match[1]);
    expect(listed).to.deep.equal(tutorials);
    for (const [index, name] of tutorials.entries()) {
      const text = fs.readFileSync(path.join(root, 'docs', 'tutorials', name), 'utf8');
      expect(text.split('\n')[0], name).to.match(new RegExp(`^# ${index + 1}\\. `));
      const next = tutorials[index + 1];
      if (next !== undefined) expect(text, `${name} links the next tutorial`).to.include(`](${next})`);
    }
  });

  it('should show whole files: every ```ts block compiles on its own, imports included, with the strict settings', function () {
    // one TypeScript program over every block and the packages' declarations: a few seconds
    this.timeout(120_000);
    const blocks = tutorials.flatMap((name) => typeScriptBlocks(root, path.join('docs', 'tutorials', name)));
    expect(blocks.length).to.be.greaterThan(8);
    for (const block of blocks) expect(block.code, `${block.file}:${block.line}`).to.match(/^import /m);
    expect(typeCheckBlocks(root, blocks)).to.deep.equal([]);
  });

  it('should catch a block that leaves out its imports', function () {
    this.timeout(120_000);
    const errors = typeCheckBlocks(root, [
      { file: 'docs/tutorials/example.md', line: 10, code: "export const op = AsyncOp.create({ context: 'x' });\n" },
    ]);
    expect(errors.join('\n')).to.match(/^docs\/tutorials\/example\.md:11: TS2304 Cannot find name 'AsyncOp'/);
  });
});
