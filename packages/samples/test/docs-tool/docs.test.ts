import { expect } from 'chai';
import { describe, it } from 'mocha';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIAGRAMS } from '../../src/docs-tool/diagrams.js';
import { findDeadLinks } from '../../src/docs-tool/links.js';
import { renderDocs, renderMarkdown } from '../../src/docs-tool/render-docs.js';

const root = path.resolve(fileURLToPath(new URL('../../../../../', import.meta.url)));

describe('docs tool', () => {
  it('should find every diagram and snippet in docs/ up to date (regenerate with npm run docs)', async () => {
    const report = await renderDocs(root, true);
    expect(report.checked).to.be.greaterThan(0);
    expect(report.changed, 'out of date: run `npm run docs`').to.deep.equal([]);
  });

  it('should draw the same diagram from the same run every time', async () => {
    for (const draw of Object.values(DIAGRAMS)) expect(await draw()).to.equal(await draw());
  });

  it('should draw real cancel reporting canceled after the file closed, fake cancel inside cancel()', async () => {
    const real = (await DIAGRAMS['ll-real-cancel']?.()) ?? '';
    const fake = (await DIAGRAMS['ll-fake-cancel']?.()) ?? '';
    expect(real.indexOf('callback: canceled')).to.be.greaterThan(real.indexOf('close (h1#4) done'));
    expect(fake.indexOf('callback: canceled')).to.be.lessThan(fake.indexOf('cancel() returned'));
  });

  it('should fail loudly on a snippet or diagram that points at nothing', async () => {
    let error: unknown;
    try {
      await renderMarkdown(root, '<!-- diagram: nope -->\n<!-- /diagram -->');
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).to.contain('unknown diagram "nope"');
  });

  it('should find no dead relative link in docs/ and the READMEs', () => {
    expect(findDeadLinks(root)).to.deep.equal([]);
  });
});
