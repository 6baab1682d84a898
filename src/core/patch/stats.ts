// Per-step statistics of a patch ordering ("Patch order" panel): how much already-generated context each
// step sees, and how well three simple context predictors do at each step.
//
// Geometry: patch (r, c) has its centre at (r, c) in patch units; distances are Euclidean between centres.
// "Visible" at step s means generated at steps 0 … s − 1 (the patch of step s itself is not visible yet).
// Step 0 has no context: its distance and jump are NaN ("no context"), and every predictor predicts the
// mean grey 0.5 for every value.
//
// The nearest visible patch is the visible patch whose centre is closest; ties go to the lowest row-major
// index r·cols + c. Among the 4-neighbours (all at distance 1) that is the order up, left, right, down.
import { isPermutation } from '../orderings';
import type { PatchGrid } from './grid';

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

export interface PredictorErrors {
  /** MSE of copying the nearest visible patch. */
  copy: number[];
  /** MSE of the mean of the visible 4-neighbours (the nearest visible patch when no 4-neighbour is visible). */
  mean: number[];
  /**
   * MSE of the linear predictor: a least-squares fit on the visible patches, ridge-shrunk towards `mean`
   * (see predictorErrors); equals `mean` where it falls back.
   */
  linear: number[];
  /**
   * linearFitted[s]: whether step s used a fitted linear predictor rather than the `mean` fallback (a fit may
   * still stay close to `mean` when the training data say little).
   */
  linearFitted: boolean[];
}

export interface Summary {
  mean: number;
  /** Population standard deviation (divides by n). */
  std: number;
  min: number;
  max: number;
  /** Number of non-NaN values summarized. */
  n: number;
}

/** Mean, population std, min and max of the non-NaN values (all NaN, n = 0, when there are none). */
export function summarize(values: ArrayLike<number>): Summary {
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, max: NaN, n: 0 };
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) ss += (v - mean) * (v - mean);
  }
  return { mean, std: Math.sqrt(ss / n), min, max, n };
}

function assertOrder(order: ArrayLike<number>, rows: number, cols: number): void {
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0)) {
    throw new RangeError(`patch grid must be positive integers, got ${rows}×${cols}`);
  }
  if (!isPermutation(order, rows * cols)) {
    throw new RangeError(`order must be a permutation of the ${rows}×${cols} grid's ${rows * cols} cell indices`);
  }
}

// 4-neighbour directions in tie-break order: up, left, right, down (bit d of a neighbour mask). opposite = 3 − d.
const DR = [-1, 0, 0, 1];
const DC = [0, -1, 1, 0];

function neighbour(r: number, c: number, d: number, rows: number, cols: number): number {
  const rr = r + DR[d];
  const cc = c + DC[d];
  return rr >= 0 && rr < rows && cc >= 0 && cc < cols ? rr * cols + cc : -1;
}

/**
 * Marks cell x = (r, c) visible and records it in its neighbours' masks: seen[q] has bit d set when the
 * 4-neighbour of q in direction d exists and is visible (x is in direction 3 − d from its neighbour at d).
 */
function markVisible(
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
function nearestVisible(r0: number, c0: number, rows: number, cols: number, visible: Uint8Array): number {
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

/** The linear predictor needs at least this many training patches per unknown (weights + bias). */
export const LINEAR_MIN_PATCHES_PER_UNKNOWN = 2;
/**
 * Strength of the linear predictor's ridge towards the mean predictor, in units of the mean predictor's
 * training residual per training patch: ρ = LINEAR_RIDGE · RSS_mean / count (see predictorErrors).
 */
export const LINEAR_RIDGE = 1;
/** A fitted variable whose residual variance (given the earlier ones) is below this fraction is collinear. */
const COLLINEAR_TOLERANCE = 1e-9;

// Offsets (dr, dc) with dr > 0 or (dr = 0, dc ≥ 0) covering every pair among a patch and its 4-neighbours.
const PAIR_OFFSETS: readonly (readonly [number, number])[] = [[0, 0], [0, 1], [1, 0], [1, 1], [1, -1], [0, 2], [2, 0]];

// The slots of a neighbourhood: 0–3 the neighbours up, left, right, down; 4 the all-ones bias; 5 the centre
// patch (the target of a prediction, or a training patch).
const BIAS = 4;
const CENTRE = 5;
const SLOT_DR = [...DR, 0, 0];
const SLOT_DC = [...DC, 0, 0];
// For each pair of patch slots (flat position a·6 + b): the PAIR_OFFSETS index of their relative position and
// the slot that offset starts from, so ⟨slot a, slot b⟩ = dots[o·n + index of the base slot's patch].
const PAIR_OFFSET = new Int8Array(36).fill(-1);
const PAIR_BASE = new Int8Array(36).fill(-1);
for (const a of [0, 1, 2, 3, CENTRE]) {
  for (const b of [0, 1, 2, 3, CENTRE]) {
    let dr = SLOT_DR[b] - SLOT_DR[a];
    let dc = SLOT_DC[b] - SLOT_DC[a];
    let base = a;
    if (dr < 0 || (dr === 0 && dc < 0)) {
      dr = -dr;
      dc = -dc;
      base = b;
    }
    PAIR_OFFSET[a * 6 + b] = PAIR_OFFSETS.findIndex(([r, c]) => r === dr && c === dc);
    PAIR_BASE[a * 6 + b] = base;
  }
}
// MASK_SLOTS[mask]: the slots of a neighbour configuration — its directions, then bias and centre.
// MASK_PAIRS[mask]: the flat positions a·6 + b (a ≤ b) of its Gram entries; only upper triangles are stored.
const MASK_SLOTS: readonly Int8Array[] = Array.from({ length: 16 }, (_, mask) =>
  Int8Array.from([...[0, 1, 2, 3].filter((d) => mask & (1 << d)), BIAS, CENTRE]),
);
const MASK_PAIRS: readonly Int8Array[] = MASK_SLOTS.map((slots) =>
  Int8Array.from(Array.from(slots).flatMap((a, i) => Array.from(slots.subarray(i), (b) => a * 6 + b))),
);
// MASK_DIRS[mask]: its directions only; MASK_UNKNOWNS[mask]: its directions, then the bias.
const MASK_DIRS: readonly Int8Array[] = MASK_SLOTS.map((slots) => slots.slice(0, slots.length - 2));
const MASK_UNKNOWNS: readonly Int8Array[] = MASK_SLOTS.map((slots) => slots.slice(0, slots.length - 1));
const ONE = Float64Array.of(1);

// Small hot helpers (rather than inline loops) so the engine optimizes them after a few calls.
function sumOf(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function dotOf(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

type GridDots = { sums: Float64Array; dots: Float64Array };
const dotsCache = new WeakMap<Float32Array[], GridDots>();

/**
 * The sum of every patch and the inner products between patches that can meet in one neighbourhood (a patch
 * and its 4-neighbours): dots[o·n + p] = ⟨patch p, patch p + PAIR_OFFSETS[o]⟩. Cached per grid (grids are
 * immutable), so computing the statistics of several orderings of one grid pays for this once.
 */
function gridDots(grid: PatchGrid): GridDots {
  const cached = dotsCache.get(grid.patches);
  if (cached) return cached;
  const { rows, cols, patches } = grid;
  const n = rows * cols;
  const sums = new Float64Array(n);
  for (let p = 0; p < n; p++) sums[p] = sumOf(patches[p]);
  const dots = new Float64Array(PAIR_OFFSETS.length * n).fill(NaN);
  for (let o = 0; o < PAIR_OFFSETS.length; o++) {
    const [dr, dc] = PAIR_OFFSETS[o];
    for (let r = 0; r + dr < rows; r++) {
      for (let c = Math.max(0, -dc); c < cols && c + dc < cols; c++) {
        dots[o * n + r * cols + c] = dotOf(patches[r * cols + c], patches[(r + dr) * cols + c + dc]);
      }
    }
  }
  const result = { sums, dots };
  dotsCache.set(patches, result);
  return result;
}

/**
 * Working state of the linear predictor. gram holds, per neighbour configuration (mask 1…15), the upper
 * triangle of a 6 × 6 Gram matrix over the slots — G[a][b] = Σ over training patches Q of ⟨slot a of Q,
 * slot b of Q⟩ — and count the number of those Q; local is the Gram matrix of the neighbourhood at hand.
 */
interface NormalEquations {
  n: number;
  cols: number;
  /** Values per patch, P. */
  size: number;
  sums: Float64Array;
  dots: Float64Array;
  /** queried[mask]: whether some step predicts with that configuration (only those are accumulated). */
  queried: Uint8Array;
  gram: Float64Array;
  count: Int32Array;
  local: Float64Array;
  slotIndex: Int32Array;
  chol: Float64Array;
  y: Float64Array;
  weights: Float64Array;
}

/** Fills st.local with the Gram matrix (upper triangle) of centre q and its neighbours in `mask`. */
function neighbourhoodGram(st: NormalEquations, q: number, mask: number): void {
  const { slotIndex, local, sums, dots, n, cols, size } = st;
  const slots = MASK_SLOTS[mask];
  for (let i = 0; i < slots.length; i++) slotIndex[slots[i]] = q + SLOT_DR[slots[i]] * cols + SLOT_DC[slots[i]];
  const pairs = MASK_PAIRS[mask];
  for (let t = 0; t < pairs.length; t++) {
    const ab = pairs[t];
    const a = (ab / 6) | 0;
    const b = ab - 6 * a;
    local[ab] =
      a === BIAS
        ? b === BIAS
          ? size
          : sums[slotIndex[b]]
        : b === BIAS
          ? sums[slotIndex[a]]
          : dots[PAIR_OFFSET[ab] * n + slotIndex[PAIR_BASE[ab]]];
  }
}

/**
 * Adds training patch q (visible neighbours `mask`) to every queried configuration D ⊆ mask that contains all
 * bits of `required`. Its neighbourhood Gram is computed into st.local on first need, unless `haveLocal`
 * says st.local already holds it.
 */
function addTraining(st: NormalEquations, q: number, mask: number, required: number, haveLocal: boolean): void {
  const { gram, local, count, queried } = st;
  let ready = haveLocal;
  for (let sub = mask; sub > 0; sub = (sub - 1) & mask) {
    if ((sub & required) !== required || !queried[sub]) continue;
    if (!ready) {
      neighbourhoodGram(st, q, mask);
      ready = true;
    }
    const g = sub * 36;
    const pairs = MASK_PAIRS[sub];
    for (let t = 0; t < pairs.length; t++) gram[g + pairs[t]] += local[pairs[t]];
    count[sub]++;
  }
}

/**
 * Solves the ridge-regularized normal equations of configuration `mask` over `unknowns` (ascending slots),
 * (G + ρI)·θ = g + ρ·θ0 with θ0 = `prior`, by Cholesky into st.weights; false when (numerically) singular:
 * some unknown's residual given the earlier ones is below COLLINEAR_TOLERANCE of its own (regularized) sum
 * of squares — only possible when ρ = 0.
 */
function solveNormal(st: NormalEquations, mask: number, unknowns: Int8Array, rho: number, prior: Float64Array): boolean {
  const { gram, chol, y, weights } = st;
  const m = unknowns.length;
  const g = mask * 36;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = gram[g + unknowns[j] * 6 + unknowns[i]];
      if (i === j) s += rho;
      for (let k = 0; k < j; k++) s -= chol[i * 5 + k] * chol[j * 5 + k];
      if (i === j) {
        const diag = gram[g + unknowns[i] * 6 + unknowns[i]] + rho;
        if (!(diag > 0) || !(s > COLLINEAR_TOLERANCE * diag)) return false;
        chol[i * 5 + i] = Math.sqrt(s);
      } else {
        chol[i * 5 + j] = s / chol[j * 5 + j];
      }
    }
  }
  for (let i = 0; i < m; i++) {
    let s = gram[g + unknowns[i] * 6 + CENTRE] + rho * prior[i];
    for (let k = 0; k < i; k++) s -= chol[i * 5 + k] * y[k];
    y[i] = s / chol[i * 5 + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < m; k++) s -= chol[k * 5 + i] * weights[k];
    weights[i] = s / chol[i * 5 + i];
  }
  return true;
}

/**
 * ‖centre − Σ_i w_i · slot unknowns[i]‖² from the Gram matrix (upper triangle) stored at G[offset …]: for
 * st.local the squared error on the patch at hand, for a configuration's gram the sum over its training
 * patches. Clamped at 0.
 */
function squaredError(G: Float64Array, offset: number, unknowns: Int8Array, w: Float64Array): number {
  let e = G[offset + CENTRE * 6 + CENTRE];
  for (let i = 0; i < unknowns.length; i++) {
    const a = unknowns[i];
    e -= 2 * w[i] * G[offset + a * 6 + CENTRE];
    e += w[i] * w[i] * G[offset + a * 6 + a];
    for (let j = i + 1; j < unknowns.length; j++) e += 2 * w[i] * w[j] * G[offset + a * 6 + unknowns[j]];
  }
  return Math.max(0, e);
}

/** ‖centre − Σ_i w_i · slot unknowns[i]‖² / P from the neighbourhood Gram in st.local (clamped at 0). */
function residual(st: NormalEquations, unknowns: Int8Array, w: Float64Array): number {
  return squaredError(st.local, 0, unknowns, w) / st.size;
}

/** Mean squared difference between patch `a` and the constant `v`. */
function mseConst(a: Float32Array, v: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - v) * (a[i] - v);
  return s / a.length;
}

function msePatch(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
  return s / a.length;
}

/**
 * Per-step MSE (mean over the patch's patch·patch·3 values, [0,1] units) of three context predictors of the
 * patch of step s from the patches visible at step s:
 * - copy: the nearest visible patch (ties → lowest row-major index: up, left, right, down among 4-neighbours).
 * - mean: the value-wise mean of the visible 4-neighbours; the nearest visible patch when none is visible.
 * - linear: let D be the set of directions (up/left/right/down) whose neighbour of the target is visible and
 *   k = |D|. Every value i of the target is predicted as  b + Σ_{d∈D} w_d · n_d[i],  where n_d is the
 *   neighbour patch in direction d and the k + 1 scalars θ = (w, b) are shared by all pixel positions and
 *   channels. The training set is the already generated part of the image (never the target): every visible
 *   patch Q whose neighbours in all directions of D are visible too (a superset of D is fine), contributing
 *   one equation per value, Q[i] ≈ b + Σ_d w_d · n_d(Q)[i]; let count be their number. θ is the ridge
 *   regression shrunk towards the `mean` predictor, θ0 = (w_d = 1/k, b = 0):
 *     θ = argmin ‖y − Xθ‖² + ρ · ‖θ − θ0‖²,   ρ = LINEAR_RIDGE · RSS_mean / count,
 *   where ‖y − Xθ‖² sums the squared errors over all training values and RSS_mean = ‖y − Xθ0‖² is the mean
 *   predictor's error on the same training patches. Why: on sparse images (MNIST digits: mostly black
 *   patches) a direction's training neighbours may be nearly all black, so plain least squares fits its
 *   weight to a handful of dim values and it can come out at ±10…100, blowing the target's error up far
 *   beyond predicting grey. With ρ, moving θ by δ from the mean predictor costs |δ|² times the mean
 *   predictor's average error on one training patch, so a weight moves only as far as the data pay for
 *   across several patches: with few or dim training patches θ stays near θ0, while the penalty's share of
 *   the objective falls like 1/count as training patches accumulate, so the fit tends to ordinary least
 *   squares: θ − θ_LS ≈ ρ·G⁻¹·(θ0 − θ_LS), of relative size O(1/count) since G grows like count, so an
 *   exact linear relation is recovered up to that (and exactly when RSS_mean = 0). ρ scales like the Gram
 *   sums, so the fit does not depend on
 *   the number of values per patch (one channel or three identical ones give the same θ). Since θ0 is
 *   feasible, the fit's training error is never above the mean predictor's. Falls back to `mean` when D is
 *   empty, when count < LINEAR_MIN_PATCHES_PER_UNKNOWN·(k + 1), or when the normal equations are
 *   (numerically) singular — which needs ρ ≈ 0 (the mean predictor (nearly) exact on the training patches)
 *   and a neighbour's values collinear with the bias and the other neighbours (constant patches, for
 *   instance). Predictions are not clamped.
 * At s = 0 every predictor predicts 0.5. Deterministic.
 *
 * Cost: everything is expressed through inner products within 3×3 neighbourhoods, computed once per grid.
 * The normal equations (Gram sums) are accumulated incrementally per configuration D as patches become
 * visible; RSS_mean and the ridge system come from the same sums, solved in closed form by Cholesky; and
 * each error is ‖t − p‖²/P expanded into those inner products, so a step costs O(1) (plus one pass over the
 * patch when copy's nearest patch is farther than the precomputed neighbourhood). Errors computed this way
 * carry float64 rounding of about 1e−16 relative to ‖t‖²/P and are clamped at 0.
 */
export function predictorErrors(grid: PatchGrid, order: ArrayLike<number>): PredictorErrors {
  const { rows, cols, patches } = grid;
  assertOrder(order, rows, cols);
  if (patches.length !== rows * cols) {
    throw new RangeError(`grid has ${patches.length} patches, expected ${rows * cols}`);
  }
  const n = rows * cols;
  const size = patches[0].length;
  const { sums, dots } = gridDots(grid);
  const visible = new Uint8Array(n);
  const seen = new Uint8Array(n);

  // Only configurations some step will query need normal equations, and the order fixes them in advance.
  const queried = new Uint8Array(16);
  for (let s = 0; s < n; s++) {
    const x = order[s];
    const r = Math.floor(x / cols);
    queried[seen[x]] = 1;
    markVisible(x, r, x - r * cols, rows, cols, visible, seen);
  }
  visible.fill(0);
  seen.fill(0);

  const st: NormalEquations = {
    n,
    cols,
    size,
    sums,
    dots,
    queried,
    gram: new Float64Array(16 * 36),
    count: new Int32Array(16),
    local: new Float64Array(36),
    slotIndex: new Int32Array(6),
    chol: new Float64Array(25),
    y: new Float64Array(5),
    weights: new Float64Array(5),
  };

  const out: PredictorErrors = { copy: [], mean: [], linear: [], linearFitted: [] };
  const meanWeights = new Float64Array(5);
  for (let s = 0; s < n; s++) {
    const x = order[s];
    const r = Math.floor(x / cols);
    const c = x - r * cols;
    const mask = seen[x];
    neighbourhoodGram(st, x, mask);
    if (s === 0) {
      const e = mseConst(patches[x], 0.5);
      out.copy.push(e);
      out.mean.push(e);
      out.linear.push(e);
      out.linearFitted.push(false);
    } else {
      const nearest = nearestVisible(r, c, rows, cols, visible);
      const nr = Math.floor(nearest / cols);
      const nc = nearest - nr * cols;
      // copy: through the neighbourhood Gram when the nearest patch is a 4-neighbour (then it is visible).
      let nearDir = -1;
      for (let dir = 0; dir < 4; dir++) if (nr === r + SLOT_DR[dir] && nc === c + SLOT_DC[dir]) nearDir = dir;
      const copy = nearDir >= 0 ? residual(st, MASK_DIRS[1 << nearDir], ONE) : msePatch(patches[x], patches[nearest]);
      const dirs = MASK_DIRS[mask];
      const k = dirs.length;
      let mean = copy;
      if (k > 0) {
        // The mean predictor as a linear one over (directions, bias): weights 1/k, bias 0 — the ridge prior.
        meanWeights.fill(1 / k, 0, k);
        meanWeights[k] = 0;
        mean = residual(st, dirs, meanWeights);
      }
      let linear = mean;
      let fitted = false;
      const unknowns = MASK_UNKNOWNS[mask];
      const count = st.count[mask];
      if (k > 0 && count >= LINEAR_MIN_PATCHES_PER_UNKNOWN * unknowns.length) {
        const rho = (LINEAR_RIDGE * squaredError(st.gram, mask * 36, unknowns, meanWeights)) / count;
        if (solveNormal(st, mask, unknowns, rho, meanWeights)) {
          fitted = true;
          linear = residual(st, unknowns, st.weights);
        }
      }
      out.copy.push(copy);
      out.mean.push(mean);
      out.linear.push(linear);
      out.linearFitted.push(fitted);
    }

    // x becomes visible. Its own neighbourhood (still in `local`) joins every configuration within its mask;
    // each visible neighbour q, seeing x in the opposite direction, joins the configurations that use x.
    markVisible(x, r, c, rows, cols, visible, seen);
    if (mask) addTraining(st, x, mask, 0, true);
    for (let dir = 0; dir < 4; dir++) {
      if (!(mask & (1 << dir))) continue;
      const q = x + SLOT_DR[dir] * cols + SLOT_DC[dir];
      addTraining(st, q, seen[q], 1 << (3 - dir), false);
    }
  }
  return out;
}
