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
  /**
   * The compiled file the block was copied from (its `<!-- snippet: path#region -->` marker), relative to the root;
   * undefined for a block written in the page. A block from a file is checked in that file's folder, so that an import
   * of the reader's own module (`../examples/copy-module.js`) resolves as it does there.
   */
  readonly source?: string | undefined;
}

const TS_BLOCK = /^```ts\n([\s\S]*?)^```$/gm;
/** The snippet marker right before a block (a blank line between them), naming the file it was copied from. */
const SNIPPET_BEFORE = /<!-- snippet: ([^#\s]+)#[^\s]+ -->\n\n$/;

/** Every ```ts block of `file` (relative to `root`), in order. */
export function typeScriptBlocks(root: string, file: string): CodeBlock[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(TS_BLOCK)].map((match) => {
    const before = text.slice(0, match.index);
    return {
      file,
      line: before.split('\n').length,
      code: match[1] as string,
      source: SNIPPET_BEFORE.exec(before)?.[1],
    };
  });
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
 * @remarks The blocks are served from memory, never written: a block copied from a file as if it sat beside that file
 *   (so relative imports of the reader's own modules resolve), any other in a folder `.code-blocks` of the root. The
 *   packages must be built.
 */
export function typeCheckBlocks(root: string, blocks: readonly CodeBlock[]): string[] {
  const options = compilerOptions(root);
  const virtual = new Map<string, CodeBlock>();
  blocks.forEach((block, index) => {
    const folder = block.source === undefined ? '.code-blocks' : path.dirname(block.source);
    virtual.set(path.join(root, folder, `.code-block-${index}.ts`), block);
  });
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
