import fs from 'node:fs';
import path from 'node:path';

const REGION = /^\s*\/\/ #region\b/;
const END_REGION = /^\s*\/\/ #endregion\b/;

/**
 * The lines between `// #region <name>` and its matching `// #endregion` of a source file, without the common
 * indentation. Regions nest: a region may hold others (a whole file around its functions' regions); the markers of the
 * regions inside are left out of the snippet.
 *
 * @param root - the repository root; `file` is relative to it.
 * @throws Error naming the file and region when either is missing (a doc that points at nothing is a broken doc).
 */
export function extractRegion(root: string, file: string, name: string): string {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  if (start < 0) throw new Error(`${file}: no "// #region ${name}"`);
  const body: string[] = [];
  let depth = 1;
  for (const line of lines.slice(start + 1)) {
    if (REGION.test(line)) depth++;
    else if (END_REGION.test(line) && --depth === 0) break;
    else body.push(line);
  }
  if (depth > 0) throw new Error(`${file}: "// #region ${name}" has no "// #endregion"`);
  const indent = Math.min(
    ...body.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0),
  );
  return body.map((line) => line.slice(indent)).join('\n');
}
