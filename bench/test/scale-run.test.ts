import { expect } from 'chai';
import { describe, it } from 'mocha';
import { spread, timeScaleCase, WARMUP_OPS, type ScaleCase, type ScaleOptions } from '../lib/scale/scale-run.js';

/** A case that records which sizes it ran, and does almost nothing. */
function recordingCase(ran: number[]): ScaleCase<number> {
  return {
    name: 'noop over {n}',
    sizes: [10, 100, 1000],
    measuresHeap: false,
    setup: (n) => n,
    run: (n) => {
      ran.push(n);
      return n;
    },
    teardown: () => undefined,
  };
}

function options(hardDeadline: number): ScaleOptions {
  return { minRepetitions: 1, minTotalOps: 1, maxRepetitions: 1, deadline: 0, hardDeadline, log: () => undefined };
}

describe('bench scale', () => {
  it('should run every size once, after a warm-up at the smallest and once at each larger, when time allows', () => {
    const ran: number[] = [];
    const points = timeScaleCase(recordingCase(ran), options(Infinity));
    const warmup = [...new Array<number>(WARMUP_OPS / 10).fill(10), 100, 1000];
    expect(ran).to.deep.equal([...warmup, 10, 100, 1000]);
    expect(points.map((point) => [point.n, point.samples.length, point.projected])).to.deep.equal([
      [10, 1, undefined],
      [100, 1, undefined],
      [1000, 1, undefined],
    ]);
  });

  it('should not run a size projected past the hard deadline, and report it with the projection (x100 per decade)', () => {
    const ran: number[] = [];
    const points = timeScaleCase(recordingCase(ran), options(performance.now() - 1));
    // neither the warm-up nor the measurement ran the larger sizes
    expect(ran.filter((n) => n !== 10)).to.deep.equal([]);
    const [smallest, middle, largest] = points;
    expect(middle?.projected?.fromN).to.equal(10);
    expect(middle?.nsPerOp.median).to.be.closeTo((smallest?.nsPerOp.median ?? 0) * 100, 1e-6);
    expect(largest?.projected?.fromN).to.equal(100);
    expect(largest?.nsPerOp.median).to.be.closeTo((smallest?.nsPerOp.median ?? 0) * 10_000, 1e-3);
    expect(largest?.name).to.match(/not run: projected/);
    expect(spread(points)).to.be.closeTo(10_000, 1e-6);
  });
});
