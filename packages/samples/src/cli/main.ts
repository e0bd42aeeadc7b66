#!/usr/bin/env node
// The demo CLI: `npm start` at the repository root, or `npx async-op-demo` once the workspace is installed.
import { LeakTracker } from 'async-op';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArguments, UsageError } from './arguments.js';
import { describeOrder, runChaining } from './chaining-demo.js';
import { explore, pitfallNames } from './explore.js';
import { demoDirectory, runSample, SAMPLE_DEMOS, SAMPLE_NAMES } from './samples-demo.js';
import { describeThreads, runThreads } from './threads-demo.js';

/** Exit codes: 0 every check held, 1 a demo showed a broken guarantee or a leak, 2 bad usage. */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const HELP: Record<string, string> = {
  main: `Usage: async-op-demo [command] [options]

Runs the async-op demos on real files in a temporary directory (removed at the end).

Commands:
  all                 chaining, then every sample (the default)
  chaining            the file manager's chaining: OPEN/WRITE/CLOSE order and peak open files
  samples [name...]   each sample started and canceled mid-way, as a timeline
  threads             the worker pool: hashes on 2 worker threads, canceled while busy, idle and queued
  explore <pitfall>   a broken variant from the pitfall ladder under fast-check: the minimal failing
                      interleaving, then the unmodified copy and the real sample on the same case
                      (\`explore --list\` lists them)

Options:
  -h, --help          help for the command
  -v, --version       the version of async-op-demo

Exit codes: 0 all checks held, 1 a check failed (order, leak, result), 2 bad usage.`,
  chaining: `Usage: async-op-demo chaining [--files N] [--workers W]

Opens, writes 4 KiB and closes N files through a manager with W worker slots, twice: with each next action
enqueued from inside the previous callback (chained), and one event-loop turn later (unchained). Prints the order
the actions started in and the most files open at once.

Options:
  --files N     files per run, an integer in [1, 1000] (default 5)
  --workers W   worker slots, an integer in [1, 64] (default 1)`,
  explore: `Usage: async-op-demo explore <pitfall> | --list

Runs a deliberately broken variant of a sample (one classic mistake each, from the pitfall ladder this package
ships) under its fast-check race property (the race kit's), prints the minimal failing interleaving and what broke,
checks that it is the mistake's named symptom, then runs the unmodified copy and the real sample on the same
generated case. Exit 0 when the ladder holds.

Options:
  --list        the pitfall names`,
  threads: `Usage: async-op-demo threads

Runs four hashes of a 64 KiB file through the worker-pool sample (2 worker threads): one canceled while its worker
hashes (seen by the one-load check of its loop), one while its worker pauses between chunks (seen through the
doorbell, with no check running), one while queued, one left to finish. Prints the timeline of both threads, the
results, and whether a thread was restarted or anything leaked.`,
  samples: `Usage: async-op-demo samples [name...] | --list

Starts each sample on real files and cancels it mid-way, in the order named (all seven when none is named); prints a
timeline (time, layer, event), the result, and whether anything leaked (AsyncOp references, descriptors, files).
Names: ${SAMPLE_NAMES.join(', ')}.

Options:
  --list        the sample names, each with what it shows`,
};

function integerOption(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return value;
}

async function chaining(root: string, files: number, workers: number): Promise<boolean> {
  console.log(`== chaining: ${files} files, ${workers} worker slot(s), open -> write 4 KiB -> close each\n`);
  let isOk = true;
  for (const isChained of [true, false]) {
    const run = await runChaining(demoDirectory(root, isChained ? 'chained' : 'unchained'), files, workers, isChained);
    const label = isChained ? 'chained  ' : 'unchained';
    console.log(`${label}  ${describeOrder(run.order)}`);
    console.log(`${''.padEnd(9)}  peak open files: ${run.peakOpenFiles} (workers: ${workers})`);
    if (isChained && run.peakOpenFiles > workers) {
      console.log(`${''.padEnd(9)}  FAILED: chaining must keep open files <= workers`);
      isOk = false;
    }
  }
  console.log('');
  return isOk;
}

/** The demos `names` asks for, in that order (all of them when none is named). */
function chosenSamples(names: readonly string[]): typeof SAMPLE_DEMOS {
  const unknown = names.filter((name) => !(SAMPLE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new UsageError(`unknown sample(s): ${unknown.join(', ')}; known: ${SAMPLE_NAMES.join(', ')}`);
  }
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new UsageError(`sample ${repeated} is named twice`);
  if (names.length === 0) return SAMPLE_DEMOS;
  return names.map((name) => SAMPLE_DEMOS.find((demo) => demo.name === name)).filter((demo) => demo !== undefined);
}

async function samples(root: string, names: readonly string[]): Promise<boolean> {
  const chosen = chosenSamples(names);
  let isOk = true;
  for (const [index, demo] of chosen.entries()) {
    console.log(`== sample ${index + 1}/${chosen.length}: ${demo.name}: ${demo.explain}`);
    const run = await runSample(demo, demoDirectory(root, demo.name));
    for (const line of run.timeline.format()) console.log(`  ${line}`);
    if (run.reasonChain.length > 0) console.log(`  reason chain of the op canceled last:`);
    for (const line of run.reasonChain) console.log(`    ${line}`);
    console.log(`  result: ${run.results.join(', ')} -> ${run.isCanceledCleanly ? 'canceled cleanly' : 'FAILED'}\n`);
    isOk &&= run.isCanceledCleanly;
  }
  return isOk;
}

async function threads(root: string): Promise<boolean> {
  console.log('== threads: the worker pool, 2 worker threads, 4 hashes (busy, idle, queued canceled; one finishes)');
  const run = await runThreads(demoDirectory(root, 'threads'));
  for (const line of run.timeline.format()) console.log(`  ${line}`);
  for (const line of describeThreads(run)) console.log(`  ${line}`);
  console.log(run.isOk ? '  -> every cancel stopped its task and kept its worker\n' : '  -> FAILED\n');
  return run.isOk;
}

async function exploreCommand(names: readonly string[], isList: boolean): Promise<number> {
  if (isList) {
    for (const name of await pitfallNames()) console.log(name);
    return EXIT_OK;
  }
  const [name, ...extra] = names;
  if (name === undefined || extra.length > 0) {
    throw new UsageError(`explore takes one pitfall name; known: ${(await pitfallNames()).join(', ')}`);
  }
  if (!(await pitfallNames()).includes(name)) {
    throw new UsageError(`unknown pitfall "${name}"; known: ${(await pitfallNames()).join(', ')}`);
  }
  LeakTracker.enable();
  const isOk = await explore(name, (line) => console.log(line));
  console.log(
    isOk
      ? '\nthe ladder holds: the mistake is caught by its symptom, the copy and the sample pass'
      : '\nTHE LADDER DID NOT HOLD',
  );
  return isOk ? EXIT_OK : EXIT_FAILED;
}

/** The package's version, from its package.json (dist/src/cli/main.js is three folders below it). */
function version(): string {
  const manifest = fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

async function main(argv: readonly string[]): Promise<number> {
  const { command, names, isHelp, isVersion, isList, ...options } = parseArguments(argv);
  if (isHelp) {
    console.log(HELP[command] ?? HELP['main']);
    return EXIT_OK;
  }
  if (isVersion) {
    console.log(`async-op-demo ${version()}`);
    return EXIT_OK;
  }
  if (command === 'explore') return exploreCommand(names, isList);
  if (isList) {
    for (const demo of chosenSamples(names)) console.log(`${demo.name.padEnd(16)} ${demo.explain}`);
    return EXIT_OK;
  }
  const files = integerOption('files', options.files, 5, 1, 1000);
  const workers = integerOption('workers', options.workers, 1, 1, 64);
  chosenSamples(names);

  LeakTracker.enable();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'async-op-demo-'));
  try {
    let isOk = true;
    if (command === 'all' || command === 'chaining') isOk = (await chaining(root, files, workers)) && isOk;
    if (command === 'all' || command === 'samples') isOk = (await samples(root, names)) && isOk;
    if (command === 'threads') isOk = (await threads(root)) && isOk;
    console.log(isOk ? 'all checks held' : 'SOME CHECKS FAILED (see above)');
    return isOk ? EXIT_OK : EXIT_FAILED;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const isUsage = error instanceof UsageError;
    console.error(`async-op-demo: ${error instanceof Error ? error.message : String(error)}`);
    if (isUsage) console.error('Run async-op-demo --help for usage.');
    process.exitCode = isUsage ? EXIT_USAGE : EXIT_FAILED;
  },
);
