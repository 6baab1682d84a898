// Pure heat map of a matrix: (matrix, options, doc) → detached <svg>. React only mounts the result. Square by
// default (the same labels on both axes); with `rowLabels`, rows × columns.
//
// Each cell is filled on a diverging colour scale over a fixed domain (default [−1, 1], so the same colour always
// means the same value, whatever the matrix) and labelled with its value; NaN cells are grey and say "n/a".
// The default palette is ColorBrewer's RdBu (readable with the common colour-vision deficiencies): red below the
// midpoint, blue above it. Rows run top to bottom and columns left to right in the order of `labels`. Flagged
// cells (e.g. values that are uncertain) get a dashed outline, explained by a note under the chart: a mark that
// needs no colour.
import { axisBottom, axisLeft, interpolateRdBu, rgb, scaleBand, scaleDiverging, scaleLinear, type ScaleBand } from 'd3';
import { setChartData } from './chartData';
import { attachTooltip, AXIS, createFrame, FONT, TEXT, type Frame, type Margin, type TooltipTarget } from './frame';

export interface HeatmapMatrix {
  /** rows × n values, row-major (row i, column j at i·n + j). */
  values: ArrayLike<number>;
  /** One label per column (and the same per row, unless `rowLabels`): n of them. */
  labels: string[];
  /** The rows' own labels, when they are not the columns' (a matrix that is not square). */
  rowLabels?: string[];
}

export interface HeatmapOptions {
  /** Rendered as <title> (screen readers) and drawn on top of the chart. */
  title: string;
  /** Rendered as <desc> for screen readers. */
  description: string;
  /** Axis titles, with units. */
  xLabel: string;
  yLabel: string;
  /** How a tooltip names a cell's row and column (e.g. 'λ_i', 'λ_j'); default the axis titles. */
  rowName?: string;
  colName?: string;
  /** What the colour legend measures (e.g. 'cos'). */
  legendLabel: string;
  /** Colour domain [low, high]; its midpoint is the scale's neutral colour. Default [−1, 1]. */
  domain?: [number, number];
  /** Side of a cell in px; default about 352 / rows, within 36 (a label like "−0.25" still fits) and 64. */
  cell?: number;
  /** Formats a cell's label and tooltip (default: 2 decimals, with a true minus sign). */
  formatValue?: (v: number) => string;
  /** Cells drawn with a dashed outline (`cells[i·n + j]` true), explained by `note` under the chart. */
  flagged?: { cells: ArrayLike<boolean>; note: string };
  /** More about cell (i, j) for its tooltip, after the value (e.g. its uncertainty); null for nothing. */
  cellDetail?: (i: number, j: number) => string | null;
  /** Draws NaN cells blank (white, unlabelled, "undefined" in the tooltip) instead of grey "n/a". */
  blankNaN?: boolean;
  /** Formats the legend's ticks (default: as short as they can be). */
  formatTick?: (v: number) => string;
}

/** Fill of a NaN cell: mid grey, apart from every colour of RdBu (whose neutral is near-white). */
export const NAN_FILL = '#a3a3a3';
const NAN_TEXT = '#222';
const LEGEND_W = 12;
const LEGEND_GAP = 14;
const LEGEND_STEPS = 48;

/** Two decimals, '−' for negatives (also for values that round to zero: the sign is information), 'n/a' for NaN. */
export function fixed2(v: number): string {
  if (Number.isNaN(v)) return 'n/a';
  const s = Math.abs(v).toFixed(2);
  return v < 0 ? `−${s}` : s;
}

/** The colour of value `v` on the chart's scale (RdBu over `domain`, neutral at its midpoint); NAN_FILL for NaN. */
export function heatmapColor(v: number, domain: [number, number] = [-1, 1]): string {
  if (Number.isNaN(v)) return NAN_FILL;
  const [lo, hi] = domain;
  const scale = scaleDiverging(interpolateRdBu).domain([lo, (lo + hi) / 2, hi]).clamp(true);
  return rgb(scale(v)).formatHex();
}

/** WCAG relative luminance of a CSS colour (hex or rgb()). */
function luminance(color: string): number {
  const c = rgb(color);
  const lin = (u: number) => {
    const s = u / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/** WCAG contrast ratio of two colours, 1 to 21 (AA asks 4.5 for text). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** White or near-black, whichever contrasts more with `fill`. */
function textOn(fill: string): string {
  return contrastRatio('#fff', fill) > contrastRatio(fill, TEXT) ? '#fff' : TEXT;
}

interface Cell { i: number; j: number; v: number; fill: string; flagged: boolean }

export function heatmapChart(matrix: HeatmapMatrix, opts: HeatmapOptions, doc: Document = document): SVGSVGElement {
  const n = matrix.labels.length;
  const rowLabels = matrix.rowLabels ?? matrix.labels;
  const rows = rowLabels.length;
  if (matrix.values.length !== rows * n) throw new RangeError(`a ${rows} × ${n} heat map needs ${rows * n} values, got ${matrix.values.length}`);
  const domain = opts.domain ?? [-1, 1];
  const fmt = opts.formatValue ?? fixed2;
  const cell = opts.cell ?? Math.max(36, Math.min(64, Math.floor(352 / Math.max(1, n, rows))));
  const tick = (k: number) => matrix.labels[k];
  const rowTick = (k: number) => rowLabels[k];
  const longestTick = Math.max(1, ...rowLabels.map((l) => l.length));
  // Column labels longer than a cell are drawn slanted, under the matrix.
  const longestCol = Math.max(1, ...matrix.labels.map((l) => l.length));
  const slant = longestCol * 6 > cell - 4;
  const colLabelH = slant ? Math.ceil(Math.min(longestCol * 6, 160) * 0.72) : 0;
  const isFlagged = (i: number, j: number) => Boolean(opts.flagged?.cells[i * n + j]);
  let anyFlagged = false;
  for (let c = 0; c < rows * n && !anyFlagged; c++) anyFlagged = Boolean(opts.flagged?.cells[c]);
  const noteH = anyFlagged ? 16 : 0;
  const margin: Margin = { top: 44, right: LEGEND_GAP + LEGEND_W + 44, bottom: 44 + noteH + colLabelH, left: 30 + Math.ceil(Math.min(longestTick, 28) * 6) };
  const side = n * cell;
  const tall = rows * cell;
  const width = margin.left + side + margin.right;
  const height = margin.top + tall + margin.bottom;
  const frame = createFrame(doc, { kind: 'heatmap-chart', title: opts.title, description: opts.description, width, height, margin });

  const keys = matrix.labels.map((_, k) => String(k));
  const rowKeys = rowLabels.map((_, k) => String(k));
  const x = scaleBand<string>().domain(keys).range([0, side]).padding(0);
  const y = scaleBand<string>().domain(rowKeys).range([0, tall]).padding(0);
  drawBandAxes(frame, x, y, tick, rowTick, opts, margin, side, tall, slant, colLabelH);

  const cells: Cell[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < n; j++) {
      const v = Number(matrix.values[i * n + j]);
      cells.push({ i, j, v, fill: Number.isNaN(v) && opts.blankNaN ? '#fff' : heatmapColor(v, domain), flagged: isFlagged(i, j) });
    }
  }
  const describe = (c: Cell) => {
    const detail = opts.cellDetail?.(c.i, c.j);
    const value = Number.isNaN(c.v) && opts.blankNaN ? 'undefined' : fmt(c.v);
    return `${opts.rowName ?? opts.yLabel} ${rowLabels[c.i]}, ${opts.colName ?? opts.xLabel} ${matrix.labels[c.j]}: ${opts.legendLabel} ${value}${detail ? ` (${detail})` : ''}`;
  };
  const fontSize = Math.min(11, Math.max(8, Math.round(cell / 4)));
  const g = frame.marks.selectAll('g.cell').data(cells).join('g')
    .attr('class', (c) => (Number.isNaN(c.v) ? 'cell nan' : 'cell'))
    .attr('data-i', (c) => c.i).attr('data-j', (c) => c.j)
    .attr('transform', (c) => `translate(${x(String(c.j))},${y(String(c.i))})`);
  g.append('rect')
    .attr('width', cell).attr('height', cell)
    .attr('fill', (c) => c.fill)
    .attr('stroke', (c) => (Number.isNaN(c.v) && opts.blankNaN ? '#d0d0d0' : '#fff')).attr('stroke-width', 1)
    // Native tooltip: works without JS and in the exported SVG.
    .append('title').text(describe);
  const inset = 2.5;
  g.filter((c) => c.flagged).append('rect').attr('class', 'flag').attr('aria-hidden', 'true').attr('pointer-events', 'none')
    .attr('x', inset).attr('y', inset).attr('width', cell - 2 * inset).attr('height', cell - 2 * inset)
    .attr('fill', 'none').attr('stroke-width', 1.5).attr('stroke-dasharray', '4 3')
    .attr('stroke', (c) => (Number.isNaN(c.v) ? NAN_TEXT : textOn(c.fill)));
  g.append('text').attr('class', 'cell-label').attr('aria-hidden', 'true')
    .attr('x', cell / 2).attr('y', cell / 2).attr('dy', '0.35em')
    .attr('text-anchor', 'middle').attr('font-size', fontSize).attr('pointer-events', 'none')
    .attr('fill', (c) => (Number.isNaN(c.v) ? NAN_TEXT : textOn(c.fill)))
    .text((c) => (Number.isNaN(c.v) && opts.blankNaN ? '' : fmt(c.v)));

  drawLegend(frame, domain, tall, opts.legendLabel, side, opts.formatTick ?? fixedShort);
  if (anyFlagged) {
    const note = frame.plot.append('g').attr('class', 'flag-note').attr('aria-hidden', 'true')
      .attr('transform', `translate(${-margin.left + 8},${tall + margin.bottom - 16})`);
    note.append('rect').attr('width', 14).attr('height', 11).attr('fill', 'none').attr('stroke', TEXT).attr('stroke-width', 1.5).attr('stroke-dasharray', '4 3');
    note.append('text').attr('x', 20).attr('y', 5.5).attr('dy', '0.35em').attr('fill', TEXT).attr('font-size', 10).text(opts.flagged!.note);
  }

  const targets: TooltipTarget[] = cells.map((c) => ({ x: (x(String(c.j)) ?? 0) + cell / 2, y: (y(String(c.i)) ?? 0) + cell / 2, text: describe(c) }));
  attachTooltip(frame, targets, 'xy');
  // One row per cell, row by row: its row's and column's labels and its value.
  setChartData(frame.svg, () => ({
    header: [opts.rowName ?? opts.yLabel, opts.colName ?? opts.xLabel, opts.legendLabel],
    rows: cells.map((c) => [rowLabels[c.i], matrix.labels[c.j], c.v]),
  }));
  return frame.svg;
}

/** Band axes on the bottom and left, styled as frame.ts styles its axes (inline attributes, for the export). */
function drawBandAxes(
  frame: Frame, x: ScaleBand<string>, y: ScaleBand<string>, tick: (k: number) => string, rowTick: (k: number) => string,
  opts: HeatmapOptions, margin: Margin, side: number, tall: number, slant: boolean, colLabelH: number,
): void {
  const { plot } = frame;
  const gx = plot.insert('g', '.overlay').attr('class', 'axis x-axis').attr('transform', `translate(0,${tall})`)
    .call(axisBottom(x).tickSizeOuter(0).tickFormat((d) => tick(Number(d))));
  if (slant) gx.selectAll('.tick text').attr('text-anchor', 'end').attr('transform', 'rotate(-40)').attr('dx', '-0.4em').attr('dy', '0.6em');
  const gy = plot.insert('g', '.overlay').attr('class', 'axis y-axis')
    .call(axisLeft(y).tickSizeOuter(0).tickFormat((d) => rowTick(Number(d))));
  for (const a of [gx, gy]) {
    a.attr('font-family', FONT).attr('font-size', 10).attr('pointer-events', 'none');
    a.selectAll('text').attr('fill', TEXT);
    a.selectAll('line, path').attr('stroke', AXIS);
  }
  plot.insert('text', '.overlay').attr('class', 'axis-label x-label').attr('aria-hidden', 'true')
    .attr('x', side / 2).attr('y', tall + 34 + colLabelH).attr('text-anchor', 'middle').attr('fill', TEXT).text(opts.xLabel);
  plot.insert('text', '.overlay').attr('class', 'axis-label y-label').attr('aria-hidden', 'true')
    .attr('transform', 'rotate(-90)').attr('x', -tall / 2).attr('y', -margin.left + 12)
    .attr('text-anchor', 'middle').attr('fill', TEXT).text(opts.yLabel);
}

/** A vertical colour bar right of the matrix, high values on top, with ticks at the ends, midpoint and quarters. */
function drawLegend(frame: Frame, domain: [number, number], side: number, label: string, left: number, formatTick: (v: number) => string): void {
  const [lo, hi] = domain;
  const legend = frame.plot.append('g').attr('class', 'legend').attr('aria-hidden', 'true').attr('transform', `translate(${left + LEGEND_GAP},0)`);
  const ly = scaleLinear().domain([lo, hi]).range([side, 0]);
  const step = side / LEGEND_STEPS;
  // Stacked rects rather than a gradient: identical in the page, the SVG export and the PNG export.
  legend.selectAll('rect.swatch').data(Array.from({ length: LEGEND_STEPS }, (_, s) => s)).join('rect')
    .attr('class', 'swatch')
    .attr('x', 0).attr('y', (s) => side - (s + 1) * step).attr('width', LEGEND_W).attr('height', step + 0.5)
    .attr('fill', (s) => heatmapColor(lo + ((s + 0.5) / LEGEND_STEPS) * (hi - lo), domain));
  legend.append('rect').attr('width', LEGEND_W).attr('height', side).attr('fill', 'none').attr('stroke', AXIS);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + f * (hi - lo));
  const ta = legend.append('g').attr('class', 'legend-ticks').attr('font-size', 10).attr('fill', TEXT);
  for (const t of ticks) {
    ta.append('line').attr('x1', LEGEND_W).attr('x2', LEGEND_W + 4).attr('y1', ly(t)).attr('y2', ly(t)).attr('stroke', AXIS);
    ta.append('text').attr('x', LEGEND_W + 6).attr('y', ly(t)).attr('dy', '0.35em').text(formatTick(t));
  }
  legend.append('text').attr('x', LEGEND_W / 2).attr('y', -8).attr('text-anchor', 'middle').attr('font-size', 10).attr('fill', TEXT).text(label);
}

/** Legend numbers: as short as they can be (1, 0.5, −0.5). */
function fixedShort(v: number): string {
  const s = String(Number(Math.abs(v).toFixed(2)));
  return v < 0 ? `−${s}` : s;
}
