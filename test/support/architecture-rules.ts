/**
 * The repository's architecture rules, as functions over a directory laid out as the repository is (packages/<name>/
 * with src/, test/, examples/; bench/): one import direction, no circles, no reaching into another package's internals,
 * no oversized source files. test/suites/architecture.test.ts runs them over the repository and over planted
 * violations; CONTRIBUTING.md states them.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The most lines a `packages/<name>/src` TypeScript file may have (the house rule: split past it). */
export const MAX_SOURCE_LINES = 400;

/** A known breach of a rule, kept on a list so that it cannot grow and cannot outlive its fix. */
export interface KnownBreach {
  /** For a circle: its files as importCircles() shows it; for a size: the file. */
  readonly what: string;
  /** For a size: the most lines the file may have until it is split. */
  readonly maxLines?: number;
  /** Why it is still there, and what removing it takes. */
  readonly reason: string;
}

/**
 * The import circles the repository still has. The architecture test fails on any circle not listed, and on a listed
 * one that is gone (remove it from the list then).
 */
export const KNOWN_CIRCLES: readonly KnownBreach[] = [
  {
    what: 'packages/async-op/src/internal/channels.ts -> packages/async-op/src/internal/op-record.ts -> packages/async-op/src/internal/channels.ts',
    reason:
      "the record emits its lifecycle events through the channels, which read the record back; op-record reads the live binding `isTraced` on the hot path, so untangling them is a change of AsyncOp's hot path, to be made with the async-op benchmark group",
  },
];

/**
 * The `packages/<name>/src` files allowed over MAX_SOURCE_LINES, each with a ceiling. The architecture test fails on a
 * file over its ceiling, and on a listed file back under MAX_SOURCE_LINES (remove it from the list then).
 */
export const KNOWN_LARGE_SOURCES: readonly KnownBreach[] = [];

/** One module import found in a file: its specifier as written, and the file it resolves to (undefined: a package). */
export interface ModuleImport {
  readonly from: string;
  readonly specifier: string;
  readonly resolved: string | undefined;
}

/** Where a file belongs: a package (`packages/<name>`) or `bench`, and the part of it (src, test, examples, ...). */
interface Place {
  readonly unit: string;
  readonly part: string;
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', '.git', 'build', 'prebuilds', 'results']);

/** Every TypeScript file under `directory` (relative to `root`), skipping builds and dependencies. */
export function typeScriptFiles(root: string, directory: string): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    const absolute = path.join(root, relative);
    if (!fs.existsSync(absolute)) return;
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(child);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        files.push(child);
      }
    }
  };
  walk(directory);
  return files.sort();
}

/** The files the rules look at: every package's TypeScript and the benchmarks'. */
export function checkedFiles(root: string): string[] {
  return [...typeScriptFiles(root, 'packages'), ...typeScriptFiles(root, 'bench')];
}

/** The package (or bench) and the part of it that `file` (relative to the root) is in. */
function placeOf(file: string): Place {
  const parts = file.split('/');
  if (parts[0] === 'packages') return { unit: `packages/${parts[1]}`, part: parts[2] ?? '' };
  return { unit: parts[0] ?? '', part: parts[1] ?? '' };
}

/**
 * The module specifiers of a TypeScript source: static imports and re-exports (type-only ones included),
 * `import('literal')`, and `import(new URL('literal', import.meta.url)...)`. Comments are ignored.
 */
export function moduleSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const specifiers: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\(\s*new URL\(\s*['"]([^'"]+)['"]/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) specifiers.push(match[1] as string);
  return specifiers;
}

/**
 * Where a relative specifier of `from` points, relative to the root, as the TypeScript file (`x.js` -> `x.ts`), or the
 * path as written when no such file exists; undefined for a bare (package) specifier. A `new URL` specifier is
 * relative to the built file (under the unit's dist/), and resolved from there.
 */
function resolve(root: string, from: string, specifier: string, isUrl: boolean): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  // a URL is relative to the built file: <unit>/dist/<the same path>
  const { unit } = placeOf(from);
  const directory = path.posix.dirname(from);
  const base = isUrl ? path.posix.join(unit, 'dist', path.posix.relative(unit, directory)) : directory;
  const target = path.posix.normalize(path.posix.join(base, specifier));
  for (const candidate of [target.replace(/\.js$/, '.ts'), `${target}.ts`, `${target}/index.ts`]) {
    if (fs.existsSync(path.join(root, candidate)) && fs.statSync(path.join(root, candidate)).isFile()) return candidate;
  }
  return target;
}

/** Every import of the checked files, resolved. */
export function moduleImports(root: string, files: readonly string[] = checkedFiles(root)): ModuleImport[] {
  const imports: ModuleImport[] = [];
  for (const from of files) {
    const source = fs.readFileSync(path.join(root, from), 'utf8');
    const urls = new Set([...source.matchAll(/\bimport\(\s*new URL\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]));
    for (const specifier of moduleSpecifiers(source)) {
      imports.push({ from, specifier, resolved: resolve(root, from, specifier, urls.has(specifier)) });
    }
  }
  return imports;
}

/**
 * The imports that break the direction of the repository, each as `file -> specifier (why)`: from `packages/` or
 * `bench/`, an import of a build (`dist/`), of another unit's tests (`test/`: the root suites or another package's),
 * or of another package's `internal/` modules.
 */
export function forbiddenImports(imports: readonly ModuleImport[]): string[] {
  const found: string[] = [];
  for (const { from, specifier, resolved } of imports) {
    const target = resolved ?? specifier;
    const here = placeOf(from);
    const segments = target.split('/');
    const there = resolved === undefined ? undefined : placeOf(resolved);
    const why = segments.includes('dist')
      ? 'a build (dist/)'
      : resolved !== undefined && (segments[0] === 'test' || (there?.part === 'test' && there.unit !== here.unit))
        ? 'tests of another unit (test/)'
        : segments.includes('internal') && (there === undefined || there.unit !== here.unit)
          ? "another package's internal/"
          : undefined;
    if (why !== undefined) found.push(`${from} -> ${specifier} (${why})`);
  }
  return found;
}

/**
 * The import circles inside each package (and inside bench/): one per group of files that import each other in a
 * circle (a strongly connected component), shown as one circle through its smallest file name, that file repeated at
 * the end.
 */
export function importCircles(imports: readonly ModuleImport[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const { from, resolved } of imports) {
    if (resolved === undefined || !resolved.endsWith('.ts') || placeOf(resolved).unit !== placeOf(from).unit) continue;
    edges.set(from, [...(edges.get(from) ?? []), resolved]);
  }
  // Tarjan's strongly connected components
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const selfImport = edges.get(node)?.includes(node) === true;
    if (component.length > 1 || selfImport) components.push(component);
  };
  for (const node of [...edges.keys()].sort()) if (!index.has(node)) connect(node);
  return components.map((component) => circleThrough(component, edges));
}

/** A shortest circle through the smallest file of `component` (breadth first, inside the component). */
function circleThrough(component: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0] as string;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const next of edges.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0] as string) as string);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/**
 * The `packages/<name>/src` TypeScript files over `limit` lines (or over the ceiling `known` gives them), each as
 * `file: N lines`.
 */
export function oversizedSources(
  root: string,
  limit: number = MAX_SOURCE_LINES,
  known: readonly KnownBreach[] = [],
): string[] {
  const ceilings = new Map(known.map((breach) => [breach.what, breach.maxLines ?? limit]));
  return sourceLineCounts(root)
    .filter(([file, lines]) => lines > (ceilings.get(file) ?? limit))
    .map(([file, lines]) => `${file}: ${lines} lines`);
}

/** Every `packages/<name>/src` TypeScript file with its number of lines. */
export function sourceLineCounts(root: string): (readonly [string, number])[] {
  return typeScriptFiles(root, 'packages')
    .filter((file) => placeOf(file).part === 'src')
    .map((file) => [file, fs.readFileSync(path.join(root, file), 'utf8').split('\n').length - 1] as const);
}
