import type { ResultFile } from './report.js';

/** 1 decimal below 100, none above, with thousands separators. */
export function formatNumber(value: number): string {
  const digits = Math.abs(value) < 100 ? 1 : 0;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function renderColumns(rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, index) => {
        const width = widths[index] ?? 0;
        return rightAligned.has(index) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd(),
  );
}

/** The human-readable report of one group: cases, ratios against each baseline, and goals. */
export function formatResult(result: ResultFile): string {
  const lines: string[] = [];
  lines.push(`== ${result.group}: ${result.description}`);
  lines.push(
    `   node ${result.node}, ${result.machine.cpus} x ${result.machine.cpuModel}, load ${result.machine.loadAverage1m}` +
      `, ${result.durationMs} ms`,
  );
  lines.push('');
  const header = ['case', 'ns/op median', '(min - max)', 'B/op', 'retained B/op', 'rounds'];
  const rows = result.cases.map((c) => [
    c.role === 'baseline' ? `  ${c.name}` : c.name,
    formatNumber(c.nsPerOp.median),
    `(${formatNumber(c.nsPerOp.min)} - ${formatNumber(c.nsPerOp.max)})`,
    formatNumber(c.bytesPerOp),
    c.retainedBytesPerOp === undefined ? '' : c.retainedBytesPerOp.median.toFixed(2),
    String(c.samples),
  ]);
  lines.push(...renderColumns([header, ...rows], new Set([1, 3, 4, 5])));
  lines.push('   (indented: baselines; retained B/op: bytes a long-lived parent keeps per finished child after GC)');

  const { speedupVs, allocationReductionVs, retainedBytesSavedPerOpVs } = result.ratios;
  const subjects = [...new Set([...Object.keys(speedupVs), ...Object.keys(retainedBytesSavedPerOpVs)])];
  if (subjects.length > 0) {
    lines.push('');
    lines.push('ratios vs each baseline (same run, medians): speed-up = baseline ns/op / subject ns/op');
    const ratioRows: string[][] = [];
    for (const subject of subjects) {
      ratioRows.push([`  ${subject}`]);
      for (const [baseline, speedup] of Object.entries(speedupVs[subject] ?? {})) {
        const reduction = allocationReductionVs[subject]?.[baseline];
        ratioRows.push([
          `    vs ${baseline}`,
          `${formatNumber(speedup)}x faster`,
          reduction === undefined ? '' : `${formatNumber(reduction)}x fewer B/op`,
        ]);
      }
      for (const [baseline, saved] of Object.entries(retainedBytesSavedPerOpVs[subject] ?? {})) {
        ratioRows.push([`    vs ${baseline}`, `${saved.toFixed(1)} B/child`, 'less retained']);
      }
    }
    lines.push(...renderColumns(ratioRows, new Set([1, 2])));
  }

  if (result.goals.length > 0) {
    lines.push('');
    lines.push('goals:');
    for (const goal of result.goals) {
      const tolerance = goal.tolerance > 0 ? ` (+${goal.tolerance} tolerance)` : '';
      lines.push(
        `  [${goal.met ? 'met' : 'NOT MET'}] ${goal.name}: ${goal.value} ${goal.unit}, target ${goal.comparison} ` +
          `${goal.target}${tolerance}`,
      );
    }
  }
  for (const note of result.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}
