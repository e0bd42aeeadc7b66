/**
 * `npm test`: the engine matrix. Runs mocha twice, one run after the other:
 *   1. node-fs: every suite (.mocharc.json), with ASYNC_FILE_ENGINE unset, so managers created without `engine` use
 *      the default NodeFsEngine;
 *   2. io_uring: the async-file and samples suites that use such managers on real files (.mocharc.io-uring.cjs), with
 *      ASYNC_FILE_ENGINE=io_uring. Skipped with a one-line reason where io_uring is unavailable; in CI that is a failure.
 * Each run's summary line is shown as `[engine] N passed, N failed in S s`; the output ENDS with ONE line
 * `N passed, N failed` over both runs, the line .ci/run checks. Arguments are passed to both mocha runs.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { IoUringEngine, IoUringUnavailableError } from 'async-file';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MOCHA = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
const SUMMARY = /^(\d+) passed, (\d+) failed$/;
const ENGINE_ENV = 'ASYNC_FILE_ENGINE';

interface RunResult {
  readonly passed: number;
  readonly failed: number;
}

/** Runs mocha with `args` and ASYNC_FILE_ENGINE = `engine` (undefined: unset), relabeling its summary line. */
function runMocha(label: string, engine: string | undefined, args: readonly string[]): Promise<RunResult> {
  const env = { ...process.env };
  delete env[ENGINE_ENV];
  if (engine !== undefined) env[ENGINE_ENV] = engine;
  const colors = process.stdout.isTTY ? ['--color'] : [];
  const started = performance.now();
  const child = spawn(process.execPath, [MOCHA, ...colors, ...args], {
    cwd: ROOT,
    env,
    stdio: ['inherit', 'pipe', 'inherit'],
  });
  let summary: RunResult | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const match = SUMMARY.exec(line);
    if (match === null) {
      process.stdout.write(`${line}\n`);
      return;
    }
    summary = { passed: Number(match[1]), failed: Number(match[2]) };
  });
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      let result = summary ?? { passed: 0, failed: 0 };
      if (summary === undefined || (code !== 0 && result.failed === 0)) {
        console.log(
          `[${label}] mocha ended with ${signal ?? `exit code ${String(code)}`} and no failed test: counted as 1 failed`,
        );
        result = { passed: result.passed, failed: result.failed + 1 };
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
const results: RunResult[] = [await runMocha('node-fs', undefined, args)];
const unavailable = ioUringUnavailable();
if (unavailable === undefined) {
  results.push(await runMocha('io_uring', 'io_uring', ['--config', '.mocharc.io-uring.cjs', ...args]));
} else if (process.env['CI']) {
  console.log(`[io_uring] the io_uring run must run in CI, but io_uring is unavailable (${unavailable}): 1 failed`);
  results.push({ passed: 0, failed: 1 });
} else {
  console.log(`[io_uring] run skipped: io_uring unavailable (${unavailable})`);
}
const passed = results.reduce((sum, result) => sum + result.passed, 0);
const failed = results.reduce((sum, result) => sum + result.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
