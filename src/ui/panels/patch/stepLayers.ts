// The step view's layers. The image is drawn once per image; a step move repaints only what depends on the
// step: a fade mask with one pixel per patch (CSS scales it up, pixelated), the step numbers of the cells that
// changed state, and the outline of the next patch (a vector rect). Recomposing the whole image on every move
// (RGBA conversion, a full putImageData and a 512² overlay redraw) cost more than a frame at 256² and up.

/** Number layer drawing resolution (CSS scales it to the image's box). */
export const NUMBERS_PX = 512;
/** Step numbers are drawn only when each cell is large enough to hold one. */
export const MAX_NUMBERED_COLS = 16;
/**
 * Not-yet-generated patches: this grey laid over the image at this opacity, i.e. 0.2·pixel + 0.8·215, a faint
 * trace of the content keeps the layout readable while saying "not generated yet". Under the dark colour scheme
 * the veil is a dark grey near the panel's ground (FADE_GREY_DARK) instead of a light block on a dark page.
 */
export const FADE_GREY = 215;
export const FADE_GREY_DARK = 40;
export const FADE_ALPHA = 0.8;
export const OUTLINE = '#d6336c';
export const CURSOR = '#1f5fa8';

/** The fade mask for `step`: one RGBA pixel per patch of `grey`, opaque enough to fade patches later than `step`. */
export function fadeMask(inv: Int32Array, step: number, out: Uint8ClampedArray = new Uint8ClampedArray(inv.length * 4), grey = FADE_GREY): Uint8ClampedArray {
  const a = Math.round(FADE_ALPHA * 255);
  for (let c = 0; c < inv.length; c++) {
    const q = 4 * c;
    out[q] = out[q + 1] = out[q + 2] = grey;
    out[q + 3] = inv[c] > step ? a : 0;
  }
  return out;
}

/**
 * Cells whose drawing differs between steps `a` and `b`: the fade (later than the step) and the number shade
 * (earlier than the step) change only for the cells of steps min(a, b) … max(a, b).
 */
export function changedCells(order: Int32Array, a: number, b: number): Int32Array {
  const lo = Math.max(0, Math.min(a, b));
  const hi = Math.min(order.length - 1, Math.max(a, b));
  return hi < lo ? new Int32Array(0) : order.subarray(lo, hi + 1);
}

const NUMBER_DONE = '#111';
const NUMBER_TODO = '#444';
const HALO = 'rgba(255,255,255,0.85)';
const HALO_WIDTH = 3;
type NumbersContext = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
type AnyCanvas = HTMLCanvasElement | OffscreenCanvas;

/** The font of the step numbers in cells of `cell` px. */
export function numberFontPx(cell: number): number {
  return Math.max(8, Math.min(16, cell * 0.32));
}

/**
 * The ten digits of one font size, drawn once, in three rows of equal cells: the white halo (the stroke drawn
 * under each label), the digit in the generated shade and in the later shade. A label is then composed from its
 * digits by drawImage: text shaping and stroking 256 labels cost tens of milliseconds a patch-size change, copying
 * glyphs a millisecond.
 */
export interface DigitAtlas {
  canvas: AnyCanvas;
  /** Advance of each digit (px), as the font measures it. */
  advance: number[];
  /** Width and height of one atlas cell (px): the widest digit plus the halo on each side. */
  cellW: number;
  cellH: number;
  /** Space left of the glyph's origin within its cell (px). */
  pad: number;
}

export function digitAtlas(fontPx: number, canvas: () => AnyCanvas): DigitAtlas | null {
  const c = canvas();
  const probe = c.getContext('2d') as NumbersContext | null;
  if (!probe) return null;
  const font = `${fontPx}px system-ui, sans-serif`;
  probe.font = font;
  const advance = Array.from({ length: 10 }, (_, d) => probe.measureText(String(d)).width);
  const pad = Math.ceil(HALO_WIDTH / 2) + 1;
  const cellW = Math.ceil(Math.max(...advance)) + 2 * pad;
  const cellH = Math.ceil(fontPx * 1.4) + 2 * pad;
  c.width = cellW * 10;
  c.height = cellH * 3;
  const ctx = c.getContext('2d') as NumbersContext;
  ctx.font = font;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.lineWidth = HALO_WIDTH;
  ctx.strokeStyle = HALO;
  for (let d = 0; d < 10; d++) {
    const x = d * cellW + pad;
    ctx.strokeText(String(d), x, cellH / 2);
    ctx.fillStyle = NUMBER_DONE;
    ctx.fillText(String(d), x, cellH + cellH / 2);
    ctx.fillStyle = NUMBER_TODO;
    ctx.fillText(String(d), x, 2 * cellH + cellH / 2);
  }
  return { canvas: c, advance, cellW, cellH, pad };
}

/**
 * Where each digit of `label` goes when the label is centred on (cx, cy): the atlas column and the left edge of
 * its cell. Pure (the tests check the layout against the font's advances).
 */
export function labelLayout(label: string, advance: readonly number[], pad: number, cx: number): { digit: number; x: number }[] {
  const digits = Array.from(label, (ch) => ch.charCodeAt(0) - 48);
  const width = digits.reduce((w, d) => w + advance[d], 0);
  let x = cx - width / 2;
  return digits.map((d) => {
    const at = { digit: d, x: x - pad };
    x += advance[d];
    return at;
  });
}

/**
 * Step numbers of `cells` (all cells when omitted) on a NUMBERS_PX² canvas: generated patches' numbers dark,
 * later ones grey, each with a white halo. A cell's label stays inside its cell, so one cell is cleared and
 * redrawn without touching its neighbours. Each label's halos go down first, then its digits, as stroking and
 * then filling the text would.
 */
export function drawNumbers(ctx: NumbersContext, atlas: DigitAtlas, cols: number, inv: Int32Array, step: number, cells?: ArrayLike<number>): void {
  const cell = NUMBERS_PX / cols;
  if (!cells) ctx.clearRect(0, 0, NUMBERS_PX, NUMBERS_PX);
  const { canvas, cellW, cellH, pad, advance } = atlas;
  const count = cells ? cells.length : inv.length;
  for (let k = 0; k < count; k++) {
    const i = cells ? cells[k] : k;
    const x = (i % cols) * cell;
    const y = Math.floor(i / cols) * cell;
    if (cells) ctx.clearRect(x, y, cell, cell);
    const glyphs = labelLayout(String(inv[i]), advance, pad, x + cell / 2);
    const top = Math.round(y + cell / 2 - cellH / 2);
    const row = inv[i] < step ? 1 : 2;
    for (const g of glyphs) ctx.drawImage(canvas, g.digit * cellW, 0, cellW, cellH, Math.round(g.x), top, cellW, cellH);
    for (const g of glyphs) ctx.drawImage(canvas, g.digit * cellW, row * cellH, cellW, cellH, Math.round(g.x), top, cellW, cellH);
  }
}

/**
 * The outline of `cell` in grid units (a cell is 1 × 1), centred on it and drawn inside it: the next patch's
 * outline along the cell's edge, the painting cursor's (dashed) just within it. About 2 px wide at 512 px.
 */
export function outlineRect(cell: number, cols: number, kind: 'next' | 'cursor'): { x: number; y: number; size: number; stroke: number; dash: string | null } {
  const px = cols / NUMBERS_PX; // one pixel of the 512-px drawing, in grid units
  const stroke = Math.min(Math.max(2 * px, 0.08), 0.25);
  const inset = kind === 'next' ? stroke / 2 : Math.min(1.5 * stroke, 0.35);
  return {
    x: (cell % cols) + inset,
    y: Math.floor(cell / cols) + inset,
    size: 1 - 2 * inset,
    stroke,
    dash: kind === 'cursor' ? `${4 * px} ${3 * px}` : null,
  };
}

/** Draws the outlines on a canvas of side `side` pixels (exports: the screen draws them as SVG). */
export function drawOutlines(ctx: CanvasRenderingContext2D, side: number, cols: number, next: number, cursor: number | null): void {
  const unit = side / cols;
  for (const [cell, kind, color] of [[next, 'next', OUTLINE], [cursor, 'cursor', CURSOR]] as const) {
    if (cell === null || cell < 0) continue;
    const r = outlineRect(cell, cols, kind);
    ctx.lineWidth = r.stroke * unit;
    ctx.strokeStyle = color;
    ctx.setLineDash(r.dash ? r.dash.split(' ').map((v) => Number(v) * unit) : []);
    ctx.strokeRect(r.x * unit, r.y * unit, r.size * unit, r.size * unit);
  }
  ctx.setLineDash([]);
}
