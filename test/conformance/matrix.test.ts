import { describe, it } from 'mocha';
import type { EngineKind } from './support/call-plan.js';
import { ConformanceRun } from './support/conformance-run.js';
import { SCENARIOS } from './support/scenarios.js';
import { FILE_LOW_LEVELS, FILE_STACKS, stackTitle } from 'async-op-samples';

const ENGINES: readonly EngineKind[] = ['scripted', 'real files'];

/**
 * The conformance matrix: the 13 stacks of the samples' registry (those of the C suite) over both file LLs, times the scenario table (the retry rows
 * on stacks with a retries layer only), over the scripted engine and, where the scenario allows, real files. Every test
 * ends with the same checks (ConformanceRun.finish): exactly one callback per operation with the expected result,
 * every module closed top-down and the manager idle, no descriptor left open; the root hook adds unreleased AsyncOp
 * references and open real descriptors.
 */
describe('conformance', () => {
  for (const stack of FILE_STACKS) {
    for (const lowLevel of FILE_LOW_LEVELS) {
      describe(stackTitle(stack, lowLevel), () => {
        for (const scenario of SCENARIOS) {
          if (!scenario.appliesTo(stack)) continue;
          for (const engine of ENGINES) {
            if (engine === 'real files' && scenario.nodeFsExclusion(stack) !== undefined) continue;
            it(`${scenario.name} (${engine})`, async () => {
              const run = new ConformanceRun(stack, lowLevel, engine, scenario.plan);
              try {
                const expected = await scenario.run(run);
                await run.finish(expected);
              } finally {
                await run.dispose();
              }
            });
          }
        }
      });
    }
  }
});
