#!/usr/bin/env node
// npm run release:dry-run: what `npm run release` would version, without touching this checkout, git tags, a remote or
// the registry. Clones the committed HEAD into a temporary folder, runs `lerna version` there with no commit, tag or
// push (lerna.json: conventional commits, CHANGELOGs, dependents' ranges, the lockfile), prints the plan, and checks
// that every bumped package got a CHANGELOG entry, that its dependents follow it, and that this checkout is unchanged.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { REPOSITORY_ROOT, ScriptFailure, publicPackages, readJson, run } from './lib/workspaces.mjs';
import { scratchEnvironment } from './verify-pack/smoke-project.mjs';

const LERNA = path.join(REPOSITORY_ROOT, 'node_modules', '@lerna-lite', 'cli', 'dist', 'cli.js');

/** What a dry run must leave as it was: the working tree's state, HEAD and the tags. */
function snapshot() {
  const git = (...args) => run(`git ${args[0]}`, 'git', args).stdout;
  return { status: git('status', '--porcelain'), head: git('rev-parse', 'HEAD'), tags: git('tag', '--list') };
}

/** Checks the versioned clone: a CHANGELOG entry per bump, dependents on the new versions, the lockfile in step. */
function checkPlan(clone, before) {
  const lock = readJson(path.join(clone, 'package-lock.json'));
  const after = new Map(
    before.map((pkg) => {
      const manifest = readJson(path.join(clone, path.relative(REPOSITORY_ROOT, pkg.directory), 'package.json'));
      return [pkg.name, { pkg, manifest }];
    }),
  );
  let bumped = 0;
  for (const { pkg, manifest } of after.values()) {
    const relative = path.relative(REPOSITORY_ROOT, pkg.directory);
    if (manifest.version === pkg.version) continue;
    bumped += 1;
    console.log(`  ${pkg.name}: ${pkg.version} -> ${manifest.version}`);
    const changelog = fs.readFileSync(path.join(clone, relative, 'CHANGELOG.md'), 'utf8');
    if (!new RegExp(`^##+ \\[?${manifest.version.replaceAll('.', '\\.')}\\]?`, 'm').test(changelog)) {
      throw new ScriptFailure(`lerna version bumped ${pkg.name} to ${manifest.version} without a CHANGELOG.md entry`);
    }
    if (lock.packages?.[relative]?.version !== manifest.version) {
      throw new ScriptFailure(`package-lock.json still has ${pkg.name} at ${lock.packages?.[relative]?.version}`);
    }
    for (const dependent of after.values()) {
      const range = dependent.manifest.dependencies?.[pkg.name];
      if (range !== undefined && !range.endsWith(manifest.version)) {
        throw new ScriptFailure(`${dependent.pkg.name} still depends on ${pkg.name}@${range}, not ${manifest.version}`);
      }
    }
  }
  return bumped;
}

function main() {
  const before = snapshot();
  const packages = publicPackages();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'async-op-release-dry-run-'));
  try {
    const clone = path.join(scratch, 'clone');
    run('git clone of HEAD', 'git', ['clone', '--quiet', REPOSITORY_ROOT, clone]);
    // versioning is allowed on main only (lerna.json); the clone plays main, whatever branch this checkout is on
    run('git checkout', 'git', ['checkout', '--quiet', '-B', 'main'], { cwd: clone });
    console.log('== release:dry-run: lerna version in a clone of HEAD (no commit, no tag, no push, no publish)');
    const args = [LERNA, 'version', '--yes', '--no-git-tag-version', '--no-push', '--no-private', '--loglevel', 'warn'];
    run('lerna version', process.execPath, args, { cwd: clone, env: { ...scratchEnvironment(), CI: 'true' } });
    const bumped = checkPlan(clone, packages);
    const after = snapshot();
    for (const key of Object.keys(before)) {
      if (before[key] !== after[key]) throw new ScriptFailure(`the dry run changed this checkout (${key})`);
    }
    console.log(`== release:dry-run passed: ${bumped} package(s) would be versioned; this checkout is unchanged`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  const reason = error instanceof ScriptFailure ? error.message : String(error?.stack ?? error);
  console.error(`release:dry-run FAILED: ${reason.split('\n')[0]}`);
  process.exitCode = 1;
}
