// The cells of the smoke matrix: how a user's project may consume the packages (plain ESM and CommonJS JavaScript,
// TypeScript under each module setting that can work), each compiled against the packed .d.ts files and run.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { ScriptFailure, run } from '../lib/workspaces.mjs';
import { scratchEnvironment } from './smoke-project.mjs';
import { smokeProgram } from './smoke-program.mjs';

/**
 * The cells. TypeScript cells use `strict` and `skipLibCheck: false`, so the packed declarations are checked too.
 * `module: node16`/`node18` in a CommonJS package is absent on purpose: TypeScript refuses require() of an ES module
 * there (TS1479), whatever the package does; the README says so.
 */
export const CELLS = [
  { name: 'javascript-esm', type: 'module', file: 'index.mjs', syntax: 'import' },
  { name: 'javascript-cjs', type: 'commonjs', file: 'index.cjs', syntax: 'require' },
  { name: 'ts-nodenext-esm', type: 'module', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'ts-nodenext-cjs', type: 'commonjs', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'ts-bundler', type: 'module', compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } },
  {
    name: 'ts-node10-commonjs',
    type: 'commonjs',
    // TypeScript 6 deprecates node10 resolution (it goes in 7.0): a user on it needs this setting too. fast-check 4's
    // declarations (which async-op-race-kit's name) import pure-rand's subpaths, which node10 cannot resolve: `paths`
    // points them at pure-rand's files, as the race kit's README tells node10 users (or skipLibCheck)
    compilerOptions: {
      module: 'commonjs',
      moduleResolution: 'node10',
      ignoreDeprecations: '6.0',
      paths: { 'pure-rand/*': ['../node_modules/pure-rand/lib/esm/*'] },
    },
  },
];

/** Writes every cell's folder in `project` and compiles the TypeScript cells (one `tsc -b` over all of them). */
export function prepareCells(project, names) {
  const typescriptCells = [];
  for (const cell of CELLS) {
    const folder = path.join(project, cell.name);
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'package.json'), `${JSON.stringify({ type: cell.type })}\n`);
    if (cell.compilerOptions === undefined) {
      fs.writeFileSync(path.join(folder, cell.file), smokeProgram(cell.syntax, names));
      continue;
    }
    const compilerOptions = {
      ...cell.compilerOptions,
      target: 'es2022',
      strict: true,
      skipLibCheck: false,
      types: ['node'],
      rootDir: '.',
      outDir: 'dist',
    };
    fs.writeFileSync(
      path.join(folder, 'tsconfig.json'),
      `${JSON.stringify({ compilerOptions, files: ['index.ts'] }, null, 2)}\n`,
    );
    fs.writeFileSync(path.join(folder, 'index.ts'), smokeProgram('import', names));
    typescriptCells.push(folder);
  }
  const tsc = path.join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  run('tsc over the TypeScript cells', process.execPath, [tsc, '-b', ...typescriptCells], {
    cwd: project,
    env: scratchEnvironment(),
  });
}

/**
 * Runs every cell's program in `mode`, each in a fresh folder of `runs`; a cell fails on a non-zero exit or on any
 * output to stderr (a warning a user would see counts).
 *
 * @param {string} project
 * @param {'io_uring' | 'fallback'} mode
 * @param {string} runs - a folder for the cells' files.
 */
export function runCells(project, mode, runs) {
  for (const cell of CELLS) {
    const entry = path.join(project, cell.name, cell.compilerOptions === undefined ? cell.file : 'dist/index.js');
    const directory = fs.mkdtempSync(path.join(runs, `${cell.name}-${mode}-`));
    const result = run(`the ${cell.name} cell (${mode})`, process.execPath, [entry, mode, directory], {
      cwd: path.dirname(entry),
      env: scratchEnvironment(),
    });
    if (result.stderr.trim() !== '') {
      throw new ScriptFailure(
        `the ${cell.name} cell (${mode}) wrote to stderr: ${result.stderr.trim().split('\n')[0]}`,
      );
    }
    console.log(`  ${cell.name.padEnd(20)} ${result.stdout.trim()}`);
  }
}
