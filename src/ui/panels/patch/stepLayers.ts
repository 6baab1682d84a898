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

/**
 * Step numbers of `cells` (all cells when omitted) on a NUMBERS_PX² canvas: generated patches' numbers dark,
 * later ones grey, each with a white halo. A cell's label stays inside its cell, so one cell is cleared and
 * redrawn without touching its neighbours.
 */
export function drawNumbers(ctx: NumbersContext, cols: number, inv: Int32Array, step: number, cells?: ArrayLike<number>): void {
  const cell = NUMBERS_PX / cols;
  if (!cells) ctx.clearRect(0, 0, NUMBERS_PX, NUMBERS_PX);
  ctx.font = `${Math.max(8, Math.min(16, cell * 0.32))}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(255,255,255,0.85)';
  const count = cells ? cells.length : inv.length;
  for (let k = 0; k < count; k++) {
    const i = cells ? cells[k] : k;
    const x = (i % cols) * cell;
    const y = Math.floor(i / cols) * cell;
    if (cells) ctx.clearRect(x, y, cell, cell);
    const label = String(inv[i]);
    ctx.strokeText(label, x + cell / 2, y + cell / 2);
    ctx.fillStyle = inv[i] < step ? NUMBER_DONE : NUMBER_TODO;
    ctx.fillText(label, x + cell / 2, y + cell / 2);
  }
}

const NUMBER_DONE = '#111';
const NUMBER_TODO = '#444';
type NumbersContext = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * Every cell's number in both shades, drawn once per order (drawNumbers with every cell generated, and with
 * none): a step move then copies its changed cells from them instead of drawing text (copyNumbers).
 */
export interface NumberSprites {
  inv: Int32Array;
  cols: number;
  done: HTMLCanvasElement | OffscreenCanvas;
  todo: HTMLCanvasElement | OffscreenCanvas;
}

export function numberSprites(cols: number, inv: Int32Array, canvas: () => HTMLCanvasElement | OffscreenCanvas): NumberSprites | null {
  const [done, todo] = [canvas(), canvas()];
  for (const [c, step] of [[done, inv.length], [todo, 0]] as const) {
    c.width = c.height = NUMBERS_PX;
    const ctx = c.getContext('2d') as NumbersContext | null;
    if (!ctx) return null;
    drawNumbers(ctx, cols, inv, step);
  }
  return { inv, cols, done, todo };
}

/** The numbers of `cells` at `step`, copied from the sprites: the same pixels drawNumbers gives them. */
export function copyNumbers(ctx: NumbersContext, sprites: NumberSprites, step: number, cells: ArrayLike<number>): void {
  const { cols, inv } = sprites;
  const cell = NUMBERS_PX / cols;
  for (let k = 0; k < cells.length; k++) {
    const i = cells[k];
    const x = (i % cols) * cell;
    const y = Math.floor(i / cols) * cell;
    ctx.clearRect(x, y, cell, cell);
    ctx.drawImage(inv[i] < step ? sprites.done : sprites.todo, x, y, cell, cell, x, y, cell, cell);
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
