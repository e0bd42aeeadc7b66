import { expect } from 'chai';
import { describe, it } from 'mocha';
import type { GoalReport, ResultFile } from '../lib/report.js';
import { goalAtLeast, goalAtMost, goalBelow, meetsGoal } from '../lib/goals.js';
import { MAX_REPEAT, formatRepeats, parseRepeat, summarizeRepeats } from '../lib/repeat-summary.js';
import { percentile } from '../lib/stats.js';

/** A result file with just what the summary reads: the group, the date and the goals. */
function result(date: string, goals: readonly GoalReport[]): ResultFile {
  return { group: 'g', date, goals } as unknown as ResultFile;
}

function goal(name: string, value: number, comparison: '>=' | '<=' = '>=', target = 0.9): GoalReport {
  const met = comparison === '>=' ? value >= target : value <= target;
  return { name, value, target, comparison, tolerance: 0, unit: 'x', met };
}

describe('bench --repeat', () => {
  describe('parseRepeat()', () => {
    it('should default to one run and keep every other argument in order', () => {
      expect(parseRepeat(['async-file', 'io-uring'])).to.deep.equal({ repeat: 1, rest: ['async-file', 'io-uring'] });
      expect(parseRepeat(['async-file', '--repeat', '5', 'io-uring'])).to.deep.equal({
        repeat: 5,
        rest: ['async-file', 'io-uring'],
      });
      expect(parseRepeat(['--repeat', String(MAX_REPEAT)]).repeat).to.equal(MAX_REPEAT);
    });

    it('should refuse a missing or bad count with a RangeError naming the value received', () => {
      for (const [args, shown] of [
        [['--repeat'], 'null'],
        [['--repeat', '0'], '"0"'],
        [['--repeat', '2.5'], '"2.5"'],
        [['--repeat', 'x'], '"x"'],
        [['--repeat', String(MAX_REPEAT + 1)], `"${MAX_REPEAT + 1}"`],
      ] as const) {
        expect(() => parseRepeat(args))
          .to.throw(RangeError, `\`--repeat\``)
          .and.to.match(new RegExp(`got ${shown}$`));
      }
    });
  });

  describe('summarizeRepeats()', () => {
    it('should judge each goal on the median of its runs, and count the runs that met it alone', () => {
      const runs = [
        result('d1', [goal('reads', 0.95), goal('delay', 1.2, '<=', 1)]),
        result('d2', [goal('reads', 0.8), goal('delay', 0.7, '<=', 1)]),
        result('d3', [goal('reads', 0.85), goal('delay', 0.9, '<=', 1)]),
      ];
      const summary = summarizeRepeats(runs, 'npm run bench -- --repeat 3 g');
      expect(summary.runs).to.equal(3);
      expect(summary.dates).to.deep.equal(['d1', 'd2', 'd3']);
      const [reads, delay] = summary.goals;
      expect(reads).to.include({ name: 'reads', runsMet: 1, met: false });
      expect(reads?.values).to.deep.equal([0.95, 0.8, 0.85]);
      expect(reads?.summary).to.deep.equal({ median: 0.85, min: 0.8, max: 0.95 });
      expect(delay).to.include({ runsMet: 2, met: true });
      expect(formatRepeats(summary))
        .to.contain('[NOT MET] reads: median 0.85 x (0.8 - 0.95)')
        .and.contain('met in 1 of 3');
    });

    it('should keep a run without a goal as null and judge on the runs that have it', () => {
      const summary = summarizeRepeats(
        [result('d1', [goal('reads', 0.7)]), result('d2', []), result('d3', [goal('reads', 1.1)])],
        'cmd',
      );
      expect(summary.goals[0]?.values).to.deep.equal([0.7, null, 1.1]);
      expect(summary.goals[0]?.summary.median).to.equal(0.9);
      expect(summary.goals[0]?.met).to.equal(true);
    });

    it('should refuse zero runs', () => {
      expect(() => summarizeRepeats([], 'cmd')).to.throw(RangeError, 'zero runs');
    });
  });

  describe('goals', () => {
    it('should tell <= from < at the target, and apply the tolerance on the side it allows', () => {
      expect(goalAtMost('g', 1, 1, 'x').met).to.equal(true);
      expect(goalBelow('g', 1, 1, 'x').met).to.equal(false);
      expect(goalBelow('g', 0.99, 1, 'x').met).to.equal(true);
      expect(goalBelow('g', 1, 1, 'x', 0.01).met).to.equal(true);
      expect(goalAtLeast('g', 0.85, 0.9, 'x', 0.05).met).to.equal(true);
      expect(goalAtLeast('g', 0.849, 0.9, 'x', 0.05).met).to.equal(false);
      expect(goalAtMost('g', 12.345, 20, 'ns').value).to.equal(12.3);
      for (const comparison of ['<', '<=', '>='] as const) {
        expect(meetsGoal({ comparison, target: 0, tolerance: 0 }, Number.NaN)).to.equal(false);
      }
    });
  });

  describe('percentile()', () => {
    it('should take the nearest rank: p50 of 1..4 is 2, p99 of 16 values is the largest', () => {
      expect(percentile([4, 1, 3, 2], 50)).to.equal(2);
      expect(
        percentile(
          Array.from({ length: 16 }, (_, i) => i),
          99,
        ),
      ).to.equal(15);
      expect(percentile([7], 1)).to.equal(7);
      expect(() => percentile([], 50)).to.throw(RangeError, 'empty');
      expect(() => percentile([1], 0)).to.throw(RangeError, 'got 0');
    });
  });
});
