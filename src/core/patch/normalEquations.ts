// The linear context predictor's normal equations (predictors.ts): every patch's neighbourhood — the patch,
// its four 4-neighbours and an all-ones bias, as six slots — enters through inner products between patches
// computed once per grid, and each neighbour configuration (which 4-neighbours are visible, a 4-bit mask)
// accumulates the Gram matrix of its training patches as they become visible. Solved by Cholesky with a ridge
// towards a prior; errors are read off the Gram matrices without touching pixels.
import { DC, DR } from './context';
import type { PatchGrid } from './grid';

/** A fitted variable whose residual variance (given the earlier ones) is below this fraction is collinear. */
const COLLINEAR_TOLERANCE = 1e-9;

// Offsets (dr, dc) with dr > 0 or (dr = 0, dc ≥ 0) covering every pair among a patch and its 4-neighbours.
const PAIR_OFFSETS: readonly (readonly [number, number])[] = [[0, 0], [0, 1], [1, 0], [1, 1], [1, -1], [0, 2], [2, 0]];

// The slots of a neighbourhood: 0–3 the neighbours up, left, right, down; 4 the all-ones bias; 5 the centre
// patch (the target of a prediction, or a training patch).
const BIAS = 4;
const CENTRE = 5;
export const SLOT_DR = [...DR, 0, 0];
export const SLOT_DC = [...DC, 0, 0];
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
export const MASK_DIRS: readonly Int8Array[] = MASK_SLOTS.map((slots) => slots.slice(0, slots.length - 2));
export const MASK_UNKNOWNS: readonly Int8Array[] = MASK_SLOTS.map((slots) => slots.slice(0, slots.length - 1));

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
export interface NormalEquations {
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

/** Empty normal equations over `grid` for the configurations marked in `queried` (16 masks). */
export function createNormalEquations(grid: PatchGrid, queried: Uint8Array): NormalEquations {
  const { sums, dots } = gridDots(grid);
  return {
    n: grid.rows * grid.cols,
    cols: grid.cols,
    size: grid.patches[0].length,
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
}
/** Fills st.local with the Gram matrix (upper triangle) of centre q and its neighbours in `mask`. */
export function neighbourhoodGram(st: NormalEquations, q: number, mask: number): void {
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
export function addTraining(st: NormalEquations, q: number, mask: number, required: number, haveLocal: boolean): void {
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
export function solveNormal(st: NormalEquations, mask: number, unknowns: Int8Array, rho: number, prior: Float64Array): boolean {
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
export function squaredError(G: Float64Array, offset: number, unknowns: Int8Array, w: Float64Array): number {
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
export function residual(st: NormalEquations, unknowns: Int8Array, w: Float64Array): number {
  return squaredError(st.local, 0, unknowns, w) / st.size;
}
