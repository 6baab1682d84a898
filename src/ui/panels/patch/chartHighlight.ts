// Moves the step marker of a line chart already on screen. The charts stay pure ((data, options) → SVG) and
// are built once per data set; a step-slider move then only changes one circle's position and tooltip, where
// rebuilding the SVG (hundreds of points, axes, tooltip targets) cost several milliseconds and a repaint of the
// whole chart per move.
import { format } from 'd3';
import { defaultFormat, formatValue } from '../../charts/frame';
import type { Series } from '../../charts/lineChart';

// lineChart's tick and tooltip format for x.
const formatX = format('~g');

export interface HighlightTarget {
  /** The series, as passed to lineChart. */
  series: Series;
  /** The same axis options as the chart (points a log axis cannot show are not drawn). */
  xLog?: boolean;
  yLog?: boolean;
  formatY?: (y: number) => string;
}

/** The vertices of a d3 line path ("M x,y L x,y …", a new "M" after each gap), in drawing order. */
export function pathVertices(d: string): [number, number][] {
  const out: [number, number][] = [];
  const re = /[ML]\s*(-?[\d.]+(?:e[-+]?\d+)?)[\s,]+(-?[\d.]+(?:e[-+]?\d+)?)/gi;
  for (let m = re.exec(d); m; m = re.exec(d)) out.push([Number(m[1]), Number(m[2])]);
  return out;
}

// A chart's line is read once: it does not change while the marker moves.
const verticesOf = new WeakMap<Element, [number, number][]>();

/**
 * Puts the chart's highlight circle (drawn by lineChart's `highlight` option for this series) on the drawn point
 * nearest to `x`, as lineChart itself would place it, and updates its data-x and tooltip. Returns false, leaving
 * the chart as it was, when the chart has no highlight for the series or its line cannot be matched to the points
 * (e.g. clipped infinite values break the line): the caller then rebuilds the chart with the highlight option.
 */
export function moveHighlight(svg: SVGSVGElement, target: HighlightTarget, x: number): boolean {
  const { series } = target;
  const circle = [...svg.querySelectorAll('circle.highlight')].find((c) => c.getAttribute('data-series') === series.id);
  const group = [...svg.querySelectorAll('g.series')].find((g) => g.getAttribute('data-series') === series.id);
  const path = group?.querySelector('path.line');
  if (!circle || !path) return false;
  // The points lineChart draws, in order: finite x, y not NaN, positive on a log axis.
  const drawn = series.points.filter((p) => Number.isFinite(p.x) && !Number.isNaN(p.y) && (!target.xLog || p.x > 0) && (!target.yLog || p.y > 0));
  if (drawn.some((p) => !Number.isFinite(p.y))) return false;
  let vertices = verticesOf.get(path);
  if (!vertices) verticesOf.set(path, (vertices = pathVertices(path.getAttribute('d') ?? '')));
  if (vertices.length !== drawn.length || drawn.length === 0) return false;
  let best = 0;
  for (let i = 1; i < drawn.length; i++) if (Math.abs(drawn[i].x - x) < Math.abs(drawn[best].x - x)) best = i;
  const p = drawn[best];
  if (circle.getAttribute('data-x') === String(p.x)) return true;
  circle.setAttribute('data-x', String(p.x));
  circle.setAttribute('cx', String(vertices[best][0]));
  circle.setAttribute('cy', String(vertices[best][1]));
  const title = circle.querySelector('title');
  if (title) title.textContent = `${series.label}: ${formatX(p.x)} → ${formatValue(p.y, target.formatY ?? defaultFormat)} (selected)`;
  return true;
}
