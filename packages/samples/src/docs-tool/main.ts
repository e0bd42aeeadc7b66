// Regenerates the diagrams and code snippets inside docs/ from real runs and tested files.
// `node packages/samples/dist/src/docs-tool/main.js` writes them; `--check` fails (exit 1) if any is out of date.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDocs } from './render-docs.js';

const root = path.resolve(fileURLToPath(new URL('../../../../../', import.meta.url)));
const isCheck = process.argv.includes('--check');
const report = await renderDocs(root, isCheck);
if (report.changed.length === 0) {
  console.log(`docs: ${report.checked} files, every diagram and snippet up to date`);
} else if (isCheck) {
  console.error(`docs out of date (run npm run docs): ${report.changed.join(', ')}`);
  process.exitCode = 1;
} else {
  console.log(`docs: regenerated ${report.changed.join(', ')}`);
}
