#!/usr/bin/env node
// npm run verify:pack: what a user outside the repository gets. Packs every public package (its prepack builds it),
// installs the tarballs with --ignore-scripts into a scratch project in a temporary folder, and runs the smoke matrix
// there: each cell imports every package and runs a real canceled copy on the io_uring engine from the shipped binary;
// then, with the binary removed, engine 'auto' must fall back to node-fs and say why. Fails (exit 1, one line) on the
// first problem, and when the registry holds another project's package under one of our names.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { ScriptFailure, publicPackages, registryHolder } from './lib/workspaces.mjs';
import { checkBins } from './verify-pack/bins.mjs';
import { packAll } from './verify-pack/pack.mjs';
import { CELLS, prepareCells, runCells } from './verify-pack/smoke-matrix.mjs';
import { checkResolution, createSmokeProject } from './verify-pack/smoke-project.mjs';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

function step(title) {
  console.log(`== verify:pack: ${title} (${elapsed()})`);
}

function checkNames(packages) {
  step(`our names on the registry: ${packages.map((pkg) => pkg.name).join(', ')}`);
  for (const pkg of packages) {
    const holder = registryHolder(pkg.name);
    if (holder.state === 'taken') {
      throw new ScriptFailure(
        `npm view ${pkg.name} shows another project's package (${holder.repository}: "${holder.description}"); rename ours`,
      );
    }
    console.log(
      `  ${pkg.name}: ${holder.state === 'free' ? 'free (404)' : `ours (${holder.versions.length} versions)`}`,
    );
  }
}

/** Removes the shipped binaries from the installed async-op-file, as on a platform they do not cover. */
function removeShippedBinaries(project) {
  const native = path.join(project, 'node_modules', 'async-op-file', 'native');
  if (fs.existsSync(path.join(native, 'build'))) {
    throw new ScriptFailure('the installed async-op-file has a native/build folder: something built it at install');
  }
  fs.rmSync(path.join(native, 'prebuilds'), { recursive: true });
}

function main() {
  const packages = publicPackages();
  checkNames(packages);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'async-op-verify-pack-'));
  try {
    const tarballs = path.join(scratch, 'tarballs');
    const project = path.join(scratch, 'project');
    const runs = path.join(scratch, 'runs');
    fs.mkdirSync(tarballs);
    fs.mkdirSync(runs);
    step('npm pack of every public package (prepack builds it)');
    const files = packAll(packages, tarballs);
    step(`npm install --ignore-scripts of the tarballs into ${project}`);
    createSmokeProject(project, files);
    const names = packages.map((pkg) => pkg.name);
    checkResolution(project, names);
    step('the installed command-line tools');
    checkBins(project, packages);
    step(`compiling the matrix: ${CELLS.map((cell) => cell.name).join(', ')}`);
    prepareCells(project, names);
    step('a canceled copy on io_uring, from the shipped binary, in every cell');
    runCells(project, 'io_uring', runs);
    step('again with the shipped binary removed: auto falls back to node-fs and says why');
    removeShippedBinaries(project);
    runCells(project, 'fallback', runs);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`== verify:pack passed: ${packages.length} packages, ${CELLS.length} cells x 2 (${elapsed()})`);
}

try {
  main();
} catch (error) {
  const reason = error instanceof ScriptFailure ? error.message : (error?.stack ?? String(error));
  console.error(`verify:pack FAILED: ${reason.split('\n')[0]}`);
  if (!(error instanceof ScriptFailure)) console.error(reason);
  process.exitCode = 1;
}
