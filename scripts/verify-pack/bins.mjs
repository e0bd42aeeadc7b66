// The command-line tools the packages install (package.json "bin"), run from the scratch project as a user would.
import path from 'node:path';
import { ScriptFailure, run } from '../lib/workspaces.mjs';
import { scratchEnvironment } from './smoke-project.mjs';

/**
 * Runs `<bin> --help` for every bin of every package (exit 0 and a usage text); `async-op-demo explore --list` must
 * list the pitfalls and `async-op-demo explore <one>` must find it, from the installed package.
 *
 * @param {string} project - the scratch project (its node_modules/.bin holds the links npm made).
 * @param {{ name: string, manifest: any }[]} packages
 */
export function checkBins(project, packages) {
  const options = { cwd: project, env: scratchEnvironment(), allowFailure: true };
  for (const pkg of packages) {
    const bins = typeof pkg.manifest.bin === 'string' ? { [pkg.name]: pkg.manifest.bin } : (pkg.manifest.bin ?? {});
    for (const bin of Object.keys(bins)) {
      const link = path.join(project, 'node_modules', '.bin', bin);
      const help = run(`${bin} --help`, link, ['--help'], options);
      if (help.status !== 0 || !/usage/i.test(help.stdout)) {
        throw new ScriptFailure(
          `${bin} --help from the installed ${pkg.name} failed (exit ${help.status}): ${help.stderr.trim()}`,
        );
      }
      console.log(`  ${bin} --help: ${help.stdout.split('\n')[0]}`);
    }
  }
  if (!packages.some((pkg) => pkg.manifest.bin?.['async-op-demo'] !== undefined)) return;
  // the pitfall ladder ships with async-op-samples: explore runs from the installed package
  const demo = path.join(project, 'node_modules', '.bin', 'async-op-demo');
  const list = run('async-op-demo explore --list', demo, ['explore', '--list'], options);
  const names = list.stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '');
  if (list.status !== 0 || names.length < 10) {
    throw new ScriptFailure(
      `async-op-demo explore --list from the installed package listed ${names.length} pitfalls (exit ${list.status}): ${list.stderr.trim().split('\n')[0]}`,
    );
  }
  const explore = run('async-op-demo explore', demo, ['explore', 'fake-cancel-without-once-guard'], options);
  if (explore.status !== 0 || !explore.stdout.includes('the ladder holds')) {
    throw new ScriptFailure(
      `async-op-demo explore fake-cancel-without-once-guard from the installed package failed (exit ${explore.status}): ${explore.stderr.trim().split('\n')[0]}`,
    );
  }
  console.log(
    `  async-op-demo explore: lists ${names.length} pitfalls; the ladder holds for fake-cancel-without-once-guard`,
  );
}
