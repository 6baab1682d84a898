// k-means (Lloyd 1982, "Least squares quantization in PCM") with k-means++ seeding (Arthur & Vassilvitskii
// 2007, "k-means++: the advantages of careful seeding"; plain D² sampling, one candidate per step), seeded by
// mulberry32 so results are reproducible.
// Speed: Lloyd's assignments use Elkan's triangle-inequality bounds (Elkan 2003, "Using the triangle
// inequality to accelerate k-means", ICML): per point an upper bound on the distance to its centroid and a
// lower bound per centroid, so most distances are never computed; the seeding already yields those bounds.
// The bounds only skip provably useless distances: the result is plain Lloyd's (up to ties and rounding at
// near-ties). When n·k bounds would not fit (ELKAN_MAX_BOUNDS), a brute-force search with ‖x‖² − 2x·c + ‖c‖²,
// a matrix product in tiles of 4 points × 4 centroids, is used instead. Inertia is always summed exactly, as Σ (x − c)².
// Inertia never increases from one assignment to the next: the mean minimizes a cluster's squared distances,
// and an empty cluster is re-seeded with the point farthest from its centroid (which only lowers the sum).
import { distCC, elkanAssign, exactDistances, seedPlusPlus } from './kmeansKernels';

/** Largest n·k for which Elkan's n×k lower bounds (8 bytes each) are kept: 64 MiB. */
export const ELKAN_MAX_BOUNDS = 1 << 23;

export interface KMeansOptions {
  /** Maximum Lloyd iterations (centroid update + re-assignment); stops early once assignments stop changing. */
  iters: number;
  /** Seed of the k-means++ sampling. */
  seed: number;
  /** Called after the initial assignment (iteration 0) and after each Lloyd iteration. */
  onIteration?: (iteration: number, inertia: number) => void;
  /** Keep Elkan's bounds only while n·k ≤ this (default ELKAN_MAX_BOUNDS); 0 forces the brute-force search. */
  maxBounds?: number;
  /**
   * Working memory to reuse across calls (e.g. one object for all the depths of an RQ fit): the n·k bounds
   * array is kept here and reused by the next call of the same size instead of a fresh allocation.
   */
  scratch?: KMeansScratch;
}

/** Reusable working memory of kmeans (its contents carry nothing from one call to the next). */
export interface KMeansScratch {
  lower?: Float64Array;
}

export interface KMeansResult {
  k: number;
  dim: number;
  /** k × dim centroids, row-major. */
  centroids: Float64Array;
  /** Index of the nearest centroid of every point (consistent with `centroids`). */
  assignments: Int32Array;
  /** Inertia Σ‖x − c_{a(x)}‖² after the k-means++ assignment, then after each Lloyd iteration. */
  inertiaHistory: number[];
  inertia: number;
}

/** Centroids packed for assignNearest: panels of 4, each stored d-major (panel·4·dim + d·4 + lane). */
const PANEL = 4;

/**
 * Brute-force nearest centroid of every point (ties → lower index) as a matrix product: ‖x − c‖² =
 * ‖x‖² − 2x·c + ‖c‖², where ‖x‖² is the same for every centroid of a point, so the argmin compares ‖c‖² − 2x·c.
 * The products X·Cᵀ are computed in register tiles of 4 points × 4 centroids (16 running sums, each loaded
 * value feeding four multiply-adds) over centroids packed in panels of four, read contiguously. Each dot product
 * is one sum in order of d. Also the reference for the tests.
 */
export function assignNearest(data: Float32Array, dim: number, c: Float64Array, k: number): Int32Array {
  const n = data.length / dim;
  const panels = Math.ceil(k / PANEL);
  const cp = new Float64Array(panels * PANEL * dim);
  const cNorm = new Float64Array(panels * PANEL).fill(Infinity); // padding lanes never win
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let d = 0, q = j * dim, o = (j >> 2) * PANEL * dim + (j & 3); d < dim; d++, q++, o += PANEL) {
      cp[o] = c[q];
      s += c[q] * c[q];
    }
    cNorm[j] = s;
  }
  const assign = new Int32Array(n);
  const best = new Float64Array(PANEL);
  const arg = new Int32Array(PANEL);
  const e = new Float64Array(PANEL * PANEL);
  for (let i = 0; i < n; i += PANEL) {
    // A short last tile repeats its last point (results unused).
    const p0 = i * dim, p1 = Math.min(i + 1, n - 1) * dim, p2 = Math.min(i + 2, n - 1) * dim, p3 = Math.min(i + 3, n - 1) * dim;
    best.fill(Infinity);
    for (let b = 0, o = 0; b < panels; b++, o += PANEL * dim) {
      let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0;
      let a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0;
      for (let d = 0, q = o; d < dim; d++, q += PANEL) {
        const c0 = cp[q], c1 = cp[q + 1], c2 = cp[q + 2], c3 = cp[q + 3];
        const x0 = data[p0 + d], x1 = data[p1 + d], x2 = data[p2 + d], x3 = data[p3 + d];
        a00 += x0 * c0; a01 += x0 * c1; a02 += x0 * c2; a03 += x0 * c3;
        a10 += x1 * c0; a11 += x1 * c1; a12 += x1 * c2; a13 += x1 * c3;
        a20 += x2 * c0; a21 += x2 * c1; a22 += x2 * c2; a23 += x2 * c3;
        a30 += x3 * c0; a31 += x3 * c1; a32 += x3 * c2; a33 += x3 * c3;
      }
      e[0] = a00; e[1] = a01; e[2] = a02; e[3] = a03; e[4] = a10; e[5] = a11; e[6] = a12; e[7] = a13;
      e[8] = a20; e[9] = a21; e[10] = a22; e[11] = a23; e[12] = a30; e[13] = a31; e[14] = a32; e[15] = a33;
      const j0 = b * PANEL;
      for (let t = 0; t < PANEL; t++) {
        for (let l = 0; l < PANEL; l++) {
          const v = cNorm[j0 + l] - 2 * e[t * PANEL + l];
          if (v < best[t]) {
            best[t] = v;
            arg[t] = j0 + l;
          }
        }
      }
    }
    for (let t = 0; t < PANEL && i + t < n; t++) assign[i + t] = arg[t];
  }
  return assign;
}

/** k-means++ seeds (k × dim, row-major) of the rows of `data`. */
export function kmeansPlusPlus(data: Float32Array, dim: number, k: number, seed: number): Float64Array {
  return seedPlusPlus(data, dim, k, seed, null).c;
}

/** Centroid update: cluster means; empty clusters take the points farthest from their current centroids. */
function updateCentroids(data: Float32Array, dim: number, c: Float64Array, k: number, assign: Int32Array, dist: Float64Array): void {
  const n = assign.length;
  const counts = new Float64Array(k);
  c.fill(0);
  for (let i = 0; i < n; i++) {
    const j = assign[i];
    counts[j]++;
    for (let d = 0, p = i * dim, q = j * dim; d < dim; d++, p++, q++) c[q] += data[p];
  }
  const empty: number[] = [];
  for (let j = 0; j < k; j++) {
    if (counts[j] === 0) empty.push(j);
    else for (let d = 0; d < dim; d++) c[j * dim + d] /= counts[j];
  }
  if (empty.length === 0) return;
  const far = Array.from({ length: n }, (_, i) => i).sort((a, b) => dist[b] - dist[a] || a - b);
  empty.forEach((j, e) => {
    const p = far[e % n];
    for (let d = 0; d < dim; d++) c[j * dim + d] = data[p * dim + d];
  });
}

/** k-means of the n = data.length / dim rows of `data` into k clusters (k-means++ seeds, Lloyd iterations). */
export function kmeans(data: Float32Array, dim: number, k: number, options: KMeansOptions): KMeansResult {
  if (!Number.isInteger(dim) || dim < 1 || data.length % dim !== 0) {
    throw new RangeError(`data length ${data.length} is not a multiple of dim ${dim}`);
  }
  const n = data.length / dim;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`k must be an integer in 1…${n}, got ${k}`);
  if (!Number.isInteger(options.iters) || options.iters < 0) throw new RangeError('iters must be a non-negative integer');
  let lower: Float64Array | null = null;
  if (n * k <= (options.maxBounds ?? ELKAN_MAX_BOUNDS)) {
    // Every entry is written by the seeding before it is read, so a reused array needs no clearing.
    const kept = options.scratch?.lower;
    lower = kept && kept.length === n * k ? kept : new Float64Array(n * k);
    if (options.scratch) options.scratch.lower = lower;
  }
  const { c, near, minD } = seedPlusPlus(data, dim, k, options.seed, lower);
  let assign = near;
  const upper = minD.map(Math.sqrt);
  const dist = new Float64Array(n);
  const drift = new Float64Array(k);
  const delta = new Float64Array(k);
  const halfCC = lower ? new Float64Array(k * k) : null;
  const moved = new Uint8Array(k); // centroids changed by the last update (their half-distances are refreshed)
  const sep = new Float64Array(k);
  const old = new Float64Array(k * dim);
  const history: number[] = [];
  const record = (iteration: number): void => {
    const s = exactDistances(data, dim, c, assign, dist);
    history.push(s);
    options.onIteration?.(iteration, s);
  };
  record(0);
  for (let t = 1; t <= options.iters; t++) {
    old.set(c);
    updateCentroids(data, dim, c, k, assign, dist);
    let changed = 0;
    if (lower && halfCC) {
      for (let j = 0; j < k; j++) {
        drift[j] += delta[j] = Math.sqrt(distCC(c, j, old, j, dim));
        let same = 1;
        for (let d = 0, q = j * dim; d < dim; d++, q++) if (c[q] !== old[q]) same = 0;
        moved[j] = 1 - same;
      }
      for (let i = 0; i < n; i++) upper[i] += delta[assign[i]];
      changed = elkanAssign(data, dim, c, k, assign, upper, lower, drift, halfCC, sep, t === 1 ? null : moved);
    } else {
      const next = assignNearest(data, dim, c, k);
      for (let i = 0; i < n; i++) if (next[i] !== assign[i]) changed++;
      assign = next;
    }
    record(t);
    if (changed === 0) break;
  }
  return { k, dim, centroids: c, assignments: assign, inertiaHistory: history, inertia: history[history.length - 1] };
}
