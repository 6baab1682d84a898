// Pure line chart: (series, options, doc) → detached <svg>. React only mounts the result.
//
// Non-finite values (documented behaviour):
//  - y = +Infinity / -Infinity (e.g. PSNR of a lossless reconstruction) is drawn as a marker clipped
//    to the top / bottom of the y domain, labelled "∞" / "−∞", and its tooltip says "∞". The line
//    itself breaks there (it is not drawn towards the clipped marker, which would fake a slope).
//  - y = NaN, or a non-finite x, has no position at all: the point is skipped (a gap in the line).
// The automatic y domain uses only finite values.
import { least, line, scaleLinear, select, scaleLog, schemeTableau10, format, type ScaleContinuousNumeric } from 'd3';
import { attachTooltip, clipY, createFrame, defaultFormat, drawAxes, finiteExtent, formatValue, CHAR_W, TEXT } from './frame';
import type { Frame, Margin, TooltipTarget } from './frame';
import type { Selection } from 'd3';
import { setChartData } from './chartData';

export interface Series { id: string; label: string; points: { x: number; y: number }[]; color?: string }

export interface LineChartOptions {
  /** Rendered as <title> (screen readers) and drawn on top of the chart. */
  title: string;
  /** Rendered as <desc> for screen readers. */
  description: string;
  /** Axis labels, with units, e.g. 'bits per channel k', 'PSNR (dB)'. */
  xLabel: string;
  yLabel: string;
  /** Default 360 × 240. */
  width?: number;
  height?: number;
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Logarithmic axes (spectra): points with a non-positive coordinate are left out. */
  xLog?: boolean;
  yLog?: boolean;
  /** Explicit x tick values (e.g. the integers 1..8). */
  xTicks?: number[];
  /** Marks the point of `seriesId` whose x is nearest to `x` (class 'highlight', data-x = that point's x). */
  highlight?: { seriesId: string; x: number };
  /** Formats y in tooltips (default: 4 significant digits). */
  formatY?: (y: number) => string;
  /** Vertical reference lines (e.g. the steps where an ordering breaks continuity). */
  markers?: { x: number; label?: string }[];
}

/** Above this many points a series is drawn as a line only: hundreds of circles add nothing but weight. */
const MAX_MARKED_POINTS = 40;

interface Drawn { x: number; y: number; px: number; py: number; infinite: boolean }
interface LegendItem { id: string; label: string; color: string; x: number; row: number }

const formatX = format('~g');
const LEGEND_TOP = 30;
const LEGEND_ROW = 16;

export function lineChart(series: Series[], opts: LineChartOptions, doc: Document = document): SVGSVGElement {
  const width = opts.width ?? 360;
  const height = opts.height ?? 240;
  const fmtY = opts.formatY ?? defaultFormat;
  const colors = series.map((s, i) => s.color ?? schemeTableau10[i % schemeTableau10.length]);
  const legend = series.length > 1 ? layoutLegend(series.map((s, i) => ({ id: s.id, label: s.label, color: colors[i] })), width) : [];
  const legendRows = legend.length > 0 ? Math.max(...legend.map((l) => l.row)) + 1 : 0;
  const margin: Margin = { top: 30 + legendRows * LEGEND_ROW, right: 16, bottom: 40, left: 52 };
  const frame = createFrame(doc, { kind: 'line-chart', title: opts.title, description: opts.description, width, height, margin });

  const usable = usableOn(opts);
  series = series.map((s) => ({ ...s, points: s.points.filter(usable) }));
  const all = series.flatMap((s) => s.points);
  // A log axis needs a positive domain even when no point survives (e.g. a curve that is zero everywhere).
  const x: ScaleContinuousNumeric<number, number> = (opts.xLog ? scaleLog() : scaleLinear())
    .domain(opts.xDomain ?? finiteExtent([...all.map((p) => p.x), ...(opts.xTicks ?? [])], opts.xLog ? [1, 10] : undefined))
    .range([0, frame.innerWidth]);
  const y: ScaleContinuousNumeric<number, number> = (opts.yLog ? scaleLog() : scaleLinear())
    .domain(opts.yDomain ?? niceYDomain(all, opts.yLog))
    .range([frame.innerHeight, 0]);
  drawAxes(frame, { x, y, xLabel: opts.xLabel, yLabel: opts.yLabel, margin, xTickValues: opts.xTicks, xTickFormat: formatX });

  if (opts.markers) drawMarkers(frame, opts.markers, x);
  const targets: TooltipTarget[] = [];
  const drawn = series.map((s, i) => {
    const pts = drawnPoints(s, x, y);
    drawSeries(frame.marks.append('g').attr('class', 'series').attr('data-series', s.id).attr('data-color', colors[i]), s, pts, colors[i], fmtY);
    return pts;
  });
  collectTargets(targets, series, drawn, fmtY);

  const handle: LineHandle = { frame, x, y, usable, series, drawn, colors, fmtY, targets };
  if (opts.highlight) drawHighlight(handle, opts.highlight);
  if (legend.length > 0) drawLegend(frame, legend);
  attachTooltip(frame, targets, 'xy');
  lineHandles.set(frame.svg, handle);
  // One row per drawn point, series after series; the handle's series follow updateLineChart.
  setChartData(frame.svg, () => ({
    header: ['series', opts.xLabel, opts.yLabel],
    rows: handle.series.flatMap((s) => s.points.map((p) => [s.label, p.x, p.y])),
  }));
  return frame.svg;
}

/** Whether a point can be drawn on the chart's axes (a log axis takes positive values only). */
const usableOn = (opts: Pick<LineChartOptions, 'xLog' | 'yLog'>) => (p: { x: number; y: number }) => (!opts.xLog || p.x > 0) && (!opts.yLog || p.y > 0);

/** The finite extent of the points' y, widened to round values (d3's nice): the y-axis a chart gets without yDomain. */
function niceYDomain(points: { y: number }[], yLog = false): [number, number] {
  const y = (yLog ? scaleLog() : scaleLinear()).domain(finiteExtent(points.map((p) => p.y), yLog ? [1e-3, 1] : undefined));
  return y.nice().domain() as [number, number];
}

/**
 * The y-axis lineChart would give all of these series together: build a chart with it as `yDomain` to hold every
 * member of a family of curves, whose lines a slider then moves in place (updateLineChart's `series`).
 */
export function lineChartYDomain(series: Series[], opts: Pick<LineChartOptions, 'xLog' | 'yLog'> = {}): [number, number] {
  const usable = usableOn(opts);
  return niceYDomain(series.flatMap((s) => s.points.filter(usable)), opts.yLog);
}

/** What a built chart keeps to move its "current" marks later (see updateLineChart). */
interface LineHandle {
  frame: Frame;
  x: ScaleContinuousNumeric<number, number>;
  y: ScaleContinuousNumeric<number, number>;
  usable: (p: { x: number; y: number }) => boolean;
  series: Series[];
  drawn: Drawn[][];
  colors: string[];
  fmtY: (y: number) => string;
  /** The tooltip's targets (the array its listener reads). */
  targets: TooltipTarget[];
}
const lineHandles = new WeakMap<SVGSVGElement, LineHandle>();

/**
 * Moves the marks that follow a slider on a chart lineChart built, without rebuilding it: the highlight (built
 * with the `highlight` option) to the point of its series nearest to `highlightX`, exactly as the option places
 * it; the vertical markers (built with the `markers` option, possibly empty) to `markers`; the <desc> text.
 * A dragged slider then changes a few attributes instead of rebuilding and repainting the whole chart.
 * Returns false when the svg was not built by lineChart.
 */
export function updateLineChart(
  svg: SVGSVGElement,
  change: { highlightX?: number; markers?: { x: number; label?: string }[]; description?: string; series?: Series[] },
): boolean {
  const h = lineHandles.get(svg);
  if (!h) return false;
  if (change.series) {
    // New values for series already drawn (matched by id), on the axes as built: lines, points, ∞ labels,
    // tooltips and the highlight follow; the axes do not (build such a chart with a fixed yDomain).
    for (const s of change.series) {
      const i = h.series.findIndex((o) => o.id === s.id);
      if (i < 0) continue;
      const kept = { ...s, points: s.points.filter(h.usable) };
      h.series[i] = kept;
      h.drawn[i] = drawnPoints(kept, h.x, h.y);
      const group = [...h.frame.svg.querySelectorAll<SVGGElement>('g.series')].find((g) => g.getAttribute('data-series') === s.id);
      if (group) drawSeries(select(group), kept, h.drawn[i], h.colors[i], h.fmtY);
    }
    h.targets.length = 0;
    collectTargets(h.targets, h.series, h.drawn, h.fmtY);
    const circle = h.frame.marks.select<SVGCircleElement>('circle.highlight');
    if (!circle.empty()) {
      drawHighlight(h, { seriesId: circle.attr('data-series'), x: change.highlightX ?? Number(circle.attr('data-x')) }, true);
    }
  }
  if (change.highlightX !== undefined) {
    const circle = h.frame.marks.select<SVGCircleElement>('circle.highlight');
    if (!circle.empty()) drawHighlight(h, { seriesId: circle.attr('data-series'), x: change.highlightX });
  }
  if (change.markers) drawMarkers(h.frame, change.markers, h.x);
  if (change.description !== undefined) h.frame.root.select('desc').text(change.description);
  return true;
}

/** The points of a series that have a position (finite x, y not NaN), in pixels; ±∞ clipped to the edges. */
function drawnPoints(s: Series, x: ScaleContinuousNumeric<number, number>, y: ScaleContinuousNumeric<number, number>): Drawn[] {
  return s.points
    .filter((p) => Number.isFinite(p.x) && !Number.isNaN(p.y))
    .map((p) => ({ x: p.x, y: p.y, px: x(p.x), py: clipY(p.y, y), infinite: !Number.isFinite(p.y) }));
}

/** A series' line, its points (short series only) and ∞ labels, in its group: drawn, or redrawn in place. */
function drawSeries(g: Selection<SVGGElement, unknown, null, undefined>, s: Series, pts: Drawn[], color: string, fmtY: (y: number) => string): void {
  const describe = (p: Drawn) => `${s.label}: ${formatX(p.x)} → ${formatValue(p.y, fmtY)}`;
  const d = line<Drawn>().defined((p) => !p.infinite).x((p) => p.px).y((p) => p.py)(pts) ?? '';
  let path = g.select<SVGPathElement>('path.line');
  if (path.empty()) {
    path = g.append('path').attr('class', 'line').attr('d', d)
      .attr('fill', 'none').attr('stroke', color).attr('stroke-width', 2)
      .attr('stroke-linejoin', 'round').attr('pointer-events', 'none');
  } else path.attr('d', d);
  g.selectAll<SVGCircleElement, Drawn>('circle.point').data(pts.length <= MAX_MARKED_POINTS ? pts : []).join((enter) => {
    const c = enter.append('circle').attr('class', 'point');
    c.append('title'); // native tooltip: works without JS and in the exported SVG
    return c;
  })
    .attr('cx', (p) => p.px).attr('cy', (p) => p.py).attr('r', 3.5)
    .attr('fill', color).attr('stroke', '#fff').attr('stroke-width', 1)
    .attr('data-x', (p) => p.x).attr('data-y', (p) => p.y)
    .select('title').text(describe);
  g.selectAll('text.infinite-label').data(pts.filter((p) => p.infinite)).join('text')
    .attr('class', 'infinite-label').attr('x', (p) => p.px + 6).attr('y', (p) => p.py + 4)
    .attr('fill', TEXT).attr('font-size', 12).text((p) => (p.y > 0 ? '∞' : '−∞'));
}

function collectTargets(targets: TooltipTarget[], series: Series[], drawn: Drawn[][], fmtY: (y: number) => string): void {
  series.forEach((s, i) => {
    for (const p of drawn[i]) targets.push({ x: p.px, y: p.py, text: `${s.label}: ${formatX(p.x)} → ${formatValue(p.y, fmtY)}` });
  });
}

function drawMarkers(frame: Frame, markers: { x: number; label?: string }[], x: ScaleContinuousNumeric<number, number>): void {
  // The group sits under the series (first child of the plot's marks), so lines are drawn over it.
  let g = frame.marks.select<SVGGElement>('g.markers');
  if (g.empty()) g = frame.marks.insert('g', ':first-child').attr('class', 'markers').attr('pointer-events', 'none');
  g.selectAll('line.marker').data(markers.filter((m) => Number.isFinite(m.x) && Number.isFinite(x(m.x)))).join('line')
    .attr('class', 'marker').attr('x1', (d) => x(d.x)).attr('x2', (d) => x(d.x))
    .attr('y1', 0).attr('y2', frame.innerHeight)
    .attr('stroke', '#b04a2f').attr('stroke-opacity', 0.35).attr('stroke-dasharray', '3,3');
}

/** Draws the highlight circle, or moves the one already drawn, onto the point of the series nearest to h.x. */
function drawHighlight({ frame, series, drawn, colors, fmtY }: LineHandle, h: { seriesId: string; x: number }, redraw = false): void {
  const i = series.findIndex((s) => s.id === h.seriesId);
  if (i < 0) return;
  // Nearest rather than exact x, so float round-off in callers (0.1 + 0.2) still finds the point.
  const p = least(drawn[i], (d) => Math.abs(d.x - h.x));
  if (!p) return;
  let circle = frame.marks.select<SVGCircleElement>('circle.highlight');
  if (circle.empty()) {
    circle = frame.marks.append('circle')
      .attr('class', 'highlight').attr('data-series', h.seriesId).attr('r', 7)
      .attr('fill', 'none').attr('stroke', colors[i]).attr('stroke-width', 2.5);
    circle.append('title');
  } else if (!redraw && circle.attr('data-x') === String(p.x)) return;
  circle.attr('data-x', p.x).attr('cx', p.px).attr('cy', p.py);
  circle.select('title').text(`${series[i].label}: ${formatX(p.x)} → ${formatValue(p.y, fmtY)} (selected)`);
}

/** Left-to-right legend under the title, wrapping to a new row when an item would overflow. */
function layoutLegend(entries: { id: string; label: string; color: string }[], width: number): LegendItem[] {
  const items: LegendItem[] = [];
  let x = 8;
  let row = 0;
  for (const e of entries) {
    const w = 22 + e.label.length * CHAR_W + 14;
    if (x + w > width - 8 && x > 8) { x = 8; row += 1; }
    items.push({ ...e, x, row });
    x += w;
  }
  return items;
}

function drawLegend(frame: Frame, items: LegendItem[]): void {
  // aria-hidden: the svg is role="img"; its <title>/<desc> carry the accessible text.
  const g = frame.root.append('g').attr('class', 'legend').attr('aria-hidden', 'true');
  const item = g.selectAll('g.legend-item').data(items).join('g')
    .attr('class', 'legend-item').attr('data-series', (d) => d.id).attr('transform', (d) => `translate(${d.x},${LEGEND_TOP + d.row * LEGEND_ROW})`);
  item.append('line').attr('x1', 0).attr('x2', 16).attr('y1', 0).attr('y2', 0).attr('stroke', (d) => d.color).attr('stroke-width', 2);
  item.append('circle').attr('cx', 8).attr('cy', 0).attr('r', 3).attr('fill', (d) => d.color);
  item.append('text').attr('x', 22).attr('y', 4).attr('fill', TEXT).text((d) => d.label);
}

/** The colour of a series that is not the emphasised one. */
const DIMMED = '#9a9a9a';

/** Each series' colour by id, in the order the series were drawn (read before any emphasis moved one on top). */
export function seriesColors(svg: SVGSVGElement): Map<string, string> {
  return new Map([...svg.querySelectorAll<SVGGElement>('g.series')].map((g) => [g.dataset.series ?? '', g.dataset.color ?? DIMMED]));
}

/**
 * Draws series `id` in its colour, on top, and every other series (lines, points, legend) faint grey; null gives
 * every series its colour back. Written as attributes, so an export shows what the page shows.
 */
export function emphasizeSeries(svg: SVGSVGElement, id: string | null): void {
  const marks = svg.querySelector('g.marks');
  for (const g of svg.querySelectorAll<SVGGElement>('g.series')) {
    const dim = id !== null && g.dataset.series !== id;
    const paint = dim ? DIMMED : (g.dataset.color ?? DIMMED);
    g.setAttribute('opacity', dim ? '0.45' : '1');
    g.querySelectorAll('path.line').forEach((el) => {
      el.setAttribute('stroke', paint);
      el.setAttribute('stroke-width', id !== null && !dim ? '3' : '2');
    });
    g.querySelectorAll('circle.point').forEach((el) => el.setAttribute('fill', paint));
    if (!dim && id !== null) marks?.appendChild(g); // drawn last: over the grey ones
  }
  for (const item of svg.querySelectorAll<SVGGElement>('g.legend-item')) {
    item.setAttribute('opacity', id !== null && item.dataset.series !== id ? '0.45' : '1');
  }
}
