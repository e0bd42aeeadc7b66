import fs from 'node:fs';
import path from 'node:path';
import { DIAGRAMS } from './diagrams.js';
import { extractRegion } from './snippets.js';

/** What one pass over the docs found: files whose generated blocks changed (or would change, in check mode). */
export interface RenderReport {
  readonly changed: readonly string[];
  readonly checked: number;
}

const BLOCK = /<!-- (diagram|snippet): ([^\s]+) -->\n[\s\S]*?<!-- \/\1 -->/g;

/** Every Markdown file under `directory`, except generated API pages. */
function markdownFiles(directory: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory() && entry.name !== 'api') found.push(...markdownFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.md')) found.push(full);
  }
  return found.sort();
}

/**
 * Regenerates the blocks of one Markdown text: `<!-- diagram: name -->` ... `<!-- /diagram -->` becomes the named
 * diagram drawn from a real run; `<!-- snippet: file#region -->` ... `<!-- /snippet -->` becomes that region of a
 * compiled, tested source file.
 */
export async function renderMarkdown(root: string, text: string): Promise<string> {
  const blocks = [...text.matchAll(BLOCK)];
  let result = text;
  for (const block of blocks) {
    const [whole, kind, target] = block as unknown as [string, 'diagram' | 'snippet', string];
    let body: string;
    if (kind === 'diagram') {
      const draw = DIAGRAMS[target];
      if (draw === undefined)
        throw new Error(`unknown diagram "${target}"; known: ${Object.keys(DIAGRAMS).join(', ')}`);
      body = await draw();
    } else {
      const [file, region] = target.split('#') as [string, string | undefined];
      if (region === undefined) throw new Error(`snippet "${target}" needs a #region`);
      const language = file.endsWith('.ts') ? 'ts' : '';
      body = `\`\`\`${language}\n${extractRegion(root, file, region)}\n\`\`\``;
    }
    // blank lines around the block: the form prettier keeps, so formatting the docs never looks like drift
    result = result.replace(whole, () => `<!-- ${kind}: ${target} -->\n\n${body}\n\n<!-- /${kind} -->`);
  }
  return result;
}

/**
 * Renders every Markdown file under `root`/docs, the root README and the packages' READMEs; writes changes, or (with
 * `isCheck`) only reports them.
 */
export async function renderDocs(root: string, isCheck: boolean): Promise<RenderReport> {
  const changed: string[] = [];
  const packages = fs
    .readdirSync(path.join(root, 'packages'))
    .map((name) => path.join(root, 'packages', name, 'README.md'));
  const files = [
    ...markdownFiles(path.join(root, 'docs')),
    path.join(root, 'README.md'),
    ...packages.filter((file) => fs.existsSync(file)),
  ];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const rendered = await renderMarkdown(root, text);
    if (rendered === text) continue;
    changed.push(path.relative(root, file));
    if (!isCheck) fs.writeFileSync(file, rendered);
  }
  return { changed, checked: files.length };
}
