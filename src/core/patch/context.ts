// The context each step of a patch ordering sees ("Patch order" panel): how far the nearest already-generated
// patch is, how many 4-neighbours are generated, and where the order jumps.
//
// Geometry: patch (r, c) has its centre at (r, c) in patch units; distances are Euclidean between centres.
// "Visible" at step s means generated at steps 0 … s − 1 (the patch of step s itself is not visible yet).
// Step 0 has no context: its distance and jump are NaN ("no context").
//
// The nearest visible patch is the visible patch whose centre is closest; ties go to the lowest row-major
// index r·cols + c. Among the 4-neighbours (all at distance 1) that is the order up, left, right, down.
import { isPermutation } from '../orderings';

export interface ContextStats {
  /** distance[s]: from the patch of step s to the nearest visible patch, in patch units; NaN at s = 0. */
  distance: number[];
  /** nearest[s]: row-major index of that nearest visible patch; −1 at s = 0. */
  nearest: number[];
  /** visibleNeighbours[s]: how many of the patch's 4-neighbours are already generated (0 … 4). */
  visibleNeighbours: number[];
  /** jump[s]: distance from the patch of step s − 1 to the patch of step s; NaN at s = 0. */
  jump: number[];
  /** The steps whose jump is > 1 (continuity breaks, e.g. each new row in raster order), ascending. */
  breaks: number[];
}

/** Throws a RangeError unless the grid is positive and `order` a permutation of its cells. */
export function assertOrder(order: ArrayLike<number>, rows: number, cols: number): void {
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0)) {
    throw new RangeError(`patch grid must be positive integers, got ${rows}×${cols}`);
  }
  if (!isPermutation(order, rows * cols)) {
    throw new RangeError(`order must be a permutation of the ${rows}×${cols} grid's ${rows * cols} cell indices`);
  }
}

// 4-neighbour directions in tie-break order: up, left, right, down (bit d of a neighbour mask). opposite = 3 − d.
export const DR = [-1, 0, 0, 1];
export const DC = [0, -1, 1, 0];

function neighbour(r: number, c: number, d: number, rows: number, cols: number): number {
  const rr = r + DR[d];
  const cc = c + DC[d];
  return rr >= 0 && rr < rows && cc >= 0 && cc < cols ? rr * cols + cc : -1;
}

/**
 * Marks cell x = (r, c) visible and records it in its neighbours' masks: seen[q] has bit d set when the
 * 4-neighbour of q in direction d exists and is visible (x is in direction 3 − d from its neighbour at d).
 */
export function markVisible(
  x: number,
  r: number,
  c: number,
  rows: number,
  cols: number,
  visible: Uint8Array,
  seen: Uint8Array,
): void {
  visible[x] = 1;
  for (let d = 0; d < 4; d++) {
    const q = neighbour(r, c, d, rows, cols);
    if (q >= 0) seen[q] |= 1 << (3 - d);
  }
}

/**
 * The smallest key d²·n + i over the visible cells i = (r, c) of a straight run of `len` cells from (r, c) in
 * steps (dr, dc), d² being the squared distance to (r0, c0); `best` when none is smaller. Keys order cells
 * by distance, then by row-major index.
 */
function scanRun(
  visible: Uint8Array,
  n: number,
  cols: number,
  r0: number,
  c0: number,
  r: number,
  c: number,
  dr: number,
  dc: number,
  len: number,
  best: number,
): number {
  for (let t = 0; t < len; t++, r += dr, c += dc) {
    const i = r * cols + c;
    if (visible[i]) {
      const key = ((r - r0) * (r - r0) + (c - c0) * (c - c0)) * n + i;
      if (key < best) best = key;
    }
  }
  return best;
}

/**
 * Nearest visible cell to (r0, c0) (ties → lowest row-major index), or −1 when none is visible. Searches
 * square rings of growing Chebyshev radius k and stops once k² exceeds the best squared distance, so the cost
 * is about the square of the answer's distance rather than the number of visible cells.
 */
export function nearestVisible(r0: number, c0: number, rows: number, cols: number, visible: Uint8Array): number {
  const n = rows * cols;
  let best = Infinity;
  const maxK = Math.max(rows, cols);
  for (let k = 1; k <= maxK && (best === Infinity || k * k <= Math.floor(best / n)); k++) {
    const cLo = Math.max(0, c0 - k);
    const cLen = Math.min(cols - 1, c0 + k) - cLo + 1;
    if (r0 - k >= 0) best = scanRun(visible, n, cols, r0, c0, r0 - k, cLo, 0, 1, cLen, best);
    if (r0 + k < rows) best = scanRun(visible, n, cols, r0, c0, r0 + k, cLo, 0, 1, cLen, best);
    const rLo = Math.max(0, r0 - k + 1);
    const rLen = Math.min(rows - 1, r0 + k - 1) - rLo + 1;
    if (c0 - k >= 0) best = scanRun(visible, n, cols, r0, c0, rLo, c0 - k, 1, 0, rLen, best);
    if (c0 + k < cols) best = scanRun(visible, n, cols, r0, c0, rLo, c0 + k, 1, 0, rLen, best);
  }
  return best === Infinity ? -1 : best % n;
}

/** Context statistics of `order` (a permutation of the rows × cols cells) at every step. */
export function contextStats(order: ArrayLike<number>, rows: number, cols: number): ContextStats {
  assertOrder(order, rows, cols);
  const n = rows * cols;
  const visible = new Uint8Array(n);
  const seen = new Uint8Array(n);
  const out: ContextStats = { distance: [], nearest: [], visibleNeighbours: [], jump: [], breaks: [] };
  let pr = 0;
  let pc = 0;
  for (let s = 0; s < n; s++) {
    const x = order[s];
    const r = Math.floor(x / cols);
    const c = x - r * cols;
    if (s === 0) {
      out.distance.push(NaN);
      out.nearest.push(-1);
      out.jump.push(NaN);
    } else {
      const q = nearestVisible(r, c, rows, cols, visible);
      const qr = Math.floor(q / cols);
      const qc = q - qr * cols;
      out.distance.push(Math.sqrt((qr - r) * (qr - r) + (qc - c) * (qc - c)));
      out.nearest.push(q);
      const jump = Math.sqrt((r - pr) * (r - pr) + (c - pc) * (c - pc));
      out.jump.push(jump);
      if (jump > 1) out.breaks.push(s);
    }
    const m = seen[x];
    out.visibleNeighbours.push((m & 1) + ((m >> 1) & 1) + ((m >> 2) & 1) + ((m >> 3) & 1));
    markVisible(x, r, c, rows, cols, visible, seen);
    pr = r;
    pc = c;
  }
  return out;
}
