/**
 * Section `channels` of the `async-file` group: what the actions' diagnostics_channel points cost when nobody
 * subscribes. The manager's own work per readInto (on the stub engine, whose read() does no I/O) through a fresh copy
 * of the package as built, against a fresh copy with every channel check replaced by `false` (the actions as they were
 * before the channels), timed in the same rounds; and a second fresh stripped copy, the control, whose ratio to the
 * first is the run's resolution for the goal.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { AsyncFileChannels } from 'async-op-file';
import { closeHandles, managerReadsInto, openReadHandles } from '../random-reads.js';
import { quickOr } from '../quick-mode.js';
import type { SectionContext } from '../section-context.js';
import { LANES } from '../workload.js';
import { NAMES } from './constants.js';
import { loadPackageCopy, type PackageCopy } from './package-copy.js';
import { StubReadEngine } from './stub-read-engine.js';
import { timeSectionCases } from './time-section-cases.js';
import type { RunPhase } from '../time-async-runs.js';

const READS_PER_RUN = quickOr(100_000, 20_000);
const READS_PER_WARMUP_RUN = 20_000;
const READS_PER_ALLOCATION_RUN = 5_000;

function readsPerRun(phase: RunPhase): number {
  if (phase === 'timed') return READS_PER_RUN;
  return phase === 'warmup' ? READS_PER_WARMUP_RUN : READS_PER_ALLOCATION_RUN;
}

/** LANES handles with `file` open on a manager of `copy` over a new stub engine; closed by the section's cleanups. */
async function openCopyHandles(context: SectionContext, copy: PackageCopy, file: string) {
  const manager = new copy.module.AsyncFileManager({ concurrency: LANES, engine: new StubReadEngine() });
  const handles = await openReadHandles(manager, file, LANES);
  context.cleanups.push(() => closeHandles(handles));
  return handles;
}

/**
 * Times readInto through both copies on `file` at `offsets`, interleaved; adds the reports and `method.channels`.
 *
 * @throws Error if someone subscribed to a file channel (the section measures the cost with nobody subscribed).
 */
export async function runChannelsSection(
  context: SectionContext,
  file: string,
  offsets: Int32Array,
  deadline: number,
): Promise<void> {
  for (const name of Object.values(AsyncFileChannels)) {
    if (diagnosticsChannel.hasSubscribers(name)) throw new Error(`channels: ${name} has a subscriber`);
  }
  const asBuilt = await loadPackageCopy(false);
  context.cleanups.push(asBuilt.remove);
  const stripped = await loadPackageCopy(true);
  context.cleanups.push(stripped.remove);
  // the control copies the baseline, as every control of the group does: the goal divides by the stripped copy, so two
  // identical stripped copies in the same rounds show how far that ratio moves when nothing differs. A copy of its
  // own (not the first one timed twice): as built and stripped differ by being separate copies too (their own module
  // instances, compiled code and type feedback), and the control must carry that as well.
  const control = await loadPackageCopy(true);
  context.cleanups.push(control.remove);
  const asBuiltHandles = await openCopyHandles(context, asBuilt, file);
  const strippedHandles = await openCopyHandles(context, stripped, file);
  const controlHandles = await openCopyHandles(context, control, file);
  const cases = [
    {
      name: NAMES.channelsAsBuilt,
      role: 'subject' as const,
      run: (phase: RunPhase) => managerReadsInto(asBuiltHandles, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.channelsStripped,
      role: 'baseline' as const,
      run: (phase: RunPhase) => managerReadsInto(strippedHandles, offsets, readsPerRun(phase)),
    },
    {
      name: NAMES.channelsStrippedControl,
      role: 'baseline' as const,
      run: (phase: RunPhase) => managerReadsInto(controlHandles, offsets, readsPerRun(phase)),
    },
  ];
  const options = {
    warmupRuns: 2,
    minRounds: 8,
    maxRounds: 30,
    deadline,
    allocationRepetitions: 3,
    allocationMaxRuns: 6,
  };
  context.reports.push(...(await timeSectionCases('channels', cases, options, context)));
  context.method.channels = {
    what:
      'the manager readInto() one buffer per handle on StubReadEngine (read() does no I/O), 64 handles chaining, ' +
      'through fresh copies of the compiled package: as built, and with every `hasSubscribers` check of the ' +
      'channels replaced by `false`; nobody subscribed, no trace',
    control: 'a second fresh stripped copy timed in the same rounds, to show how far apart two identical copies land',
    checksStripped: stripped.stripped,
    readsPerRun: READS_PER_RUN,
  };
}
