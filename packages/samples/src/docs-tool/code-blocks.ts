import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One ```ts block of a Markdown file. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  readonly code: string;
}

const TS_BLOCK = /^```ts\n([\s\S]*?)^```$/gm;

/** Every ```ts block of `file` (relative to `root`), in order. */
export function typeScriptBlocks(root: string, file: string): CodeBlock[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(TS_BLOCK)].map((match) => ({
    file,
    line: text.slice(0, match.index).split('\n').length,
    code: match[1] as string,
  }));
}

/** The repository's compiler settings (tsconfig.base.json), to check code as a project of ours would compile it. */
function compilerOptions(root: string): ts.CompilerOptions {
  const file = path.join(root, 'tsconfig.base.json');
  const { config } = ts.readConfigFile(file, (name) => ts.sys.readFile(name));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);
  return { ...options, noEmit: true, composite: false, declaration: false, declarationMap: false, incremental: false };
}

/**
 * Type-checks each block as a file of its own, as a user would paste it into a project that installed the packages:
 * the repository's strict settings, its packages resolved by name through node_modules (their built declarations).
 *
 * @returns one line per error, naming the Markdown file and the block's line; empty when every block compiles.
 * @remarks The blocks are served from memory, as files in a folder `.code-blocks` of the repository root that is never
 *   written; the packages must be built.
 */
export function typeCheckBlocks(root: string, blocks: readonly CodeBlock[]): string[] {
  const options = compilerOptions(root);
  const virtual = new Map<string, CodeBlock>();
  blocks.forEach((block, index) => virtual.set(path.join(root, '.code-blocks', `block-${index}.ts`), block));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) => {
    const block = virtual.get(name);
    return block === undefined
      ? getSourceFile(name, language, ...rest)
      : ts.createSourceFile(name, block.code, language);
  };
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  host.readFile = (name) => virtual.get(name)?.code ?? readFile(name);
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const block = diagnostic.file === undefined ? undefined : virtual.get(diagnostic.file.fileName);
    if (diagnostic.file === undefined || block === undefined)
      return `${diagnostic.file?.fileName ?? '(global)'}: ${message}`;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return `${block.file}:${block.line + 1 + line}: TS${diagnostic.code} ${message}`;
  });
}
