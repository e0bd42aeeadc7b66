import { expect } from 'chai';
import { describe, it } from 'mocha';
import { abortReport, type CaseRuns } from '../lib/abort/abort-report.js';
import type { AbortRun } from '../lib/abort/cancel-run.js';
import { CHUNK } from '../lib/abort/constants.js';

/** A run with `bytesAfter` and `readsIssuedAfter` as given, the rest plausible. */
function run(bytesAfter: number, readsIssuedAfter: number | null = 0): AbortRun {
  return {
    bytesBefore: 40 * 2 ** 20,
    bytesAfter,
    engineBytesAfter: readsIssuedAfter === null ? null : bytesAfter,
    rcharAfter: bytesAfter,
    syscrAfter: 1,
    storageBytesAfter: 0,
    readsIssuedAfter,
    startToCancelMs: 50,
    toldMs: 0.1,
    overMs: 0.2,
    cachedAtStart: 0,
  };
}

function manager(name: string, runs: AbortRun[]): CaseRuns {
  return { name, role: 'subject', isManager: true, runs };
}

function node(name: string, bytesAfter: number[]): CaseRuns {
  return { name, role: 'baseline', isManager: false, runs: bytesAfter.map((bytes) => run(bytes, null)) };
}

describe('bench abort: abortReport()', () => {
  it('should judge each manager case: one chunk at most, less than the least of Node, nothing issued', () => {
    const report = abortReport([
      manager('m', [run(0), run(CHUNK), run(0), run(0)]), // mean CHUNK / 4
      manager('late', [run(2 * CHUNK), run(CHUNK, 1)]),
      node('readFile', [CHUNK, CHUNK, 0, CHUNK]), // mean 3/4 CHUNK
      node('stream', [CHUNK, 0, 0, CHUNK]), // mean CHUNK / 2: the least
    ]);
    const goal = (start: string) => report.goals.filter((g) => g.name.startsWith(start)).map((g) => [g.value, g.met]);
    expect(goal('m:')).to.deep.equal([
      [1, true],
      [-128, true], // (CHUNK / 4 - CHUNK / 2) in KiB
      [0, true],
    ]);
    expect(goal('late:')).to.deep.equal([
      [2, false],
      [512, false],
      [1, false],
    ]);
    expect(report.goals[1]?.name).to.contain('(stream)');
    expect(report.cases.map((c) => c.name)).to.deep.equal(['m', 'late', 'readFile', 'stream']);
    const [bytes, over] = report.chartPanels;
    expect(bytes?.scale).to.equal('linear');
    expect(bytes?.rows[0]).to.include({ value: 128, min: 0, max: 512 });
    expect(over?.scale).to.equal('log');
  });
});
