// The scratch project a user would have: outside the repository, the tarballs installed with --ignore-scripts (as npm
// 11 does for dependencies nobody approved), TypeScript at the repository's pinned version, and nothing of the
// repository on its resolution path.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { REPOSITORY_ROOT, ScriptFailure, readJson, run } from '../lib/workspaces.mjs';

/**
 * The environment of every command run in the scratch project: no `npm_*` variables from the `npm run` that started
 * this script (they name the repository's prefix and config), no NODE_PATH/NODE_OPTIONS.
 */
export function scratchEnvironment() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'NODE_PATH' && key !== 'NODE_OPTIONS') env[key] = value;
  }
  return env;
}

function isInside(parent, child) {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Creates `directory`/package.json and installs the tarballs, typescript and @types/node at the root's pinned versions.
 *
 * @param {string} directory - a new folder outside the repository.
 * @param {string[]} tarballs
 */
export function createSmokeProject(directory, tarballs) {
  if (isInside(REPOSITORY_ROOT, directory))
    throw new ScriptFailure(`the scratch project ${directory} is inside the repository`);
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(
    path.join(directory, 'package.json'),
    `${JSON.stringify({ name: 'verify-pack-smoke', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  const pinned = readJson(path.join(REPOSITORY_ROOT, 'package.json')).devDependencies;
  const tools = ['typescript', '@types/node'].map((name) => `${name}@${pinned[name]}`);
  run(
    'npm install of the tarballs in the scratch project',
    'npm',
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', ...tarballs, ...tools],
    {
      cwd: directory,
      env: scratchEnvironment(),
    },
  );
}

/**
 * Checks that each package resolves, from the scratch project, to a real folder in its own node_modules (no workspace
 * link), and that no folder of the repository is on Node's resolution path.
 *
 * @param {string} directory - the scratch project.
 * @param {string[]} names - the packages to resolve.
 */
export function checkResolution(directory, names) {
  const probe = `
    const { createRequire } = require('node:module');
    const fs = require('node:fs');
    const path = require('node:path');
    const req = createRequire(path.join(process.cwd(), 'index.js'));
    const out = {};
    for (const name of ${JSON.stringify(names)}) {
      const manifest = req.resolve(name + '/package.json');
      out[name] = { manifest, real: fs.realpathSync(manifest), paths: req.resolve.paths(name) };
    }
    console.log(JSON.stringify(out));`;
  const { stdout } = run('resolving the packages in the scratch project', process.execPath, ['-e', probe], {
    cwd: directory,
    env: scratchEnvironment(),
  });
  const ownModules = path.join(fs.realpathSync(directory), 'node_modules');
  for (const [name, found] of Object.entries(JSON.parse(stdout))) {
    if (found.real !== found.manifest || !isInside(ownModules, found.real)) {
      throw new ScriptFailure(`${name} resolves to ${found.real}, not a real folder in ${ownModules}`);
    }
    for (const entry of found.paths) {
      if (isInside(REPOSITORY_ROOT, entry) && fs.existsSync(entry)) {
        throw new ScriptFailure(`the repository's ${entry} is on ${name}'s resolution path from the scratch project`);
      }
      // a copy of the package further up (say /tmp/node_modules) would hide a missing one in the project
      if (entry !== ownModules && fs.existsSync(path.join(entry, name))) {
        throw new ScriptFailure(`another ${name} is on the resolution path from the scratch project: ${entry}`);
      }
    }
  }
}
