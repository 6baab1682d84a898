// Pictures for the Patch-order panel's model section: digits shown step by step (generated patches, the next
// one outlined, future ones greyed) and the heat map of held-out loss over the patch grid.
import { interpolateViridis } from 'd3';
import type { RgbImage } from '../../../core/image';
import { inverseOrder } from '../../../core/orderings';
import { CANVAS_TITLE_H, drawCanvasTitle, LIGHT_CANVAS, prepareCanvas, type CanvasColours } from '../../charts/canvas';
import type { CsvTable } from '../../export/csv';

/** Digit pictures are drawn this many screen pixels per digit pixel (28 → 224), so outlines stay sharp. */
export const DIGIT_SCALE = 8;
/** Not-yet-generated patches: a flat blue-grey, neither ink (white) nor background (black). */
const FUTURE = [0.55, 0.58, 0.63];
const OUTLINE = [0.84, 0.2, 0.42]; // #d6336c, the panel's "next patch" colour

export interface DigitGeometry {
  side: number;
  patch: number;
  /** Row-major cell of each step. */
  order: ArrayLike<number>;
  /** 1 (grey digits, the default) or 3 (RGB crops, channels interleaved). */
  channels?: number;
}

/**
 * A digit (or crop) at step `step`: patches of earlier steps from `shown` (side × side × channels), the patch
 * of this step from `next` (patch²·channels values; default: `shown`'s own), later ones greyed (or faded from
 * `shown` when `fadeFuture`). `step` = steps count shows the finished image with no outline.
 */
export function digitAtStep(
  geo: DigitGeometry,
  shown: Float32Array,
  step: number,
  options: { next?: Float32Array; fadeFuture?: boolean } = {},
): RgbImage {
  const { side, patch, order } = geo;
  const ch = geo.channels ?? 1;
  const cols = side / patch;
  const inv = inverseOrder(Array.from(order));
  const nextCell = step < order.length ? order[step] : -1;
  // Each digit pixel's colour, at the digit's own resolution: the picture is then this, scaled up, with the
  // outline over it. (Per output pixel, it was 64 times the work and an array per pixel: 5–10 ms a step move.)
  const base = new Float32Array(side * side * 3);
  for (let py = 0; py < side; py++) {
    for (let px = 0; px < side; px++) {
      const s = inv[Math.floor(py / patch) * cols + Math.floor(px / patch)];
      const o = (py * side + px) * 3;
      // The source array and index of this pixel's value(s); null: the flat "future" colour.
      let from: Float32Array | null = shown;
      let i = py * side + px;
      if (s === step && options.next) {
        from = options.next;
        i = (py % patch) * patch + (px % patch);
      } else if (s > step && !options.fadeFuture) from = null;
      for (let k = 0; k < 3; k++) {
        if (from === null) base[o + k] = FUTURE[k];
        else {
          const v = from[ch === 3 ? 3 * i + k : i];
          base[o + k] = s > step ? 0.75 * FUTURE[k] + 0.25 * v : v;
        }
      }
    }
  }
  const w = side * DIGIT_SCALE;
  const data = new Float32Array(w * w * 3);
  const rowLength = w * 3;
  for (let py = 0; py < side; py++) {
    // One output row of this digit row, then its copies below it.
    const first = py * DIGIT_SCALE * rowLength;
    for (let x = 0; x < w; x++) {
      const b = (py * side + Math.floor(x / DIGIT_SCALE)) * 3;
      const o = first + x * 3;
      data[o] = base[b];
      data[o + 1] = base[b + 1];
      data[o + 2] = base[b + 2];
    }
    for (let k = 1; k < DIGIT_SCALE; k++) data.copyWithin(first + k * rowLength, first, first + rowLength);
  }
  if (nextCell >= 0) {
    // The outline sits just inside the next patch's cell.
    const lw = Math.max(1, DIGIT_SCALE / 4); // outline width in output pixels
    const edge = patch * DIGIT_SCALE;
    const x0 = (nextCell % cols) * edge;
    const y0 = Math.floor(nextCell / cols) * edge;
    for (let cy = 0; cy < edge; cy++) {
      for (let cx = 0; cx < edge; cx++) {
        if (!(cx < lw || cy < lw || cx >= edge - lw || cy >= edge - lw)) continue;
        const o = ((y0 + cy) * w + x0 + cx) * 3;
        data[o] = OUTLINE[0];
        data[o + 1] = OUTLINE[1];
        data[o + 2] = OUTLINE[2];
      }
    }
  }
  return { width: w, height: w, data };
}

/** A round upper end for a colour scale: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max * (1 - 1e-9)) return m * p;
  return 10 * p;
}

export function heatColor(t: number): string {
  return interpolateViridis(Math.min(1, Math.max(0, t)));
}

export const fmtMse = (v: number) => (Number.isFinite(v) ? (v >= 0.01 ? v.toFixed(3) : v.toPrecision(2)) : '—');

export interface HeatmapData {
  rows: number;
  cols: number;
  /** Value per row-major cell. */
  cells: ArrayLike<number>;
  /** The colour scale runs from 0 to max. */
  max: number;
  /** Row-major cell to outline (the current step's), or −1. */
  current: number;
  title: string;
}

/** Logical size of the heat map drawing (CSS pixels): the grid, then the colour legend under it. */
export const HEATMAP_CELL = 36;
const LEGEND_H = 46;
export function heatmapSize(rows: number, cols: number): { width: number; height: number } {
  return { width: cols * HEATMAP_CELL, height: rows * HEATMAP_CELL + LEGEND_H };
}

/**
 * Draws the heat map and its legend at `scale` device pixels per CSS pixel (resizes the canvas), its ground,
 * legend frame and labels in `colours` (the colour scale is viridis in either scheme: ordered by lightness).
 * `withTitle` adds d.title above it (exports stand alone; on screen the figure caption says it).
 */
export function drawHeatmap(canvas: HTMLCanvasElement, d: HeatmapData, scale: number, withTitle = false, colours: CanvasColours = LIGHT_CANVAS): void {
  const size = heatmapSize(d.rows, d.cols);
  const width = size.width;
  const ctx = prepareCanvas(canvas, width, size.height + (withTitle ? CANVAS_TITLE_H : 0), scale, colours);
  if (!ctx) return;
  if (withTitle) {
    drawCanvasTitle(ctx, d.title, width, colours);
    ctx.translate(0, CANVAS_TITLE_H);
  }
  for (let i = 0; i < d.rows * d.cols; i++) {
    const x = (i % d.cols) * HEATMAP_CELL;
    const y = Math.floor(i / d.cols) * HEATMAP_CELL;
    ctx.fillStyle = heatColor(d.cells[i] / d.max);
    ctx.fillRect(x, y, HEATMAP_CELL, HEATMAP_CELL);
  }
  if (d.current >= 0) {
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#d6336c';
    ctx.strokeRect((d.current % d.cols) * HEATMAP_CELL + 1.5, Math.floor(d.current / d.cols) * HEATMAP_CELL + 1.5, HEATMAP_CELL - 3, HEATMAP_CELL - 3);
  }
  // Legend: a gradient bar from 0 to max with three labelled ticks.
  const top = d.rows * HEATMAP_CELL + 8;
  const barH = 10;
  const left = 8;
  const barW = width - 16;
  const gradient = ctx.createLinearGradient(left, 0, left + barW, 0);
  for (let k = 0; k <= 10; k++) gradient.addColorStop(k / 10, heatColor(k / 10));
  ctx.fillStyle = gradient;
  ctx.fillRect(left, top, barW, barH);
  ctx.strokeStyle = colours.line;
  ctx.lineWidth = 1;
  ctx.strokeRect(left + 0.5, top + 0.5, barW - 1, barH - 1);
  ctx.fillStyle = colours.text;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  for (const [t, align] of [[0, 'left'], [0.5, 'center'], [1, 'right']] as const) {
    ctx.textAlign = align;
    ctx.fillText(fmtMse(t * d.max), left + t * barW, top + barH + 3);
  }
  ctx.textAlign = 'center';
  ctx.fillText('held-out MSE per patch', width / 2, top + barH + 17);
}

/** The heat map's numbers as text, one grid row per line (for the title attribute and screen readers). */
export function heatmapText(d: Pick<HeatmapData, 'rows' | 'cols' | 'cells'>, steps: ArrayLike<number>): string {
  const lines: string[] = [];
  for (let r = 0; r < d.rows; r++) {
    const row: string[] = [];
    for (let c = 0; c < d.cols; c++) row.push(`${fmtMse(d.cells[r * d.cols + c])} (step ${steps[r * d.cols + c]})`);
    lines.push(`row ${r + 1}: ${row.join(', ')}`);
  }
  return lines.join('\n');
}

/** The heat map's numbers as a table (its CSV export and data table): one row per cell, in full precision. */
export function heatmapTable(d: Pick<HeatmapData, 'rows' | 'cols' | 'cells'>, steps: ArrayLike<number>): CsvTable {
  const rows = Array.from({ length: d.rows * d.cols }, (_, i) => [Math.floor(i / d.cols) + 1, (i % d.cols) + 1, steps[i], d.cells[i]]);
  return { header: ['row', 'column', 'step', 'held-out MSE per patch'], rows };
}
