// Pure bar chart: (bars, options, doc) → detached <svg>. React only mounts the result.
//
// Bars grow from y = 0 (clamped into the domain), so with the default domain heights are
// proportional to values. Non-finite values, as in lineChart: ±Infinity is clipped to the edge of
// the domain and labelled "∞" / "−∞"; NaN draws a zero-height bar whose tooltip says "n/a". With a logarithmic y
// axis bars grow from the bottom of the domain, and a value ≤ 0 (no position on it) draws like NaN.
import { scaleBand, scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3';
import { attachTooltip, clipY, createFrame, defaultFormat, drawAxes, finiteExtent, formatValue, CHAR_W, TEXT } from './frame';
import type { Frame, Margin, TooltipTarget } from './frame';
import { setChartData } from './chartData';

export interface Bar { key: string; label: string; value: number; highlighted?: boolean }

export interface BarChartOptions {
  /** Rendered as <title> (screen readers) and drawn on top of the chart. */
  title: string;
  /** Rendered as <desc> for screen readers. */
  description: string;
  /** Axis labels, with units. */
  xLabel: string;
  yLabel: string;
  /** Default 360 × 240. */
  width?: number;
  height?: number;
  /** Default: [min(0, values), max(0, values)], niced; with yLog [half the smallest positive value, the largest], niced. */
  yDomain?: [number, number];
  /** Logarithmic y axis (values spanning decades); bars then start at the bottom of the domain. */
  yLog?: boolean;
  /** Keys of the bars whose category is labelled on the x axis (default: every bar). */
  xTickKeys?: string[];
  /** Formats values in tooltips and the highlighted bar's label (default: 4 significant digits). */
  formatValue?: (v: number) => string;
}

// Plain bars: light fill with a 4.2:1 outline (non-text contrast); highlighted: a stronger, darker
// blue (6.8:1) so it stands out without relying on hue alone.
const FILL = '#a9c1dc';
const STROKE = '#5b7fa6';
const FILL_HIGHLIGHT = '#2c5d8f';
const STROKE_HIGHLIGHT = '#1b3a5a';

interface Drawn { bar: Bar; x: number; y: number; w: number; h: number; top: number }

export function barChart(bars: Bar[], opts: BarChartOptions, doc: Document = document): SVGSVGElement {
  const width = opts.width ?? 360;
  const height = opts.height ?? 240;
  const fmt = opts.formatValue ?? defaultFormat;

  const x = scaleBand<string>().domain(bars.map((b) => b.key)).padding(0.2);
  // Rotate category labels when they would not fit their band; rotated labels need a taller margin.
  const ticked = opts.xTickKeys ? new Set(opts.xTickKeys) : null;
  const tickBars = ticked ? bars.filter((b) => ticked.has(b.key)) : bars;
  const longest = Math.max(0, ...tickBars.map((b) => b.label.length)) * CHAR_W;
  const roughBand = ((width - 64) / Math.max(1, tickBars.length)) * 0.8;
  const rotate = longest > roughBand;
  const margin: Margin = { top: 30, right: 12, bottom: rotate ? 40 + Math.min(60, longest * 0.6) : 40, left: 52 };
  const frame = createFrame(doc, { kind: 'bar-chart', title: opts.title, description: opts.description, width, height, margin });
  x.range([0, frame.innerWidth]);

  // Log y: half the smallest value below the bars, so the shortest one still shows.
  const positive = bars.map((b) => b.value).filter((v) => v > 0 && v < Infinity);
  const logExtent = (): [number, number] => (positive.length ? [Math.min(...positive) / 2, Math.max(...positive)] : [1e-3, 1]);
  const y: ScaleContinuousNumeric<number, number> = (opts.yLog ? scaleLog() : scaleLinear())
    .domain(opts.yDomain ?? (opts.yLog ? logExtent() : finiteExtent([0, ...bars.map((b) => b.value)])))
    .range([frame.innerHeight, 0]);
  if (!opts.yDomain) y.nice();
  const labels = new Map(bars.map((b) => [b.key, b.label]));
  drawAxes(frame, {
    x, y, xLabel: opts.xLabel, yLabel: opts.yLabel, margin, rotateXTicks: rotate, xTickValues: opts.xTickKeys,
    xTickFormat: (k: string) => labels.get(k) ?? k,
  });

  const [d0, d1] = y.domain();
  const base = opts.yLog ? frame.innerHeight : y(Math.min(Math.max(0, Math.min(d0, d1)), Math.max(d0, d1)));
  const drawn: Drawn[] = bars.map((bar) => {
    const py = Number.isNaN(bar.value) || (opts.yLog && bar.value <= 0) ? base : clipY(bar.value, y);
    return { bar, x: x(bar.key) ?? 0, w: x.bandwidth(), y: Math.min(py, base), h: Math.abs(base - py), top: py };
  });
  const describe = (b: Bar) => `${b.label}: ${formatValue(b.value, fmt)}`;

  frame.marks.selectAll('rect.bar').data(drawn).join('rect')
    .attr('class', 'bar')
    .attr('data-key', (d) => d.bar.key)
    .attr('x', (d) => d.x).attr('y', (d) => d.y).attr('width', (d) => d.w).attr('height', (d) => d.h)
    .attr('stroke-width', 1)
    // Native tooltip: works without JS and in the exported SVG.
    .append('title').text((d) => describe(d.bar));
  const handle: BarHandle = { frame, drawn, fmt, base };
  styleHighlight(handle);

  const targets: TooltipTarget[] = drawn.map((d) => ({ x: d.x + d.w / 2, y: d.top, text: describe(d.bar) }));
  attachTooltip(frame, targets, 'x');
  barHandles.set(frame.svg, handle);
  setChartData(frame.svg, () => ({ header: [opts.xLabel, opts.yLabel], rows: bars.map((b) => [b.label, b.value]) }));
  return frame.svg;
}

interface BarHandle { frame: Frame; drawn: Drawn[]; fmt: (v: number) => string; base: number }
const barHandles = new WeakMap<SVGSVGElement, BarHandle>();

/** Fill, outline and value label of the highlighted bars (and labels of clipped infinite ones). */
function styleHighlight({ frame, drawn, fmt, base }: BarHandle): void {
  frame.marks.selectAll<SVGRectElement, Drawn>('rect.bar').data(drawn)
    .attr('class', (d) => (d.bar.highlighted ? 'bar highlight' : 'bar'))
    .attr('fill', (d) => (d.bar.highlighted ? FILL_HIGHLIGHT : FILL))
    .attr('stroke', (d) => (d.bar.highlighted ? STROKE_HIGHLIGHT : STROKE));
  // Text labels for the highlighted bars (the one the user selected) and for clipped infinite ones.
  const labelled = drawn.filter((d) => d.bar.highlighted || Math.abs(d.bar.value) === Infinity);
  frame.marks.selectAll('text.value-label').data(labelled).join('text')
    .attr('class', 'value-label').attr('aria-hidden', 'true')
    .attr('x', (d) => d.x + d.w / 2)
    .attr('y', (d) => (d.top <= base ? d.top - 4 : d.top + 12))
    .attr('text-anchor', 'middle').attr('fill', TEXT).attr('font-size', 10)
    .text((d) => formatValue(d.bar.value, fmt));
}

/**
 * Re-marks which bars are highlighted on a chart barChart built (fill, outline, class, value label), without
 * rebuilding it, and optionally replaces its <desc> text. Returns false when the svg was not built by barChart.
 */
export function updateBarChart(svg: SVGSVGElement, change: { highlightedKeys: string[]; description?: string }): boolean {
  const h = barHandles.get(svg);
  if (!h) return false;
  const keys = new Set(change.highlightedKeys);
  if (h.drawn.every((d) => !!d.bar.highlighted === keys.has(d.bar.key)) && change.description === undefined) return true;
  h.drawn = h.drawn.map((d) => ({ ...d, bar: { ...d.bar, highlighted: keys.has(d.bar.key) } }));
  styleHighlight(h);
  if (change.description !== undefined) h.frame.root.select('desc').text(change.description);
  return true;
}
