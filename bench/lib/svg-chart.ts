/**
 * A small hand-written SVG chart for benchmark results: panels of rows, each row a median as a dot and its spread
 * (min to max) as a whisker on a log axis, with an optional target mark and a met / not met colour. No dependency: the
 * results are few rows of numbers, and a chart library would bring more code than the chart.
 */

/** One row: a figure with its spread. */
export interface ChartRow {
  readonly label: string;
  /** A second, smaller line under the label (what the figure is compared with). */
  readonly detail?: string;
  readonly value: number;
  readonly min: number;
  readonly max: number;
  /** The text printed after the whisker (the figure as the results state it). */
  readonly valueText: string;
  /** A goal's target on the same axis, drawn as a tick. */
  readonly target?: number;
  /** Whether the row's goal is met (colours the dot); undefined: no goal. */
  readonly met?: boolean;
}

/** A panel: rows sharing one log axis. */
export interface ChartPanel {
  readonly title: string;
  readonly rows: readonly ChartRow[];
  /** A value drawn as a dashed line across the panel (1 for ratios: parity). */
  readonly reference?: number;
  /** `log` (default: ratios, times) or `linear` from 0 (figures that may be 0, such as bytes). */
  readonly scale?: 'log' | 'linear';
  /** Lines of text under the panel (figures that have no place on the axis). */
  readonly notes?: readonly string[];
}

/** A whole chart. */
export interface Chart {
  readonly title: string;
  /** Lines under the title: Node version, machine, command, how to read the chart. */
  readonly subtitle: readonly string[];
  readonly panels: readonly ChartPanel[];
}

const LABEL_WIDTH = 660;
/** Labels longer than this many characters are cut (the whole label is the row's tooltip). */
const LABEL_CHARACTERS = 104;
const PLOT_LEFT = LABEL_WIDTH + 20;
const PLOT_WIDTH = 400;
const VALUE_LEFT = PLOT_LEFT + PLOT_WIDTH + 12;
/** About the width of a character at 12 px, to size the column of value texts. */
const CHARACTER_WIDTH = 6.6;
/** The same at 11 px, for notes. */
const NOTE_CHARACTER_WIDTH = 6.1;
const ROW_HEIGHT = 34;
const LINE = 16;
const COLOURS = { met: '#1a7f37', notMet: '#cf222e', none: '#0969da', axis: '#8c959f', text: '#1f2328' } as const;

/** Escapes text for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The 1-2-5 sequence (..., 0.5, 1, 2, 5, 10, ...) from the step at or below `low` to the one at or above `high`. */
export function logTicks(low: number, high: number): number[] {
  const ticks: number[] = [];
  for (let exponent = Math.floor(Math.log10(low)) - 1; exponent <= Math.ceil(Math.log10(high)); exponent++) {
    for (const step of [1, 2, 5]) ticks.push(Number((step * 10 ** exponent).toPrecision(3)));
  }
  const first = ticks.findLastIndex((tick) => tick <= low * 1.0001);
  const last = ticks.findIndex((tick) => tick >= high * 0.9999);
  return ticks.slice(Math.max(0, first), last === -1 ? undefined : last + 1);
}

/** The log axis of a panel: from the 1-2-5 step at or below its smallest positive figure to the one at or above its largest. */
export function axisDomain(panel: ChartPanel): { readonly low: number; readonly high: number } {
  const figures = panel.rows
    .flatMap((row) => [row.value, row.min, row.max, row.target ?? Number.NaN])
    .concat(panel.reference ?? [])
    .filter((figure) => Number.isFinite(figure) && figure > 0);
  if (figures.length === 0) return { low: 0.1, high: 10 };
  const ticks = logTicks(Math.min(...figures), Math.max(...figures));
  const low = ticks[0] ?? 0.1;
  const high = ticks[ticks.length - 1] ?? 10;
  return { low, high: high > low ? high : low * 2 };
}

function formatTick(tick: number): string {
  if (tick >= 1000) return `${tick / 1000}k`;
  return String(tick);
}

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x}" y="${y}"${attributes === '' ? '' : ` ${attributes}`}>${escapeXml(content)}</text>`;
}

/** The label as drawn: cut at LABEL_CHARACTERS, with the whole label as a tooltip when cut. */
function label(row: ChartRow, y: number): string {
  if (row.label.length <= LABEL_CHARACTERS) return text(10, y, row.label);
  return `<text x="10" y="${y}"><title>${escapeXml(row.label)}</title>${escapeXml(row.label.slice(0, LABEL_CHARACTERS - 1))}…</text>`;
}

/** A linear axis from 0: its top (a 1-2-5 step at or above the largest figure) and ticks at a fifth of a step. */
export function linearAxis(panel: ChartPanel): { readonly high: number; readonly ticks: number[] } {
  const largest = Math.max(
    0,
    ...panel.rows.flatMap((row) => [row.value, row.max, row.target ?? 0]).filter((figure) => Number.isFinite(figure)),
  );
  const high = largest > 0 ? (logTicks(largest, largest).at(-1) ?? 1) : 1;
  return { high, ticks: Array.from({ length: 6 }, (_, i) => Number(((high * i) / 5).toPrecision(3))) };
}

/** Where a figure goes on the panel's axis (clamped to it), and the axis ticks. */
function axisOf(panel: ChartPanel): { readonly x: (value: number) => number; readonly ticks: number[] } {
  if (panel.scale === 'linear') {
    const { high, ticks } = linearAxis(panel);
    const x = (value: number): number =>
      PLOT_LEFT + (Math.min(high, Math.max(0, Number.isFinite(value) ? value : 0)) / high) * PLOT_WIDTH;
    return { x, ticks };
  }
  const { low, high } = axisDomain(panel);
  const span = Math.log10(high) - Math.log10(low);
  const x = (value: number): number => {
    const clamped = Math.min(high, Math.max(low, value > 0 && Number.isFinite(value) ? value : low));
    return PLOT_LEFT + ((Math.log10(clamped) - Math.log10(low)) / span) * PLOT_WIDTH;
  };
  return { x, ticks: logTicks(low, high) };
}

/** `line` cut into lines of at most `characters` (at spaces where it can). */
export function wrapText(line: string, characters: number): string[] {
  const lines: string[] = [];
  let rest = line;
  while (rest.length > characters) {
    const space = rest.lastIndexOf(' ', characters);
    const cut = space > characters / 2 ? space : characters;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  return [...lines, rest];
}

/** Renders one panel at `top`, `width` wide; returns its SVG and its height. */
function renderPanel(panel: ChartPanel, top: number, width: number): { readonly svg: string; readonly height: number } {
  const { x, ticks } = axisOf(panel);
  const parts: string[] = [text(10, top + LINE, panel.title, 'font-weight="bold" font-size="14"')];
  const plotTop = top + LINE + 10;
  const plotBottom = plotTop + panel.rows.length * ROW_HEIGHT;
  for (const tick of ticks) {
    const tx = x(tick).toFixed(1);
    parts.push(`<line x1="${tx}" y1="${plotTop}" x2="${tx}" y2="${plotBottom}" stroke="#eaeef2"/>`);
    parts.push(text(Number(tx), plotBottom + 14, formatTick(tick), `text-anchor="middle" fill="${COLOURS.axis}"`));
  }
  if (panel.reference !== undefined) {
    const rx = x(panel.reference).toFixed(1);
    parts.push(
      `<line x1="${rx}" y1="${plotTop}" x2="${rx}" y2="${plotBottom}" stroke="${COLOURS.axis}" stroke-dasharray="4 3"/>`,
    );
  }
  panel.rows.forEach((row, index) => {
    const y = plotTop + index * ROW_HEIGHT;
    const middle = y + ROW_HEIGHT / 2;
    if (index % 2 === 1) parts.push(`<rect x="0" y="${y}" width="${width}" height="${ROW_HEIGHT}" fill="#f6f8fa"/>`);
    parts.push(label(row, y + 14));
    if (row.detail !== undefined) parts.push(text(22, y + 28, row.detail, `font-size="11" fill="${COLOURS.axis}"`));
    const colour = row.met === undefined ? COLOURS.none : row.met ? COLOURS.met : COLOURS.notMet;
    const [x1, x2] = [x(row.min), x(row.max)];
    parts.push(`<line x1="${x1.toFixed(1)}" y1="${middle}" x2="${x2.toFixed(1)}" y2="${middle}" stroke="${colour}"/>`);
    for (const end of [x1, x2]) {
      parts.push(
        `<line x1="${end.toFixed(1)}" y1="${middle - 5}" x2="${end.toFixed(1)}" y2="${middle + 5}" stroke="${colour}"/>`,
      );
    }
    if (row.target !== undefined) {
      const tx = x(row.target).toFixed(1);
      parts.push(
        `<line x1="${tx}" y1="${middle - 10}" x2="${tx}" y2="${middle + 10}" stroke="${COLOURS.text}" stroke-width="2"/>`,
      );
    }
    parts.push(`<circle cx="${x(row.value).toFixed(1)}" cy="${middle}" r="4.5" fill="${colour}"/>`);
    parts.push(text(VALUE_LEFT, middle + 4, row.valueText));
  });
  let height = plotBottom - top + 34;
  for (const note of panel.notes ?? []) {
    for (const line of wrapText(note, Math.floor((width - 20) / NOTE_CHARACTER_WIDTH))) {
      parts.push(text(10, top + height, line, 'font-size="11"'));
      height += LINE - 2;
    }
  }
  return { svg: parts.join('\n'), height: height + 16 };
}

/** The chart as a standalone SVG document. */
export function renderChart(chart: Chart): string {
  const valueCharacters = Math.max(
    12,
    ...chart.panels.flatMap((panel) => panel.rows.map((row) => row.valueText.length)),
  );
  const width = Math.round(VALUE_LEFT + valueCharacters * CHARACTER_WIDTH + 10);
  const parts: string[] = [text(10, 24, chart.title, 'font-weight="bold" font-size="16"')];
  let top = 30;
  for (const line of chart.subtitle.flatMap((subtitle) =>
    wrapText(subtitle, Math.floor((width - 20) / CHARACTER_WIDTH)),
  )) {
    top += LINE;
    parts.push(text(10, top, line, `font-size="12" fill="${COLOURS.axis}"`));
  }
  top += 16;
  for (const panel of chart.panels) {
    const rendered = renderPanel(panel, top, width);
    parts.push(rendered.svg);
    top += rendered.height;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top}" viewBox="0 0 ${width} ${top}" ` +
    `font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" fill="${COLOURS.text}">\n` +
    `<rect width="${width}" height="${top}" fill="#ffffff"/>\n${parts.join('\n')}\n</svg>\n`
  );
}
