// The program every cell of the smoke matrix runs, generated once per module syntax. Its body is written in the part
// of TypeScript that is also JavaScript (no annotations: types come from inference and defaults), so the same text is
// type-checked under each TypeScript setting against the packed .d.ts files and runs as plain JavaScript.

/** A valid identifier for a package's namespace: `async-op-file` -> `pkg_async_op_file`. */
function identifierOf(name) {
  return `pkg_${name.replace(/[^A-Za-z0-9]/g, '_')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// KIT RACE TEST: a kit race test on the user's own module, run in every cell. The module is written here (a start
// function over async-op-file that saves bytes to a new file: an unnamed file, a write, a hard link), raced on the
// scripted engine by async-op-race-kit with fast-check's scheduler; a broken copy of it (a cancel after the link
// reports canceled and leaves the file) must be caught. Plain JavaScript that TypeScript also accepts under `strict`:
// every parameter takes its type from the kit's signatures or from a default value.
const KIT_RACE_TEST = `
/** Races a module written here, as a user would; the broken copy drops its "decided" check. */
async function kitRaceTest() {
  const kit = ${identifierOf('async-op-race-kit')};
  const saverRace = (isBroken = false) =>
    kit.moduleRaceProperty({
      request: ({ directory, size }) => ({ directory, path: directory + '/saved', data: Buffer.alloc(size, 'x') }),
      createModule: ({ manager }) => {
        let pending = 0;
        let isClosing = false;
        let resolveDrained = () => {};
        let drained = Promise.resolve();
        return {
          start(request, callback) {
            const handle = manager.newFileHandle();
            let isDecided = false;
            let isDelivered = false;
            const op = ${identifierOf('async-op')}.AsyncOp.create({
              context: request.path,
              cancel: () => (isDecided && !isBroken ? undefined : stop('canceled')),
            });
            // the callback's reference before the first action: the callback may come before start() returns
            const own = op.ref();
            pending++;
            const deliver = (status = 'ok') => {
              if (isDelivered || !own.complete()) return;
              isDelivered = true;
              own.release();
              callback({ status });
              if (--pending === 0 && isClosing) {
                isClosing = false;
                resolveDrained();
              }
            };
            const stop = (status = 'error') => {
              handle.abort();
              void handle.whenIdle().then(() => deliver(status));
            };
            handle.createAnonymousFile(request.directory, (error) => {
              if (error !== null) return stop();
              handle.write(request.data, 0, (writeError) => {
                if (writeError !== null) return stop();
                handle.createHardLink(request.path, (linkError) => {
                  if (linkError !== null) return stop();
                  isDecided = true;
                  handle.close(() => deliver('ok')).release();
                }).release();
              }).release();
            }).release();
            return op;
          },
          // every close() made while operations are pending resolves once the last one called back
          close() {
            if (pending === 0) return Promise.resolve();
            if (!isClosing) drained = new Promise((resolve) => (resolveDrained = () => resolve()));
            isClosing = true;
            return drained;
          },
        };
      },
      expectedFiles: ({ outcomes }) => (outcomes.length === 1 && kit.statusOf(outcomes[0]) === 'ok' ? ['saved'] : []),
      maxCancelAfter: 4,
    });
  const seed = kit.raceParameters().seed;
  const quiet = () => {};
  await kit.assertRace(saverRace(), { seed, numRuns: 40 }, quiet).catch((error) => {
    throw new Error('the kit race test failed on a correct module (FC_SEED=' + seed + '): ' + String(error.cause ?? error));
  });
  const isCaught = await kit.assertRace(saverRace(true), { seed, numRuns: 200 }, quiet).then(() => false, () => true);
  check(isCaught, 'the kit race test did not catch the broken module (FC_SEED=' + seed + ')');
}
`;
// ---------------------------------------------------------------------------------------------------------------

const BODY = `
${KIT_RACE_TEST}
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
  await kitRaceTest();
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
  for (const needed of ['async-op', 'async-op-file', 'async-op-race-kit']) {
    if (!names.includes(needed)) throw new Error(`the smoke program needs the ${needed} package`);
  }
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
