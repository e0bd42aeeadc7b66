// Packs every public workspace package the way `npm publish` would (its prepack builds it) and checks what each
// tarball holds: what a user needs is there, no tests, no local build, no source map pointing at an unshipped file.
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { ScriptFailure, run } from '../lib/workspaces.mjs';

/** Paths no tarball may hold. */
const FORBIDDEN = [
  [/(^|\/)test\//, 'a test folder'],
  [/\.test\.[cm]?[jt]s(\.map)?$/, 'a test file'],
  [/\.tsbuildinfo$/, 'a TypeScript build-info file'],
  [/^native\/build\//, 'a local native build'],
  [/build-failure\.txt$/, 'a build failure record'],
];

/** Every string target of an `exports` map (conditions and subpaths, nested). */
function exportTargets(exports) {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

/** The files a package's manifest says must exist: entry points, types, export targets, bins. */
function requiredFiles(manifest) {
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  return [manifest.main, manifest.types, ...exportTargets(manifest.exports), ...bins]
    .filter((file) => typeof file === 'string' && !file.includes('*'))
    .map((file) => path.posix.normalize(file))
    .concat(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']);
}

/** Checks one packed package's file list; returns the problems found (empty when it is fine). */
function problemsOf(pkg, files) {
  const shipped = new Set(files);
  const problems = [];
  for (const file of requiredFiles(pkg.manifest)) {
    if (!shipped.has(file)) problems.push(`lacks ${file}`);
  }
  for (const file of files) {
    for (const [pattern, what] of FORBIDDEN) if (pattern.test(file)) problems.push(`ships ${what}: ${file}`);
    if (!file.endsWith('.map')) continue;
    const map = JSON.parse(fs.readFileSync(path.join(pkg.directory, file), 'utf8'));
    for (const source of map.sources ?? []) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), map.sourceRoot ?? '', source));
      if (!shipped.has(target)) problems.push(`${file} points at ${target}, which is not shipped`);
    }
  }
  if (
    shipped.has('native/binding.gyp') &&
    !files.some((file) => /^native\/prebuilds\/linux-x64\/[^/]+\.node$/.test(file))
  ) {
    problems.push('has a native addon but no prebuilt linux-x64 binary (native/prebuilds/linux-x64/*.node)');
  }
  return problems;
}

/**
 * Runs `npm pack` for every package (each one's prepack builds it) into `destination`, and checks each tarball.
 *
 * @param {{ name: string, directory: string, manifest: any }[]} packages
 * @param {string} destination - an existing folder for the tarballs.
 * @returns {string[]} the tarballs' paths, in the order of `packages`.
 * @throws ScriptFailure naming the first package whose tarball is wrong, or the pack that failed.
 */
export function packAll(packages, destination) {
  const args = ['pack', ...packages.flatMap((pkg) => ['-w', pkg.name]), '--pack-destination', destination, '--json'];
  const { stdout } = run('npm pack', 'npm', args, { env: { ...process.env, npm_config_loglevel: 'error' } });
  const packed = JSON.parse(stdout);
  return packages.map((pkg) => {
    const entry = packed.find((item) => item.name === pkg.name);
    if (entry === undefined) throw new ScriptFailure(`npm pack made no tarball for ${pkg.name}`);
    const problems = problemsOf(
      pkg,
      entry.files.map((file) => file.path),
    );
    if (problems.length > 0) {
      throw new ScriptFailure(`the ${pkg.name} tarball ${problems.slice(0, 3).join('; ')}`);
    }
    console.log(`  ${entry.filename}: ${entry.entryCount} files, ${Math.round(entry.size / 1024)} KiB`);
    return path.join(destination, entry.filename);
  });
}
