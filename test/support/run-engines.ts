/**
 * `npm test`: the engine matrix. Runs mocha four times, one run after the other:
 *   1. node-fs: every suite (.mocharc.json), with the variables below unset, so managers created without `engine` use
 *      the default NodeFsEngine;
 *   2. io_uring: the async-file and samples suites that use such managers on real files (.mocharc.real-files.cjs),
 *      with ASYNC_FILE_ENGINE=io_uring;
 *   3. node-fs + fast path: every suite again with ASYNC_FILE_SYNC_THRESHOLD=65536 (reads and writes up to 64 KiB run
 *      synchronously; the scripted engine declines them unless a test says otherwise), so the fast path cannot change
 *      behaviour: ordering, chaining, cancellation, exactly-once;
 *   4. io_uring + fast path + cache probe: the real-file suites of run 2, with ASYNC_FILE_CACHE_PROBE=1 too (RWF_NOWAIT
 *      first).
 * Runs 2 and 4 are skipped with a one-line reason where io_uring is unavailable; in CI that is a failure.
 * The first line names the Node (every run uses the one running this file) and whether io_uring is available on it.
 * Each run's summary line is shown as `[run] N passed, N failed in S s`; the output ENDS with ONE line
 * `N passed, N failed` over all runs, the line .ci/run checks. Arguments are passed to every mocha run.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { IoUringEngine, IoUringUnavailableError } from 'async-op-file';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MOCHA = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const SUMMARY = /^(\d+) passed, (\d+) failed$/;
/** Mocha's heading of its failure report (`  2 failing`), colours removed. */
const FAILING = /^\s*\d+ failing$/;
// eslint-disable-next-line no-control-regex -- the escape sequences of terminal colours
const COLOURS = /\u001b\[[0-9;]*m/g;
/** The most lines of one run's failure report repeated at the end. */
const MAX_REPEATED_LINES = 400;
/** The variables a run sets; each run starts with all of them unset. */
const MATRIX_ENV = ['ASYNC_FILE_ENGINE', 'ASYNC_FILE_SYNC_THRESHOLD', 'ASYNC_FILE_CACHE_PROBE'] as const;
const REAL_FILES = ['--config', '.mocharc.real-files.cjs'];

interface MatrixRun {
  readonly label: string;
  readonly env: Readonly<Record<string, string>>;
  readonly args: readonly string[];
  readonly needsIoUring: boolean;
}

const FAST_PATH = { ASYNC_FILE_SYNC_THRESHOLD: '65536' };
const RUNS: readonly MatrixRun[] = [
  { label: 'node-fs', env: {}, args: [], needsIoUring: false },
  { label: 'io_uring', env: { ASYNC_FILE_ENGINE: 'io_uring' }, args: REAL_FILES, needsIoUring: true },
  { label: 'node-fs + fast path', env: FAST_PATH, args: [], needsIoUring: false },
  {
    label: 'io_uring + fast path + cache probe',
    env: { ASYNC_FILE_ENGINE: 'io_uring', ...FAST_PATH, ASYNC_FILE_CACHE_PROBE: '1' },
    args: REAL_FILES,
    needsIoUring: true,
  },
];

interface RunResult {
  readonly passed: number;
  readonly failed: number;
  /** Mocha's report of the failed tests (from its `N failing` heading on), to repeat at the end. */
  readonly failures: readonly string[];
}

/** Runs mocha with `args` and the run's variables, relabeling its summary line. */
function runMocha(
  label: string,
  runEnv: Readonly<Record<string, string>>,
  args: readonly string[],
): Promise<RunResult> {
  const env = { ...process.env };
  for (const name of MATRIX_ENV) delete env[name];
  Object.assign(env, runEnv);
  const colors = process.stdout.isTTY ? ['--color'] : [];
  const started = performance.now();
  const child = spawn(process.execPath, [MOCHA, ...colors, ...args], {
    cwd: ROOT,
    env,
    stdio: ['inherit', 'pipe', 'inherit'],
  });
  let summary: { passed: number; failed: number } | undefined;
  const failures: string[] = [];
  let inFailureReport = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const match = SUMMARY.exec(line);
    if (match === null) {
      process.stdout.write(`${line}\n`);
      if (!inFailureReport) inFailureReport = FAILING.test(line.replace(COLOURS, ''));
      if (inFailureReport && failures.length < MAX_REPEATED_LINES) failures.push(line);
      return;
    }
    summary = { passed: Number(match[1]), failed: Number(match[2]) };
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      let result: RunResult = { ...(summary ?? { passed: 0, failed: 0 }), failures };
      if (summary === undefined || (code !== 0 && result.failed === 0)) {
        const why = `mocha ended with ${signal ?? `exit code ${String(code)}`} and no failed test: counted as 1 failed`;
        console.log(`[${label}] ${why}`);
        result = { passed: result.passed, failed: result.failed + 1, failures: [...failures, why] };
      }
      console.log(`[${label}] ${result.passed} passed, ${result.failed} failed in ${seconds} s`);
      resolve(result);
    });
  });
}

/** Why io_uring cannot run here, or undefined. */
function ioUringUnavailable(): string | undefined {
  try {
    new IoUringEngine().close();
    return undefined;
  } catch (error) {
    if (error instanceof IoUringUnavailableError) return error.reason;
    throw error;
  }
}

const args = process.argv.slice(2);
const results: (RunResult & { readonly label: string })[] = [];
const unavailable = ioUringUnavailable();
// names the Node every run below uses (CI runs this once per tested Node) and whether the native addon loaded on it
console.log(
  `node ${process.version} (N-API ${process.versions.napi ?? '?'}), io_uring ${unavailable === undefined ? 'available' : `unavailable (${unavailable})`}`,
);
for (const run of RUNS) {
  if (run.needsIoUring && unavailable !== undefined) {
    if (process.env['CI']) {
      console.log(`[${run.label}] must run in CI, but io_uring is unavailable (${unavailable}): 1 failed`);
      const failures = [`io_uring is unavailable (${unavailable})`];
      results.push({ label: run.label, passed: 0, failed: 1, failures });
    } else {
      console.log(`[${run.label}] run skipped: io_uring unavailable (${unavailable})`);
    }
    continue;
  }
  results.push({ label: run.label, ...(await runMocha(run.label, run.env, [...run.args, ...args])) });
}
if (results.some((result) => result.failed > 0)) {
  console.log('\n== the failed tests, repeated from the runs above ==');
  for (const result of results) {
    if (result.failed === 0) continue;
    console.log(`[${result.label}]`);
    for (const line of result.failures) console.log(line);
  }
}
const passed = results.reduce((sum, result) => sum + result.passed, 0);
const failed = results.reduce((sum, result) => sum + result.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
