// The repository's publishable packages and the two things every release script needs to ask about them: running a
// command with its output kept for the error message, and what the npm registry holds under a package's name.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder (this file is scripts/lib/workspaces.mjs). */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A failure whose message is the one line a script prints before exiting non-zero. */
export class ScriptFailure extends Error {}

/** @param {string} file @returns {any} */
export function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * The workspace packages that are not private, in the order of the root's `workspaces` globs (then by folder name).
 * Only the `packages/*` form of glob is understood, which is what the root declares.
 *
 * @returns {{ name: string, version: string, directory: string, manifest: any }[]}
 */
export function publicPackages() {
  const root = readJson(path.join(REPOSITORY_ROOT, 'package.json'));
  const found = [];
  for (const pattern of root.workspaces) {
    if (!pattern.endsWith('/*')) throw new ScriptFailure(`unsupported workspaces pattern "${pattern}" (only "dir/*")`);
    const parent = path.join(REPOSITORY_ROOT, pattern.slice(0, -2));
    for (const entry of fs.readdirSync(parent, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const manifestFile = path.join(parent, entry.name, 'package.json');
      if (!entry.isDirectory() || !fs.existsSync(manifestFile)) continue;
      const manifest = readJson(manifestFile);
      if (manifest.private === true) continue;
      found.push({ name: manifest.name, version: manifest.version, directory: path.dirname(manifestFile), manifest });
    }
  }
  return found;
}

/**
 * Runs `command` and returns its stdout; throws a ScriptFailure naming what failed and the last lines of its output.
 *
 * @param {string} what - says what the command does, for the failure's message.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, allowFailure?: boolean }} [options]
 * @returns {{ status: number, stdout: string, stderr: string }}
 */
export function run(what, command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? REPOSITORY_ROOT,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error !== undefined)
    throw new ScriptFailure(`${what}: ${command} did not start (${result.error.message})`);
  const status = result.status ?? 1;
  if (status !== 0 && options.allowFailure !== true) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-12).join('\n');
    process.stderr.write(`${tail}\n`);
    const last = tail.split('\n').findLast((line) => line.trim() !== '') ?? '';
    throw new ScriptFailure(`${what} failed (exit ${status}): ${last.trim()}`);
  }
  return { status, stdout: result.stdout, stderr: result.stderr };
}

/** `git+https://github.com/a/b.git` and `https://github.com/a/b` alike become `github.com/a/b`. */
function normalizeRepository(url) {
  return String(url ?? '')
    .replace(/^git\+/, '')
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^git@([^:]+):/, '$1/')
    .replace(/\.git$/, '')
    .replace(/\/$/, '')
    .toLowerCase();
}

/**
 * What the registry holds under `name`: nothing (404), this repository's own package, or another project's package.
 *
 * @param {string} name
 * @returns {{ state: 'free' } | { state: 'ours', versions: string[] } | { state: 'taken', repository: string, description: string }}
 * @throws ScriptFailure when the registry cannot be asked (no network, an npm error other than 404).
 */
export function registryHolder(name) {
  const { status, stdout, stderr } = run(
    `npm view ${name}`,
    'npm',
    ['view', name, 'repository', 'description', 'versions', '--json'],
    {
      allowFailure: true,
    },
  );
  if (status !== 0) {
    if (/\bE404\b/.test(stderr) || /"code":\s*"E404"/.test(stdout)) return { state: 'free' };
    const line = stderr.split('\n').find((entry) => /npm error (code|network|\d{3})/.test(entry)) ?? stderr.trim();
    throw new ScriptFailure(`cannot ask the registry about ${name}: ${line.trim()}`);
  }
  const held = JSON.parse(stdout);
  const ours = normalizeRepository(readJson(path.join(REPOSITORY_ROOT, 'package.json')).repository.url);
  const theirs = normalizeRepository(held.repository?.url ?? held.repository);
  if (theirs !== '' && theirs === ours) return { state: 'ours', versions: [held.versions ?? []].flat() };
  return { state: 'taken', repository: theirs || '(no repository)', description: String(held.description ?? '') };
}
