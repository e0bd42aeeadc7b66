import { expect } from 'chai';
import { describe, it } from 'mocha';
import type { GoalReport, ResultFile } from '../lib/report.js';
import { resultChart, resultChartSvg } from '../lib/result-chart.js';
import { axisDomain, escapeXml, linearAxis, logTicks, renderChart, wrapText } from '../lib/svg-chart.js';

/** A result with two cases timed over three rounds, one speed-up between them, and the goals given. */
function run(
  subjectSamples: number[],
  goals: GoalReport[],
  ratio: number,
  baselineSamples = [200, 200, 200],
): ResultFile {
  const benchCase = (name: string, role: 'subject' | 'baseline', samples: number[]) => ({
    name,
    role,
    nsPerOp: { median: samples[1], min: Math.min(...samples), max: Math.max(...samples) },
    samples: samples.length,
    nsPerOpSamples: samples,
  });
  return {
    group: 'g',
    node: 'v24.22.3',
    date: 'd',
    command: 'npm run bench -- g',
    machine: { cpus: 2, cpuModel: 'cpu', loadAverage1m: 1 },
    cases: [benchCase('s', 'subject', subjectSamples), benchCase('b', 'baseline', baselineSamples)],
    ratios: { speedupVs: { s: { b: ratio } } },
    goals,
  } as unknown as ResultFile;
}

function goal(name: string, value: number, comparison: '<=' | '>=', target: number): GoalReport {
  const met = comparison === '>=' ? value >= target : value <= target;
  return { name, value, target, comparison, tolerance: 0, unit: 'x', met };
}

describe('bench charts', () => {
  describe('svg-chart', () => {
    it('should give 1-2-5 ticks that enclose the figures', () => {
      expect(logTicks(0.55, 1.4)).to.deep.equal([0.5, 1, 2]);
      expect(logTicks(1, 1)).to.deep.equal([1]);
      expect(logTicks(3, 480)).to.deep.equal([2, 5, 10, 20, 50, 100, 200, 500]);
      expect(axisDomain({ title: 't', rows: [], reference: 1 })).to.deep.equal({ low: 1, high: 2 });
    });

    it('should give a linear axis from 0 to the 1-2-5 step at or above the largest figure', () => {
      const row = { label: 'r', min: 0, valueText: '' };
      const axis = linearAxis({ title: 't', scale: 'linear', rows: [{ ...row, value: 256, max: 512 }] });
      expect(axis).to.deep.equal({ high: 1000, ticks: [0, 200, 400, 600, 800, 1000] });
      expect(linearAxis({ title: 't', rows: [{ ...row, value: 0, max: 0 }] }).high).to.equal(1);
    });

    it('should wrap long notes at spaces', () => {
      expect(wrapText('aaa bbb ccc', 7)).to.deep.equal(['aaa bbb', 'ccc']);
      expect(wrapText('abcdefghij', 4)).to.deep.equal(['abcd', 'efgh', 'ij']);
    });

    it('should escape text and draw one dot per row', () => {
      expect(escapeXml('a<b & "c">')).to.equal('a&lt;b &amp; &quot;c&quot;&gt;');
      const svg = renderChart({
        title: 'x < y',
        subtitle: ['s'],
        panels: [
          {
            title: 'p',
            reference: 1,
            rows: [
              { label: 'one', value: 2, min: 1, max: 3, valueText: '2x' },
              { label: 'two', value: 0.5, min: 0.5, max: 0.5, valueText: '0.5x', target: 1, met: false },
            ],
          },
        ],
      });
      expect(svg)
        .to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
        .and.contain('x &lt; y');
      expect(svg.match(/<circle /g)).to.have.length(2);
      expect(svg).to.contain('#cf222e'); // the goal not met
    });
  });

  describe('resultChart()', () => {
    it('should draw a speed-up with its spread over the rounds of one run, and goals as margins', () => {
      const reported = [goal('ratio', 2, '>=', 1), goal('zero', 0, '<=', 0)];
      const chart = resultChart([run([100, 100, 50], reported, 2, [200, 300, 100])]);
      expect(chart.title).to.equal('g on Node v24.22.3');
      const [goals, ratios] = chart.panels;
      expect(goals?.rows.map((row) => [row.label, row.value, row.met])).to.deep.equal([['ratio', 2, true]]);
      expect(goals?.notes).to.deep.equal(['[met] zero: 0 x, target <= 0']);
      // per round: 200/100, 300/100, 100/50 (not the extremes of each case: 100/100 to 300/50)
      expect(ratios?.rows[0]).to.include({ label: 's', detail: 'vs b', value: 2, min: 2, max: 3 });
    });

    it('should show the median over runs and their spread when a group ran several times', () => {
      const runs = [1.5, 2.5, 2].map((ratio) => run([100, 100, 100], [goal('ratio', ratio, '<=', 2.2)], ratio));
      const [goals, ratios] = resultChart(runs).panels;
      expect(ratios?.rows[0]).to.include({ value: 2, min: 1.5, max: 2.5 });
      // <= goal: target / value; judged on the median value (2 <= 2.2)
      expect(goals?.rows[0]).to.include({ met: true, value: 1.1 });
      expect(resultChartSvg(runs)).to.contain('over 3 runs');
    });
  });
});
