/**
 * Where a workspace package's error codes are declared, whatever the package: its error-code tables (defineErrorCodes
 * of async-op), its exported `*ErrorCode` constant tables, the `ERR_...` literals of its sources (TypeScript and the
 * native addon's C++), and the rows of docs/reference/error-codes.md. test/suites/error-codes.test.ts compares them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isErrorCodeTable, type ErrorCodeEntry } from 'async-op';

/** One workspace package: its name and folder (relative to the root). */
export interface WorkspacePackage {
  readonly name: string;
  readonly directory: string;
}

/** What one package says about its codes. */
export interface PackageCodes {
  readonly name: string;
  /** The entries of every error-code table it exports. */
  readonly registered: readonly ErrorCodeEntry[];
  /** The codes of its exported `*ErrorCode` constant tables, by table name. */
  readonly tabled: ReadonlyMap<string, readonly string[]>;
  /** The names of the classes it exports (to check a documented class exists). */
  readonly classes: ReadonlySet<string>;
}

/** One row of the reference page's table. */
export interface DocumentedCode {
  readonly code: string;
  readonly className: string;
  readonly packageName: string;
}

/** Every package under packages/ (its package.json name). */
export function workspacePackages(root: string): WorkspacePackage[] {
  return fs
    .readdirSync(path.join(root, 'packages'))
    .filter((entry) => fs.existsSync(path.join(root, 'packages', entry, 'package.json')))
    .map((entry) => {
      const manifest = JSON.parse(fs.readFileSync(path.join(root, 'packages', entry, 'package.json'), 'utf8')) as {
        name: string;
      };
      return { name: manifest.name, directory: `packages/${entry}` };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** What a package's entry point exports about its codes (imported by name, as a user would). */
export async function packageCodes(name: string): Promise<PackageCodes> {
  const exports = (await import(name)) as Record<string, unknown>;
  const registered: ErrorCodeEntry[] = [];
  const tabled = new Map<string, string[]>();
  const classes = new Set<string>();
  for (const [exportName, value] of Object.entries(exports)) {
    if (isErrorCodeTable(value)) registered.push(...value.entries);
    else if (typeof value === 'function') classes.add(exportName);
    else if (/ErrorCodes?$/.test(exportName) && typeof value === 'object' && value !== null) {
      const codes = Object.values(value).filter((code): code is string => typeof code === 'string');
      if (codes.length > 0 && codes.every((code) => code.startsWith('ERR_'))) tabled.set(exportName, codes);
    }
  }
  return { name, registered, tabled, classes };
}

/** Every `ERR_...` code spelled in a string literal of the package's sources (src/ and native/src/, comments aside). */
export function spelledCodes(root: string, directory: string): string[] {
  const codes = new Set<string>();
  const visit = (relative: string): void => {
    const absolute = path.join(root, relative);
    if (!fs.existsSync(absolute)) return;
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) visit(child);
      else if (/\.(ts|cc|h)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        // comments (an example in TSDoc) are not sources of codes
        const text = fs
          .readFileSync(path.join(root, child), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
        for (const match of text.matchAll(/['"`](ERR_[A-Z0-9_]+)['"`]/g)) codes.add(match[1] as string);
      }
    }
  };
  visit(path.join(directory, 'src'));
  visit(path.join(directory, 'native', 'src'));
  return [...codes].sort();
}

/** The rows of the reference page's table whose code is an `ERR_...` code (Node's errno row is not one). */
export function documentedCodes(markdown: string): DocumentedCode[] {
  const rows: DocumentedCode[] = [];
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const code = /^`(ERR_[A-Z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    const className = /^`([A-Za-z][\w]*)`$/.exec(cells[2] ?? '')?.[1];
    if (code === undefined || className === undefined) continue;
    rows.push({ code, className, packageName: cells[3] ?? '' });
  }
  return rows;
}
