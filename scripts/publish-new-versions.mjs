#!/usr/bin/env node
// npm run release:publish [-- --dry-run]: publishes, dependencies first, every public package whose version the
// registry does not hold yet (`npm publish -w <name>`: its prepack builds it and, for async-op-file, the linux-x64
// binary), then tags each one published `<name>@<version>` (annotated, as lerna's own tags, so the next `lerna version`
// starts from it). Refuses a name the registry holds for another project. Run by hand on linux-x64, never from CI.
import process from 'node:process';
import { ScriptFailure, publicPackages, registryHolder, run } from './lib/workspaces.mjs';

const isDryRun = process.argv.includes('--dry-run');

/** `packages` with every package after the workspace packages it depends on. */
function dependenciesFirst(packages) {
  const ordered = [];
  const visit = (pkg, path) => {
    if (ordered.includes(pkg)) return;
    if (path.includes(pkg.name)) throw new ScriptFailure(`dependency cycle: ${[...path, pkg.name].join(' -> ')}`);
    for (const name of Object.keys(pkg.manifest.dependencies ?? {})) {
      const dependency = packages.find((candidate) => candidate.name === name);
      if (dependency !== undefined) visit(dependency, [...path, pkg.name]);
    }
    ordered.push(pkg);
  };
  for (const pkg of packages) visit(pkg, []);
  return ordered;
}

function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new ScriptFailure(
      `publish from linux-x64: the async-op-file tarball must carry that binary (here ${process.platform}-${process.arch})`,
    );
  }
  const tags = new Set(run('git tag', 'git', ['tag', '--list']).stdout.split('\n'));
  let published = 0;
  for (const pkg of dependenciesFirst(publicPackages())) {
    const holder = registryHolder(pkg.name);
    if (holder.state === 'taken')
      throw new ScriptFailure(`npm view ${pkg.name} shows another project's package (${holder.repository})`);
    if (holder.state === 'ours' && holder.versions.includes(pkg.version)) {
      console.log(`  ${pkg.name}@${pkg.version}: already on the registry`);
      continue;
    }
    console.log(`== ${isDryRun ? 'would publish' : 'publishing'} ${pkg.name}@${pkg.version}`);
    run(`npm publish ${pkg.name}`, 'npm', [
      'publish',
      '-w',
      pkg.name,
      '--access',
      'public',
      ...(isDryRun ? ['--dry-run'] : []),
    ]);
    published += 1;
    const tag = `${pkg.name}@${pkg.version}`;
    if (!isDryRun && !tags.has(tag)) run(`git tag ${tag}`, 'git', ['tag', '-a', tag, '-m', tag]);
  }
  const outcome = isDryRun ? 'would be published' : 'published';
  const next = published > 0 && !isDryRun ? '; push the tags: git push --follow-tags' : '';
  console.log(`== ${published} package(s) ${outcome}${next}`);
}

try {
  main();
} catch (error) {
  const reason = error instanceof ScriptFailure ? error.message : String(error?.stack ?? error);
  console.error(`release:publish FAILED: ${reason.split('\n')[0]}`);
  process.exitCode = 1;
}
