/**
 * `node bench/dist/chart.js <result.json>...`: draws the chart of results already written (one group's runs on one
 * Node) again, as `npm run bench` does after a run: to <group>.svg beside the first file. For results written before
 * the charts existed, or after the chart code changed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ResultFile } from './lib/report.js';
import { resultChartSvg } from './lib/result-chart.js';

function main(): void {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('Usage: node bench/dist/chart.js <bench/results/node<major>/<group>.json>...\n');
    process.exit(2);
  }
  const runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as ResultFile);
  const groups = new Set(runs.map((run) => `${run.group} on ${run.node}`));
  if (groups.size > 1) {
    process.stderr.write(`chart: the files hold different groups or Nodes: ${[...groups].join(', ')}\n`);
    process.exit(2);
  }
  const first = files[0] as string;
  const out = path.join(path.dirname(first), `${runs[0]?.group ?? 'chart'}.svg`);
  writeFileSync(out, resultChartSvg(runs));
  process.stdout.write(`written: ${out}\n`);
}

main();
