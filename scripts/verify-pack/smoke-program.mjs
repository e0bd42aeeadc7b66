// The program every cell of the smoke matrix runs, generated once per module syntax. Its body is written in the part
// of TypeScript that is also JavaScript (no annotations: types come from inference and defaults), so the same text is
// type-checked under each TypeScript setting against the packed .d.ts files and runs as plain JavaScript.

/** A valid identifier for a package's namespace: `async-op-file` -> `pkg_async_op_file`. */
function identifierOf(name) {
  return `pkg_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// KIT RACE TEST: the place where "a kit race test on the user's own module" goes, once the race-testing kit package
// (async-op-race-kit) exists. It will be a few lines run in every cell: a start function the user wrote in this
// scratch project over async-op-file, raced on the scripted engine with the kit's fast-check scheduler glue and
// invariant checks. The kit's package is found and imported like every other public package (see imports below);
// only this text is to fill in. Until then it is empty, and the cells check the packages they have.
const KIT_RACE_TEST = '';
// ---------------------------------------------------------------------------------------------------------------

const BODY = `
const mode = String(process.argv[2]);
const dir = String(process.argv[3]);
const CHUNK = 64 * 1024;
const check = (condition = false, what = '') => {
  if (!condition) throw new Error(mode + ': ' + what);
};

/** Copies a 1 MiB file chunk by chunk into an unnamed file, cancels with the fourth write in flight, checks the rest. */
async function copyAndCancel(manager = new fileApi.AsyncFileManager()) {
  const source = path.join(dir, 'source.bin');
  const target = path.join(dir, 'copy.bin');
  fs.writeFileSync(source, Buffer.alloc(16 * CHUNK, 7));
  const descriptorsBefore = fs.readdirSync('/proc/self/fd').length;
  const files = new fileApi.PromiseFileManager(manager);
  const input = files.newFileHandle();
  const output = files.newFileHandle();
  const controller = new AbortController();
  const signal = controller.signal;
  let written = 0;
  let outcome = 'finished';
  try {
    await input.openExistingFile(source, 'read', { signal });
    await output.createAnonymousFile(dir, { signal });
    for (;;) {
      const chunk = await input.read(written, CHUNK, { signal });
      if (chunk.length === 0) break;
      const writing = output.write(chunk, written, { signal });
      if (written === 3 * CHUNK) controller.abort(new Error('copy canceled'));
      written += await writing;
    }
    await output.createHardLink(target, { signal });
  } catch (error) {
    outcome = error === signal.reason ? 'canceled' : 'failed: ' + String(error);
  }
  if (input.handle.isOpen) await input.close();
  if (output.handle.isOpen) await output.close();
  await manager.close();
  check(outcome === 'canceled', 'the copy ended "' + outcome + '", not canceled');
  check(written <= 4 * CHUNK, written + ' bytes written after the cancel at ' + 3 * CHUNK);
  check(!fs.existsSync(target), 'the canceled copy left its destination behind');
  const left = fs.readdirSync(dir);
  check(left.length === 1 && left[0] === 'source.bin', 'files left: ' + left.join(', '));
  check(fs.readdirSync('/proc/self/fd').length === descriptorsBefore, 'a descriptor was left open');
  fs.rmSync(source);
}

async function main() {
  for (const [name, api] of Object.entries(PACKAGES)) check(Object.keys(api).length > 0, name + ' exports nothing');
  if (mode === 'io_uring') {
    const manager = new fileApi.AsyncFileManager({ engine: 'io_uring' });
    check(manager.engineName === 'io_uring', 'engine io_uring gave ' + manager.engineName);
    await copyAndCancel(manager);
  } else {
    const manager = new fileApi.AsyncFileManager({ engine: 'auto' });
    check(manager.engineName === 'node-fs', 'with no binary, auto chose ' + manager.engineName);
    const reason = manager.engineReason;
    check(reason.includes('No native build was found') && reason.includes('npm run build:native'), 'auto does not say why: ' + reason);
    let refusal = 'nothing thrown';
    try {
      const unexpected = new fileApi.AsyncFileManager({ engine: 'io_uring' });
      await unexpected.close();
    } catch (error) {
      refusal = error instanceof fileApi.IoUringUnavailableError ? error.message : 'another error: ' + String(error);
    }
    check(refusal.includes('No native build was found'), "engine 'io_uring' did not throw the loader's reason: " + refusal);
    await copyAndCancel(manager);
  }
${KIT_RACE_TEST}
  console.log('smoke ok: ' + mode);
}

main().then(
  () => undefined,
  (error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
`;

/**
 * The smoke program for one module syntax.
 *
 * @param {'import' | 'require'} syntax - ES `import` statements (ESM JavaScript, and TypeScript under every setting,
 *   which compiles them to require() where the output is CommonJS) or `require()` calls (CommonJS JavaScript).
 * @param {string[]} names - every public package: each is imported and must export something.
 * @returns {string} the program; run it as `node <file> <io_uring|fallback> <empty directory>`.
 */
export function smokeProgram(syntax, names) {
  if (!names.includes('async-op-file')) throw new Error('the smoke program needs the async-op-file package');
  const modules = [['fs', 'node:fs'], ['path', 'node:path'], ...names.map((name) => [identifierOf(name), name])];
  const imports = modules.map(([id, from]) =>
    syntax === 'import' ? `import * as ${id} from '${from}';` : `const ${id} = require('${from}');`,
  );
  const table = names.map((name) => `  '${name}': ${identifierOf(name)},`);
  return [
    ...imports,
    `const fileApi = ${identifierOf('async-op-file')};`,
    `const PACKAGES = {\n${table.join('\n')}\n};`,
    BODY,
  ].join('\n');
}
