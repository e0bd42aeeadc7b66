/**
 * The environment variable that chooses the engine of managers created without `engine`: `node-fs`, `io_uring` or
 * `auto`, as the `engine` option takes them (unset or empty: node-fs). Read once, at the first such manager. It lets a
 * whole program (or test run) switch engines without code changes; `npm test` runs the file suites under each.
 */
export const ENGINE_ENV = 'ASYNC_FILE_ENGINE';

/**
 * The environment variable that sets `syncThresholdBytes` of managers created without it, for engines that have the
 * fast path (an integer >= 0; unset or empty: 0). Read at each such manager. `npm test` runs the file suites with it.
 */
export const SYNC_THRESHOLD_ENV = 'ASYNC_FILE_SYNC_THRESHOLD';

/** The environment variable that sets `cacheProbe` of managers created without it: `1` or `0` (unset or empty: 0). */
export const CACHE_PROBE_ENV = 'ASYNC_FILE_CACHE_PROBE';

/** The fast-path settings the environment gives. */
export interface EnvironmentFastPath {
  readonly threshold: number;
  readonly probe: boolean;
}

/**
 * The fast-path settings {@link SYNC_THRESHOLD_ENV} and {@link CACHE_PROBE_ENV} give, read now.
 *
 * @throws TypeError naming the variable and its value when it is not what it must be.
 */
export function environmentFastPath(): EnvironmentFastPath {
  const thresholdText = process.env[SYNC_THRESHOLD_ENV] || '0';
  const threshold = Number(thresholdText);
  if (!/^\d+$/.test(thresholdText) || !Number.isSafeInteger(threshold)) {
    throw new TypeError(
      `Expected the environment variable ${SYNC_THRESHOLD_ENV} to be an integer >= 0 (or unset), got \`${thresholdText}\``,
    );
  }
  const probeText = process.env[CACHE_PROBE_ENV] || '0';
  if (probeText !== '0' && probeText !== '1') {
    throw new TypeError(
      `Expected the environment variable ${CACHE_PROBE_ENV} to be 1 or 0 (or unset), got \`${probeText}\``,
    );
  }
  return { threshold, probe: probeText === '1' };
}

let environmentChoice: string | undefined | null = null; // null: not read yet

/**
 * What {@link ENGINE_ENV} holds, or undefined when it is unset or empty; read at the first call only (the engine
 * selection checks the name).
 */
export function environmentEngineName(): string | undefined {
  if (environmentChoice === null) environmentChoice = process.env[ENGINE_ENV] || undefined;
  return environmentChoice;
}
