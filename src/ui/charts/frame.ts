// Shared scaffolding for the pure d3 chart functions (lineChart, barChart).
//
// Every chart is built on a detached <svg> with d3, and every visual property is written as an
// inline presentation attribute (never CSS classes or `currentColor`): the export path serializes
// the SVG and draws it onto a canvas, where page stylesheets do not apply.
import { axisBottom, axisLeft, format, pointer, select, type ScaleLogarithmic } from 'd3';
import type { AxisDomain, AxisScale, ScaleContinuousNumeric, Selection } from 'd3';

export const SVG_NS = 'http://www.w3.org/2000/svg';
export const FONT = 'system-ui, sans-serif';
/** Text colour: #222 on white is ~15.9:1, well above WCAG AA. */
export const TEXT = '#222';
/** Axis lines/ticks: #555 on white is ~7.5:1 (non-text contrast needs 3:1). */
export const AXIS = '#555';
const GRID = '#e6e6e6';
/** Rough average glyph width at 11px; jsdom (and detached nodes) cannot measure text. */
export const CHAR_W = 6.2;

export type G = Selection<SVGGElement, unknown, null, undefined>;
export interface Margin { top: number; right: number; bottom: number; left: number }

export interface Frame {
  svg: SVGSVGElement;
  root: Selection<SVGSVGElement, unknown, null, undefined>;
  /** Plot area, translated by the margins; axes live here. */
  plot: G;
  /** Layer for data marks, above the pointer overlay so marks keep their native <title> tooltips. */
  marks: G;
  tooltip: G;
  innerWidth: number;
  innerHeight: number;
}

let idCounter = 0;
/** aria-labelledby resolves by id, and several charts share one page, so ids must never repeat. */
export function nextId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

export interface FrameSpec { kind: string; title: string; description: string; width: number; height: number; margin: Margin }

export function createFrame(doc: Document, spec: FrameSpec): Frame {
  const { width, height, margin } = spec;
  const titleId = nextId(`${spec.kind}-title`);
  const descId = nextId(`${spec.kind}-desc`);
  const svg = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  // Children are appended by d3, which creates them in the svg's own ownerDocument and namespace.
  const root = select(svg)
    .attr('xmlns', SVG_NS)
    .attr('class', `chart ${spec.kind}`)
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'img')
    .attr('aria-labelledby', `${titleId} ${descId}`)
    .attr('font-family', FONT)
    .attr('font-size', 11);
  root.append('title').attr('id', titleId).text(spec.title);
  root.append('desc').attr('id', descId).text(spec.description);
  // Opaque background: a canvas is transparent, and the exported PNG must keep the contrast.
  root.append('rect').attr('class', 'background').attr('width', width).attr('height', height).attr('fill', '#fff');
  root.append('text').attr('class', 'chart-title').attr('aria-hidden', 'true')
    .attr('x', 8).attr('y', 17).attr('font-size', 13).attr('font-weight', 600).attr('fill', TEXT)
    .text(spec.title);

  const innerWidth = Math.max(1, width - margin.left - margin.right);
  const innerHeight = Math.max(1, height - margin.top - margin.bottom);
  const plot = root.append('g').attr('class', 'plot').attr('transform', `translate(${margin.left},${margin.top})`);
  // Transparent hit area for the interactive tooltip. It sits *below* the marks: pointer events on
  // marks and on empty space both bubble to `plot`, where the tooltip listener lives.
  plot.append('rect').attr('class', 'overlay').attr('width', innerWidth).attr('height', innerHeight)
    .attr('fill', 'none').attr('pointer-events', 'all');
  const marks = plot.append('g').attr('class', 'marks');
  // An invisible rect over the whole chart, painted first among the marks: marks that follow a slider (the
  // highlight, markers, redrawn series) then never change the painted extent of their group. Chromium re-lays out
  // its compositing for the whole page when a painted extent changes; with a fixed one a move repaints only.
  marks.append('rect').attr('class', 'extent').attr('x', -margin.left).attr('y', -margin.top).attr('width', width).attr('height', height)
    .attr('fill', '#fff').attr('fill-opacity', 0).attr('pointer-events', 'none').attr('aria-hidden', 'true');
  const tooltip = plot.append('g').attr('class', 'tooltip').attr('visibility', 'hidden').attr('pointer-events', 'none');
  tooltip.append('rect').attr('rx', 3).attr('height', 18).attr('fill', '#fff').attr('stroke', AXIS).attr('fill-opacity', 0.95);
  tooltip.append('text').attr('x', 5).attr('y', 13).attr('fill', TEXT).attr('font-size', 11);
  return { svg, root, plot, marks, tooltip, innerWidth, innerHeight };
}

export interface AxesSpec<X extends AxisDomain> {
  x: AxisScale<X>;
  y: ScaleContinuousNumeric<number, number>;
  xLabel: string;
  yLabel: string;
  margin: Margin;
  xTickValues?: X[];
  xTickFormat?: (d: X) => string;
  /** Rotate x tick labels (long category names) so they do not overlap. */
  rotateXTicks?: boolean;
}

function isLog(scale: unknown): boolean {
  return typeof (scale as { base?: unknown }).base === 'function';
}

const plainLog = format('~g');
/** A log-axis label: 0.001 … 10000 as plain numbers, beyond that as 1eK. */
export function compactLog(v: number): string {
  return v >= 1e-3 && v < 1e5 ? plainLog(v) : `1e${Math.round(Math.log10(v))}`;
}

/** d3's log-scale tickFormat thins crowded labels; it takes a formatting function at run time (its types say string). */
function logTickFormat(scale: unknown, count: number, f: (v: number) => string): (v: number) => string {
  return (scale as ScaleLogarithmic<number, number>).tickFormat(count, f as unknown as string);
}

/** Axes, horizontal grid lines and axis titles. d3-axis writes `currentColor`/`sans-serif`; we override them. */
export function drawAxes<X extends AxisDomain>(frame: Frame, spec: AxesSpec<X>): void {
  const { plot, innerWidth, innerHeight } = frame;
  const yTicks = Math.max(2, Math.round(innerHeight / 40));
  const grid = plot.insert('g', '.overlay').attr('class', 'grid').attr('pointer-events', 'none');
  grid.selectAll('line').data(spec.y.ticks(yTicks)).join('line')
    .attr('x1', 0).attr('x2', innerWidth).attr('y1', (d) => spec.y(d)).attr('y2', (d) => spec.y(d))
    .attr('stroke', GRID);

  const xAxis = axisBottom(spec.x).tickSizeOuter(0);
  // About one tick per 50px; band scales ignore the count and tick every category. Log scales label in
  // plain numbers (1e-4, 0.01, 100), not SI prefixes, which read as units ("100m").
  const xCount = Math.max(2, Math.round(innerWidth / 50));
  xAxis.ticks(xCount, isLog(spec.x) ? '~g' : undefined);
  if (spec.xTickValues) xAxis.tickValues(spec.xTickValues);
  // On a log axis a caller's format still goes through the scale's own thinning (labels at 1, 2, 5 × 10ᵏ when
  // crowded), so 50 60 70 80 90 100 do not run together.
  if (spec.xTickFormat) {
    const f = spec.xTickFormat;
    xAxis.tickFormat(isLog(spec.x) && !spec.xTickValues ? (logTickFormat(spec.x, xCount, f as unknown as (v: number) => string) as unknown as typeof f) : f);
  }
  const gx = plot.insert('g', '.overlay').attr('class', 'axis x-axis').attr('transform', `translate(0,${innerHeight})`).call(xAxis);
  if (spec.rotateXTicks) {
    gx.selectAll('.tick text').attr('text-anchor', 'end').attr('dx', '-0.4em').attr('dy', '0.4em').attr('transform', 'rotate(-35)');
  }
  const yAxis = axisLeft(spec.y).ticks(yTicks).tickSizeOuter(0);
  // Log y: plain numbers where they are short, powers of ten (1e-6, 1e6) where they are not, so a wide range's
  // labels fit the margin; thinned by the scale as d3 does.
  if (isLog(spec.y)) {
    const label = logTickFormat(spec.y, yTicks, compactLog);
    yAxis.tickFormat((v) => label(Number(v)));
  }
  const gy = plot.insert('g', '.overlay').attr('class', 'axis y-axis').call(yAxis);
  for (const g of [gx, gy]) {
    g.attr('font-family', FONT).attr('font-size', 10).attr('pointer-events', 'none');
    g.selectAll('text').attr('fill', TEXT);
    g.selectAll('line, path').attr('stroke', AXIS);
  }

  plot.insert('text', '.overlay').attr('class', 'axis-label x-label').attr('aria-hidden', 'true')
    .attr('x', innerWidth / 2).attr('y', innerHeight + spec.margin.bottom - 6)
    .attr('text-anchor', 'middle').attr('fill', TEXT).text(spec.xLabel);
  plot.insert('text', '.overlay').attr('class', 'axis-label y-label').attr('aria-hidden', 'true')
    .attr('transform', 'rotate(-90)').attr('x', -innerHeight / 2).attr('y', -spec.margin.left + 12)
    .attr('text-anchor', 'middle').attr('fill', TEXT).text(spec.yLabel);
}

export interface TooltipTarget { x: number; y: number; text: string }

/**
 * Interactive tooltip: on pointermove over the plot, show a text box next to the nearest target
 * ('xy': Euclidean distance, for points; 'x': horizontal distance, for bars). Pure DOM, no React.
 */
export function attachTooltip(frame: Frame, targets: TooltipTarget[], mode: 'xy' | 'x'): void {
  const { plot, tooltip, innerWidth, innerHeight } = frame;
  const node = plot.node();
  if (!node || targets.length === 0) return;
  plot
    .on('pointermove', (event: PointerEvent) => {
      const [px, py] = pointer(event, node);
      let best = targets[0];
      let bestD = Infinity;
      for (const t of targets) {
        const d = mode === 'x' ? Math.abs(t.x - px) : Math.hypot(t.x - px, t.y - py);
        if (d < bestD) { bestD = d; best = t; }
      }
      showTooltip(tooltip, best, innerWidth, innerHeight);
    })
    .on('pointerleave', () => { tooltip.attr('visibility', 'hidden'); });
}

function showTooltip(tooltip: G, t: TooltipTarget, innerWidth: number, innerHeight: number): void {
  const w = Math.ceil(t.text.length * CHAR_W) + 10;
  const h = 18;
  // Prefer above-right of the target; flip when that would leave the plot area.
  let tx = t.x + 8;
  if (tx + w > innerWidth) tx = t.x - 8 - w;
  tx = Math.max(0, tx);
  let ty = t.y - h - 6;
  if (ty < 0) ty = Math.min(t.y + 6, innerHeight - h);
  tooltip.attr('transform', `translate(${tx},${ty})`).attr('visibility', 'visible');
  tooltip.select('rect').attr('width', w);
  tooltip.select('text').text(t.text);
}

/** Default number format for tooltips: up to 4 significant digits, no trailing zeros. */
export const defaultFormat = format('.4~g');

/** Formats a value for a tooltip; non-finite values get a symbol instead of "NaN"/"Infinity". */
export function formatValue(v: number, fmt: (v: number) => string): string {
  if (Number.isNaN(v)) return 'n/a';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  return fmt(v);
}

/** Pixel position of y; ±∞ is clipped to the top/bottom of the domain so no attribute becomes NaN. */
export function clipY(v: number, y: ScaleContinuousNumeric<number, number>): number {
  const [a, b] = y.domain();
  if (v === Infinity) return y(Math.max(a, b));
  if (v === -Infinity) return y(Math.min(a, b));
  return y(v);
}

/** Extent of the finite values, padded when degenerate so scales never divide by zero. */
export function finiteExtent(values: number[], fallback: [number, number] = [0, 1]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return fallback;
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  return [lo, hi];
}
