import type { Summary } from '../stats.js';
import { POOL_RUN, timePoolRun, type PoolUnderTest } from './pool-throughput.js';

/** Alternates runs of the two pools until the deadline; returns ns per task of each run, and the threads restarted. */
export async function timePools(
  pools: readonly PoolUnderTest[],
  deadline: number,
  log: (line: string) => void,
): Promise<Map<string, { perTaskNs: number[]; restarted: number; canceled: number }>> {
  const results = new Map(pools.map((pool) => [pool.name, { perTaskNs: [] as number[], restarted: 0, canceled: 0 }]));
  for (const pool of pools) await timePoolRun(pool, 40); // warm-up: code, and threads that have started
  const before = new Map(pools.map((pool) => [pool.name, pool.threadsStarted]));
  for (let run = 0; run < 8; run++) {
    if (run >= 3 && performance.now() > deadline) break;
    for (const pool of run % 2 === 0 ? pools : [...pools].reverse()) {
      const { ns, canceled } = await timePoolRun(pool, POOL_RUN.tasks);
      const result = results.get(pool.name);
      result?.perTaskNs.push(ns / POOL_RUN.tasks);
      if (result !== undefined) result.canceled += canceled;
      log(`pool ${pool.name}: ${Math.round((POOL_RUN.tasks * 1e9) / ns)} tasks/s`);
    }
  }
  for (const pool of pools) {
    const result = results.get(pool.name);
    if (result !== undefined) result.restarted = pool.threadsStarted - (before.get(pool.name) ?? 0);
  }
  return results;
}

/** Tasks per second from ns per task (the spread inverted: the slowest run gives the minimum). */
export function tasksPerSecond(perTaskNs: Summary): Summary {
  return {
    median: Math.round(1e9 / perTaskNs.median),
    min: Math.round(1e9 / perTaskNs.max),
    max: Math.round(1e9 / perTaskNs.min),
  };
}
