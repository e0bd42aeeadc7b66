#!/usr/bin/env node
// Builds the native addon from source (`node-gyp rebuild` in this folder) into build/Release, which the loader then
// prefers over the shipped prebuilt binary. Nothing runs it at install: a user runs it on request
// (`npm explore async-op-file -- npm run build:native`) on a platform the shipped binaries do not cover; the
// repository's own install runs it with --optional, since the tests use a build of the current sources.
//
// A failed build leaves build-failure.txt here (the exit and the compiler's last lines), and the loader puts that record
// in its reason (manager.engineReason, IoUringUnavailableError), so the user sees why without the install log.
// Exit code: 0 built (or failed with --optional), 1 failed.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const FAILURE_RECORD = path.join(__dirname, 'build-failure.txt');
/** How many of the compiler's last meaningful lines the record keeps. */
const KEPT_LINES = 4;
/** node-gyp's own lines that say nothing about the cause (its progress, its stack, its environment). */
const NOISE =
  /^\s*(gyp (info|http|verb|WARN)|gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok|\$npm_package_\w+)|at |make: (Entering|Leaving) directory|(CXX|CC|SOLINK_MODULE|LINK|COPY)\(target\)|Warning: failed to get compiler predefines|cmd: |status: )/;

const isOptional = process.argv.includes('--optional');
// a build the user asked for shows the compiler's output; the repository's install shows only the outcome
const echo = !isOptional;

// npm sets npm_config_node_gyp to its own node-gyp for every script it runs; outside npm, node-gyp must be on PATH
const gyp = process.env.npm_config_node_gyp;
const [command, args] = gyp ? [process.execPath, [gyp, 'rebuild']] : ['node-gyp', ['rebuild']];

const recent = [];
function remember(chunk) {
  for (const line of String(chunk).split('\n')) {
    if (line.trim() === '' || NOISE.test(line)) continue;
    recent.push(line.trim());
    if (recent.length > KEPT_LINES) recent.shift();
  }
}

function finish(failure) {
  const where = `node ${process.version}, ${process.platform}-${process.arch}`;
  if (failure === undefined) {
    fs.rmSync(FAILURE_RECORD, { force: true });
    console.log(`async-op-file: built native/build/Release/async_file_uring.node from source (${where})`);
    return;
  }
  const record = [`node-gyp rebuild failed (${failure}; ${where})`, ...recent].join('\n');
  try {
    fs.writeFileSync(FAILURE_RECORD, `${record}\n`);
  } catch {
    // a read-only install: the record is only printed
  }
  console.error(`async-op-file: the native addon was not built: ${record.split('\n').join('\n  ')}`);
  console.error(
    isOptional
      ? "async-op-file: engine 'auto' uses node-fs; manager.engineReason says why"
      : 'async-op-file: needs python3, make and a C++17 compiler (see the README, "Platforms")',
  );
  process.exitCode = isOptional ? 0 : 1;
}

const child = spawn(command, args, { cwd: __dirname, stdio: ['ignore', 'pipe', 'pipe'] });
child.stdout.on('data', (chunk) => {
  if (echo) process.stdout.write(chunk);
  remember(chunk);
});
child.stderr.on('data', (chunk) => {
  if (echo) process.stderr.write(chunk);
  remember(chunk);
});
let didStart = true;
child.on('error', (error) => {
  didStart = false;
  recent.push(
    error.code === 'ENOENT' ? `${command} not found: run this through npm (npm run build:native)` : error.message,
  );
});
child.on('close', (code, signal) => {
  if (!didStart) finish('it did not start');
  else if (code === 0) finish(undefined);
  else finish(code === null ? `killed by ${signal}` : `exit ${code}`);
});
