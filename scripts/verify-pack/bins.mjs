// The command-line tools the packages install (package.json "bin"), run from the scratch project as a user would.
import path from 'node:path';
import { ScriptFailure, run } from '../lib/workspaces.mjs';
import { scratchEnvironment } from './smoke-project.mjs';

/**
 * Runs `<bin> --help` for every bin of every package (exit 0 and a usage text); `async-op-demo explore --list` must
 * either list the pitfalls or say in one clear line why it cannot run from an installed package.
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
  const explore = run(
    'async-op-demo explore --list',
    path.join(project, 'node_modules', '.bin', 'async-op-demo'),
    ['explore', '--list'],
    options,
  );
  const isClearRefusal = explore.status === 2 && /^async-op-demo: explore .*repository/.test(explore.stderr);
  if (!(explore.status === 0 && explore.stdout.trim() !== '') && !isClearRefusal) {
    throw new ScriptFailure(
      `async-op-demo explore --list neither lists nor refuses clearly (exit ${explore.status}): ${explore.stderr.trim().split('\n')[0]}`,
    );
  }
  console.log(
    `  async-op-demo explore --list: ${isClearRefusal ? explore.stderr.split('\n')[0] : 'lists the pitfalls'}`,
  );
}
