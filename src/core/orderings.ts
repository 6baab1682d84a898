// Patch orderings for patch-order autoregression ("Patch order" panel): the image is cut into a rows × cols
// grid of patches and the patches are generated one at a time. An ordering is an Int32Array `order` of length
// rows·cols whose element s is the row-major index r·cols + c of the patch generated at step s; it is always a
// permutation of 0 … rows·cols − 1, for every grid shape (1×1, 1×n, n×1, non-square, non-power-of-two).
//
// Conventions (row r grows downward, column c grows rightward):
// - raster: row by row, left to right (the identity).
// - snake: boustrophedon rows: even rows left → right, odd rows right → left; every step is a 4-neighbour move.
// - column: column by column, top to bottom (column-major).
// - zigzag: JPEG's diagonal zig-zag over anti-diagonals d = r + c; odd d run down-left (r increasing), even d
//   run up-right (r decreasing); on an 8×8 grid this is exactly the JPEG coefficient order.
// - hilbert: the Hilbert curve of the covering 2^k × 2^k square (2^k ≥ max(rows, cols)), x = column, y = row,
//   starting at the top-left cell, restricted to the grid's cells in curve order. On 2^k squares every step is
//   a 4-neighbour move; on other grids the restriction can jump where the curve leaves the grid.
// - morton: Z-order of the covering 2^k square (bit-interleaved: column bits at even positions, row bits at odd
//   positions), restricted to the grid: within each aligned 2×2 quad top-left, top-right, bottom-left,
//   bottom-right. Every aligned 2×2 quad that lies inside the grid is visited as 4 consecutive steps.
// - spiral: starts at the top-left corner and spirals clockwise from the outside in (right along the top,
//   down the right side, left along the bottom, up the left side, then the next ring); every step is a
//   4-neighbour move and on odd squares it ends at the centre cell.
// - center-out: starts at the centre cell (floor((rows − 1)/2), floor((cols − 1)/2)) — the exact centre for odd
//   sizes, the upper/left of the two middle cells for even sizes — and visits cells by increasing Euclidean
//   distance from that cell; ties by angle clockwise from straight up (up, then right, down, left), then index.
// - random: Fisher–Yates shuffle of the raster order driven by mulberry32(seed); the same seed gives the same
//   order, default seed 0.
import { mulberry32 } from './random';

export const ORDERING_KINDS = ['raster', 'snake', 'column', 'zigzag', 'hilbert', 'morton', 'spiral', 'center-out', 'random'] as const;
export type OrderingKind = (typeof ORDERING_KINDS)[number];

export const ORDERING_LABELS: Record<OrderingKind, string> = {
  raster: 'Raster (row by row)',
  snake: 'Snake (alternating rows)',
  column: 'Column by column',
  zigzag: 'Zig-zag (JPEG diagonals)',
  hilbert: 'Hilbert curve',
  morton: 'Morton (Z-order)',
  spiral: 'Spiral (outside in)',
  'center-out': 'Centre outwards',
  random: 'Random (seeded)',
};

function assertGrid(rows: number, cols: number): void {
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0)) {
    throw new RangeError(`patch grid must be positive integers, got ${rows}×${cols}`);
  }
}

/** Whether `order` holds each of 0 … n − 1 exactly once. */
export function isPermutation(order: ArrayLike<number>, n: number): boolean {
  if (order.length !== n) return false;
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = order[i];
    if (!Number.isInteger(v) || v < 0 || v >= n || seen[v]) return false;
    seen[v] = 1;
  }
  return true;
}

/** The patch order of `kind` on a rows × cols grid: element s is the row-major index of the patch of step s. */
export function patchOrder(kind: OrderingKind, rows: number, cols: number, seed = 0): Int32Array {
  assertGrid(rows, cols);
  switch (kind) {
    case 'raster':
      return raster(rows, cols);
    case 'snake':
      return snake(rows, cols);
    case 'column':
      return column(rows, cols);
    case 'zigzag':
      return zigzag(rows, cols);
    case 'hilbert':
      return byKey(rows, cols, hilbertKey);
    case 'morton':
      return byKey(rows, cols, mortonKey);
    case 'spiral':
      return spiral(rows, cols);
    case 'center-out':
      return centerOut(rows, cols);
    case 'random':
      return shuffled(rows, cols, seed);
    default:
      throw new RangeError(`unknown ordering ${String(kind)}`);
  }
}

function raster(rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = i;
  return out;
}

function snake(rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows * cols);
  let s = 0;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) out[s++] = r * cols + (r % 2 === 0 ? k : cols - 1 - k);
  }
  return out;
}

function column(rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows * cols);
  let s = 0;
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out[s++] = r * cols + c;
  return out;
}

function zigzag(rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows * cols);
  let s = 0;
  for (let d = 0; d <= rows + cols - 2; d++) {
    const rLo = Math.max(0, d - cols + 1);
    const rHi = Math.min(d, rows - 1);
    if (d % 2 === 1) {
      for (let r = rLo; r <= rHi; r++) out[s++] = r * cols + (d - r);
    } else {
      for (let r = rHi; r >= rLo; r--) out[s++] = r * cols + (d - r);
    }
  }
  return out;
}

/** Side of the smallest power-of-two square covering the grid. */
function coveringSide(rows: number, cols: number): number {
  let n = 1;
  while (n < rows || n < cols) n *= 2;
  return n;
}

/** The grid's cells sorted by a key on the covering 2^k square (keys are distinct, so the order is total). */
function byKey(rows: number, cols: number, key: (n: number, x: number, y: number) => number): Int32Array {
  const n = coveringSide(rows, cols);
  const keys = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) keys[r * cols + c] = key(n, c, r);
  const out = raster(rows, cols);
  out.sort((a, b) => keys[a] - keys[b]);
  return out;
}

/** Distance along the Hilbert curve of an n × n square (n a power of two) of cell (x, y); starts at (0, 0). */
function hilbertKey(n: number, x0: number, y0: number): number {
  let x = x0;
  let y = y0;
  let d = 0;
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    // Rotate the quadrant so the sub-curve has the canonical orientation (only the bits below s matter).
    if (ry === 0) {
      if (rx === 1) {
        x = s - 1 - (x & (s - 1));
        y = s - 1 - (y & (s - 1));
      }
      const t = x;
      x = y;
      y = t;
    }
  }
  return d;
}

/** Morton (Z-order) code: bit b of x at position 2b, bit b of y at position 2b + 1. */
function mortonKey(n: number, x: number, y: number): number {
  let d = 0;
  let w = 1;
  for (let s = 1; s < n; s *= 2) {
    if (x & s) d += w;
    if (y & s) d += 2 * w;
    w *= 4;
  }
  return d;
}

function spiral(rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows * cols);
  let s = 0;
  let top = 0;
  let bottom = rows - 1;
  let left = 0;
  let right = cols - 1;
  while (top <= bottom && left <= right) {
    for (let c = left; c <= right; c++) out[s++] = top * cols + c;
    for (let r = top + 1; r <= bottom; r++) out[s++] = r * cols + right;
    if (top < bottom) for (let c = right - 1; c >= left; c--) out[s++] = bottom * cols + c;
    if (left < right) for (let r = bottom - 1; r > top; r--) out[s++] = r * cols + left;
    top++;
    bottom--;
    left++;
    right--;
  }
  return out;
}

/** The cell center-out starts at: the exact centre for odd sizes, the upper/left middle cell for even sizes. */
export function centreCell(rows: number, cols: number): { row: number; col: number } {
  assertGrid(rows, cols);
  return { row: Math.floor((rows - 1) / 2), col: Math.floor((cols - 1) / 2) };
}

function centerOut(rows: number, cols: number): Int32Array {
  const { row: r0, col: c0 } = centreCell(rows, cols);
  const n = rows * cols;
  const dist2 = new Float64Array(n);
  const angle = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const dr = r - r0;
      const dc = c - c0;
      const i = r * cols + c;
      dist2[i] = dr * dr + dc * dc;
      // Clockwise from straight up (screen coordinates: row grows downward), in [0, 2π).
      const a = Math.atan2(dc, -dr);
      angle[i] = a < 0 ? a + 2 * Math.PI : a;
    }
  }
  const out = raster(rows, cols);
  out.sort((a, b) => dist2[a] - dist2[b] || angle[a] - angle[b] || a - b);
  return out;
}

function shuffled(rows: number, cols: number, seed: number): Int32Array {
  const out = raster(rows, cols);
  const rand = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * A user-painted partial order completed to a full ordering: `indices` (row-major cell indices, each an
 * integer in range and used at most once) come first, in the given order, then every remaining cell in
 * raster order. Throws RangeError on an out-of-range, non-integer or repeated index.
 */
export function orderFromCustom(indices: readonly number[], rows: number, cols: number): Int32Array {
  assertGrid(rows, cols);
  const n = rows * cols;
  const used = new Uint8Array(n);
  const out = new Int32Array(n);
  let s = 0;
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new RangeError(`custom order: cell index ${i} is outside the ${rows}×${cols} grid (0…${n - 1})`);
    }
    if (used[i]) throw new RangeError(`custom order: cell index ${i} is painted twice`);
    used[i] = 1;
    out[s++] = i;
  }
  for (let i = 0; i < n; i++) if (!used[i]) out[s++] = i;
  return out;
}

/** The step at which each cell is generated: inverse[order[s]] = s. Throws RangeError unless a permutation. */
export function inverseOrder(order: ArrayLike<number>): Int32Array {
  if (!isPermutation(order, order.length)) {
    throw new RangeError('order must be a permutation of 0 … n − 1');
  }
  const inv = new Int32Array(order.length);
  for (let s = 0; s < order.length; s++) inv[order[s]] = s;
  return inv;
}
