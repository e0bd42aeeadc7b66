import fs from 'node:fs';
import path from 'node:path';

/**
 * The lines between `// #region <name>` and the next `// #endregion` of a source file, without the common
 * indentation.
 *
 * @param root - the repository root; `file` is relative to it.
 * @throws Error naming the file and region when either is missing (a doc that points at nothing is a broken doc).
 */
export function extractRegion(root: string, file: string, name: string): string {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  if (start < 0) throw new Error(`${file}: no "// #region ${name}"`);
  const end = lines.findIndex((line, index) => index > start && line.trim().startsWith('// #endregion'));
  if (end < 0) throw new Error(`${file}: "// #region ${name}" has no "// #endregion"`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(
    ...body.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0),
  );
  return body.map((line) => line.slice(indent)).join('\n');
}
