/**
 * Group `async-file`: AsyncFileManager (node-fs engine) against Node's own file APIs doing the same work: small-file
 * writes, unnamed-file creation, random cached reads, and the cost and synchrony of canceling a queued action.
 * The sections live in lib/async-file/ (`ASYNC_FILE_SECTIONS=files,reads,cancel` picks some); this file prepares their
 * files, shares the time budget among them, runs them in order, and computes the ratios, the goals and the report.
 * Run through `npm run bench -- async-file` (a fresh process; UV_THREADPOOL_SIZE is left at libuv's default, 4).
 */
import fs from 'node:fs';
import path from 'node:path';
import { goalAtLeast } from '../lib/goals.js';
import { emitReport, groupBudgetMs, logProgress } from '../lib/group-output.js';
import { GROUP_NODE_FLAGS, findGroup } from '../lib/group-registry.js';
import { computeRatios, speedup, type Comparison } from '../lib/ratios.js';
import type { GoalReport, GroupReport } from '../lib/report.js';
import { round } from '../lib/stats.js';
import { createTempRoot } from '../lib/temp-root.js';
import { createCachedReadFile } from '../lib/random-reads.js';
import { LANES, READ_FILE_BYTES } from '../lib/workload.js';
import { isAsyncFileCaseReport } from '../lib/async-file/case-report.js';
import { readOffsets, runReadsSection } from '../lib/async-file/cached-reads.js';
import { NAMES } from '../lib/async-file/constants.js';
import { createFileSets, type FileSets } from '../lib/async-file/file-sets.js';
import { ignore } from '../lib/async-file/ignore.js';
import { runChannelsSection } from '../lib/async-file/channel-cost.js';
import { runCancelSection } from '../lib/async-file/queued-cancel.js';
import { newSectionContext, runCleanups } from '../lib/section-context.js';
import { SECTION_WEIGHTS, selectedSections, type Section } from '../lib/async-file/selected-sections.js';
import { runFilesSection } from '../lib/async-file/small-files.js';
import { sourceDigest } from '../lib/async-file/source-digest.js';
import { runUnnamedSection } from '../lib/async-file/unnamed-files.js';

const GROUP = 'async-file';

/** Removing written files costs up to ~0.12 ms each here (blocks freed, the file system is mounted with discard). */
const CLEANUP_MS_PER_FILE = 0.15;
const SAFETY_MARGIN_MS = 10_000;

async function main(): Promise<void> {
  const started = performance.now();
  const budgetMs = groupBudgetMs(GROUP);
  const at = (fraction: number): number => started + budgetMs * fraction;
  const log = (line: string): void => logProgress(GROUP, line);
  const sections = selectedSections();
  const source = sourceDigest(); // read at the start: others may edit the package while this runs
  const uvThreadpoolSize = process.env.UV_THREADPOOL_SIZE;
  log(
    `budget ${budgetMs} ms; sections ${sections.join(', ')}; ` +
      `UV_THREADPOOL_SIZE=${uvThreadpoolSize ?? '(unset: libuv default 4)'}`,
  );

  const temp = createTempRoot('bench-async-file-');
  const context = newSectionContext(temp.path, log);
  const phaseMs: Record<string, number> = {};
  let phaseStart = performance.now();
  const endPhase = (name: string): void => {
    const now = performance.now();
    phaseMs[name] = Math.round(now - phaseStart);
    phaseStart = now;
  };
  let cancelGoalValue: number | undefined;

  try {
    log(`temp root ${temp.path} (file system type 0x${fs.statfsSync(temp.path).type.toString(16)})`);
    let filesToRemove = 0;
    let fileSets: FileSets | undefined;
    if (sections.includes('files')) {
      const maxFiles = Math.floor((budgetMs * 0.3) / CLEANUP_MS_PER_FILE);
      fileSets = createFileSets(context, at(0.15), maxFiles);
      filesToRemove = fileSets.filesCreated;
      endPhase('createFileSets');
    }
    let readFile: { readonly path: string; readonly offsets: Int32Array } | undefined;
    if (sections.some((section) => section === 'reads' || section === 'cancel' || section === 'channels')) {
      const file = path.join(temp.path, 'reads.bin');
      createCachedReadFile(file, READ_FILE_BYTES);
      readFile = { path: file, offsets: readOffsets() };
      endPhase('createReadFile');
    }

    // the timing span: what is left once the removal of the written files is set aside
    const spanStart = performance.now();
    const workEnd = started + budgetMs - filesToRemove * CLEANUP_MS_PER_FILE - SAFETY_MARGIN_MS;
    const totalWeight = sections.reduce((sum, section) => sum + SECTION_WEIGHTS[section], 0);
    let weightSoFar = 0;
    const deadlineOf = (section: Section): number => {
      weightSoFar += SECTION_WEIGHTS[section];
      return spanStart + (Math.max(0, workEnd - spanStart) * weightSoFar) / totalWeight;
    };

    for (const section of sections) {
      const deadline = deadlineOf(section);
      if (section === 'files' && fileSets !== undefined) {
        await runFilesSection(context, fileSets, deadline);
      } else if (section === 'unnamed') {
        await runUnnamedSection(context, deadline);
      } else if (section === 'reads' && readFile !== undefined) {
        await runReadsSection(context, readFile.path, readFile.offsets, deadline);
      } else if (section === 'cancel' && readFile !== undefined) {
        cancelGoalValue = await runCancelSection(context, readFile.path, readFile.offsets, deadline);
      } else if (section === 'channels' && readFile !== undefined) {
        await runChannelsSection(context, readFile.path, readFile.offsets, deadline);
      }
      endPhase(section);
    }
  } finally {
    await runCleanups(context, ignore);
    const removeMs = temp.remove();
    phaseMs.cleanup = Math.round(removeMs);
    log(`removed ${temp.path} in ${Math.round(removeMs)} ms`);
  }

  const reports = context.reports;
  const has = (name: string): boolean => reports.some((report) => report.name === name);
  const allComparisons: readonly Comparison[] = [
    { subject: NAMES.filesManagerLanes, baseline: NAMES.filesCallback, metrics: ['time'] },
    { subject: NAMES.filesCallbackControl, baseline: NAMES.filesCallback, metrics: ['time'] },
    { subject: NAMES.filesManager, baseline: NAMES.filesCallback, metrics: ['time'] },
    { subject: NAMES.filesManager, baseline: NAMES.filesManagerLanes, metrics: ['time'] },
    { subject: NAMES.filesManager, baseline: NAMES.filesPromises, metrics: ['time'] },
    { subject: NAMES.filesManager, baseline: NAMES.filesSync, metrics: ['time'] },
    { subject: NAMES.filesAuto, baseline: NAMES.filesCallback, metrics: ['time'] },
    { subject: NAMES.filesAuto, baseline: NAMES.filesSync, metrics: ['time'] },
    { subject: NAMES.tmpManager, baseline: NAMES.tmpCallback, metrics: ['time'] },
    { subject: NAMES.tmpAuto, baseline: NAMES.tmpCallback, metrics: ['time'] },
    { subject: NAMES.readsManagerInto, baseline: NAMES.readsCallback, metrics: ['time'] },
    { subject: NAMES.readsCallbackControl, baseline: NAMES.readsCallback, metrics: ['time'] },
    { subject: NAMES.readsManagerInto, baseline: NAMES.readsManager, metrics: ['time'] },
    { subject: NAMES.readsManager, baseline: NAMES.readsCallback, metrics: ['time'] },
    { subject: NAMES.readsManager, baseline: NAMES.readsCallbackAlloc, metrics: ['time'] },
    { subject: NAMES.readsManager, baseline: NAMES.readsCallbackSlab, metrics: ['time'] },
    { subject: NAMES.readsCallbackSlab, baseline: NAMES.readsCallback, metrics: ['time'] },
    { subject: NAMES.readsManager, baseline: NAMES.readsPromises, metrics: ['time'] },
    { subject: NAMES.readsManager, baseline: NAMES.readsSync, metrics: ['time'] },
    { subject: NAMES.readsAutoInto, baseline: NAMES.readsCallback, metrics: ['time'] },
    { subject: NAMES.readsAutoInto, baseline: NAMES.readsSync, metrics: ['time'] },
    { subject: NAMES.readsAuto, baseline: NAMES.readsCallbackSlab, metrics: ['time'] },
    { subject: NAMES.readsAuto, baseline: NAMES.readsSync, metrics: ['time'] },
    { subject: NAMES.readsCallbackOp, baseline: NAMES.readsCallback, metrics: ['time'] },
    { subject: NAMES.readsManager, baseline: NAMES.readsCallbackOp, metrics: ['time'] },
    { subject: NAMES.readsStubManager, baseline: NAMES.readsStubEngine, metrics: ['time'] },
    { subject: NAMES.readsStubManagerInto, baseline: NAMES.readsStubEngine, metrics: ['time'] },
    { subject: NAMES.channelsAsBuilt, baseline: NAMES.channelsStripped, metrics: ['time'] },
    { subject: NAMES.channelsStrippedControl, baseline: NAMES.channelsStripped, metrics: ['time'] },
  ];
  const comparisons = allComparisons.filter((comparison) => has(comparison.subject) && has(comparison.baseline));

  const goals: GoalReport[] = [];
  if (has(NAMES.filesManagerLanes)) {
    goals.push(
      goalAtLeast(
        'small files: manager (node-fs) files/s, 64 handles in lanes / callback fs files/s (64 in flight, the same shape)',
        speedup(reports, NAMES.filesManagerLanes, NAMES.filesCallback),
        0.9,
        'x',
      ),
    );
  }
  if (has(NAMES.readsManagerInto)) {
    goals.push(
      goalAtLeast(
        'random 4 KiB reads: manager (node-fs) readInto one buffer per handle reads/s / callback fs.read into one ' +
          'buffer per lane reads/s (64 in flight)',
        speedup(reports, NAMES.readsManagerInto, NAMES.readsCallback),
        0.95,
        'x',
      ),
    );
  }
  if (has(NAMES.readsManager)) {
    goals.push(
      goalAtLeast(
        'random 4 KiB reads: manager (node-fs) read() into its default slab buffers reads/s / callback fs.read into ' +
          'fresh 256 KiB-slab memory per read reads/s (the same memory work, 64 in flight)',
        speedup(reports, NAMES.readsManager, NAMES.readsCallbackSlab),
        0.9,
        'x',
      ),
    );
  }
  if (has(NAMES.channelsAsBuilt) && has(NAMES.channelsStripped)) {
    goals.push(
      goalAtLeast(
        'file action channels, nobody subscribed: manager readInto on the stub engine, as built reads/s / channel ' +
          'points stripped reads/s (fresh copies, same rounds)',
        speedup(reports, NAMES.channelsAsBuilt, NAMES.channelsStripped),
        0.98,
        'x',
      ),
    );
  }
  if (cancelGoalValue !== undefined) {
    goals.push(
      goalAtLeast('cancel of a queued action frees its place in the same tick', cancelGoalValue, 1, '(1 = every one)'),
    );
  }

  const notes: string[] = [];
  for (const report of reports.filter(isAsyncFileCaseReport)) {
    notes.push(
      `${report.name}: ${report.opsPerSecond.median.toLocaleString('en-US')} ops/s median ` +
        `(${report.opsPerSecond.min.toLocaleString('en-US')} - ${report.opsPerSecond.max.toLocaleString('en-US')}), ` +
        `CPU ${round(report.cpuNsPerOp.median / 1000, 2)} us/op (system ${round(report.systemNsPerOp.median / 1000, 2)}), ` +
        `${report.contextSwitchesPerOp.median} voluntary context switches/op`,
    );
  }
  const stubManager = reports.find((report) => report.name === NAMES.readsStubManager);
  const stubManagerInto = reports.find((report) => report.name === NAMES.readsStubManagerInto);
  const stubEngine = reports.find((report) => report.name === NAMES.readsStubEngine);
  if (stubManager !== undefined && stubEngine !== undefined) {
    notes.push(
      `the manager's own work per read: ${round(stubManager.nsPerOp.median - stubEngine.nsPerOp.median)} ns ` +
        '(the manager with a BufferPool on a stub engine whose read() does no I/O, minus that engine called ' +
        'directly; medians).',
    );
  }
  if (stubManagerInto !== undefined && stubEngine !== undefined) {
    notes.push(
      `the manager's own work per readInto: ${round(stubManagerInto.nsPerOp.median - stubEngine.nsPerOp.median)} ns ` +
        '(readInto one buffer per handle on the same stub engine, minus that engine called directly; medians).',
    );
  }
  if (has(NAMES.readsCallbackOp)) {
    notes.push(
      `the contract's floor: callback fs.read plus one AsyncOp per read that lives until its completion (what every ` +
        `action of the manager holds: docs/reference/contract.md, 'File actions') runs at ` +
        `${round(speedup(reports, NAMES.readsCallbackOp, NAMES.readsCallback), 2)}x callback fs.read alone; the ` +
        "manager's ratio below that is its own work per read (a single run moves by +-15% on this machine).",
    );
  }
  for (const [control, original, what, twice] of [
    [NAMES.filesCallbackControl, NAMES.filesCallback, 'small files', 'the same callback fs code timed twice'],
    [NAMES.readsCallbackControl, NAMES.readsCallback, 'reads', 'the same callback fs code timed twice'],
    [
      NAMES.channelsStrippedControl,
      NAMES.channelsStripped,
      'channels',
      'the same stripped package timed twice (two fresh copies)',
    ],
  ] as const) {
    if (!has(control)) continue;
    notes.push(
      `resolution, ${what}: ${twice} in this run (the control case) landed at ` +
        `${round(speedup(reports, control, original), 2)}x itself; a goal's ratio that differs from its target by ` +
        'less than this gap cannot be told apart from it in one run.',
    );
  }
  notes.push(
    'ns/op: per file (open + write 4 KiB + close) or per read; B/op: JS heap only (read buffers live off-heap), from ' +
      'separate allocation runs; CPU time and context switches are process-wide (the libuv pool included).',
    ...context.notes,
  );
  if (sections.includes('files')) {
    notes.push(
      'a rerun within about 60 s creates its file sets slower (ext4 skips recently deleted inodes); only setup is affected.',
    );
  }
  if (uvThreadpoolSize !== undefined && uvThreadpoolSize !== '4') {
    notes.push(`UV_THREADPOOL_SIZE was set to ${uvThreadpoolSize}: figures are not comparable with the default 4.`);
  }

  const report: GroupReport = {
    group: GROUP,
    description: findGroup(GROUP)?.description ?? GROUP,
    method: {
      nodeFlags: process.execArgv.length > 0 ? process.execArgv : GROUP_NODE_FLAGS,
      sections,
      asyncFileSource: {
        ...source,
        what: 'sha256 over packages/async-file/src/**/*.ts (path, NUL, content, NUL)',
      },
      uvThreadpoolSize: {
        env: uvThreadpoolSize ?? null,
        effective: uvThreadpoolSize === undefined ? 4 : Number(uvThreadpoolSize),
      },
      inFlight: LANES,
      timing: {
        interleaving:
          'per section, each round runs every case once, in a seeded shuffled order; every run after an ' +
          'untimed prepare and a full GC; untimed warm-up runs first',
        statistic: 'median, min and max of the per-run wall-clock ns/op; ops/s = 1e9 / ns/op',
        extra: 'cpuNsPerOp, systemNsPerOp, contextSwitchesPerOp from process.resourceUsage() around each run',
      },
      allocation: {
        reading:
          'process.memoryUsage().heapUsed delta over one allocation run right after gc(); runs during which a GC ran ' +
          'are discarded',
        collectedBatchesDiscarded: context.collectedBatches,
      },
      ...context.method,
      phaseMs,
    },
    cases: reports,
    ratios: computeRatios(reports, comparisons),
    goals,
    notes,
    durationMs: Math.round(performance.now() - started),
  };
  emitReport(report);
}

await main();
