import fs from 'node:fs';
import path from 'node:path';

/** A relative link in a Markdown file whose target does not exist. */
export interface DeadLink {
  readonly file: string;
  readonly link: string;
}

const LINK = /\]\(([^)\s]+)\)/g;

function markdownUnder(directory: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory() && !['api', 'node_modules', 'dist'].includes(entry.name))
      found.push(...markdownUnder(full));
    else if (entry.isFile() && entry.name.endsWith('.md')) found.push(full);
  }
  return found;
}

/**
 * Relative links (not http(s), mailto or pure #anchors) in docs/**, the root README and the packages' READMEs whose
 * file does not exist. Anchors are not checked.
 */
export function findDeadLinks(root: string): DeadLink[] {
  const files = [
    ...markdownUnder(path.join(root, 'docs')),
    path.join(root, 'README.md'),
    ...fs.readdirSync(path.join(root, 'packages')).map((name) => path.join(root, 'packages', name, 'README.md')),
    path.join(root, 'bench', 'README.md'),
  ].filter((file) => fs.existsSync(file));
  const dead: DeadLink[] = [];
  for (const file of files) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(LINK)) {
      const link = match[1] as string;
      if (/^[a-z]+:/i.test(link) || link.startsWith('#')) continue;
      const target = path.resolve(path.dirname(file), link.split('#')[0] as string);
      if (!fs.existsSync(target)) dead.push({ file: path.relative(root, file), link });
    }
  }
  return dead;
}
