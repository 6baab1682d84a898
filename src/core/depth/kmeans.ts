// k-means (Lloyd 1982, "Least squares quantization in PCM") with k-means++ seeding (Arthur & Vassilvitskii
// 2007, "k-means++: the advantages of careful seeding"; plain D² sampling, one candidate per step), seeded by
// mulberry32 so results are reproducible.
// Speed: Lloyd's assignments use Elkan's triangle-inequality bounds (Elkan 2003, "Using the triangle
// inequality to accelerate k-means", ICML): per point an upper bound on the distance to its centroid and a
// lower bound per centroid, so most distances are never computed; the seeding already yields those bounds.
// The bounds only skip provably useless distances: the result is plain Lloyd's (up to ties and rounding at
// near-ties). When n·k bounds would not fit (ELKAN_MAX_BOUNDS), a brute-force search with ‖x‖² − 2x·c + ‖c‖²,
// blocked 2 points × 4 centroids, is used instead. Inertia is always summed exactly, as Σ (x − c)².
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

/**
 * Brute-force nearest centroid of every point (ties → lower index), comparing ‖c‖² − 2x·c, blocked 2 points
 * × 4 centroids so each loaded value feeds several multiply-adds. Also the reference for the tests.
 */
export function assignNearest(data: Float32Array, dim: number, c: Float64Array, k: number): Int32Array {
  const n = data.length / dim;
  const cNorm = new Float64Array(k);
  for (let j = 0; j < k; j++) for (let d = 0, q = j * dim; d < dim; d++, q++) cNorm[j] += c[q] * c[q];
  const assign = new Int32Array(n);
  const v = new Float64Array(8);
  for (let i = 0; i < n; i += 2) {
    const pa = i * dim;
    const pb = i + 1 < n ? pa + dim : pa; // an odd last point is paired with itself
    let bestA = Infinity, bestB = Infinity, ja = 0, jb = 0;
    for (let j = 0; j < k; j += 4) {
      const m = Math.min(4, k - j);
      const q0 = j * dim;
      const q1 = m > 1 ? q0 + dim : q0, q2 = m > 2 ? q0 + 2 * dim : q0, q3 = m > 3 ? q0 + 3 * dim : q0;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let d = 0; d < dim; d++) {
        const xa = data[pa + d], xb = data[pb + d];
        const c0 = c[q0 + d], c1 = c[q1 + d], c2 = c[q2 + d], c3 = c[q3 + d];
        a0 += xa * c0; a1 += xa * c1; a2 += xa * c2; a3 += xa * c3;
        b0 += xb * c0; b1 += xb * c1; b2 += xb * c2; b3 += xb * c3;
      }
      v[0] = a0; v[1] = a1; v[2] = a2; v[3] = a3; v[4] = b0; v[5] = b1; v[6] = b2; v[7] = b3;
      for (let t = 0; t < m; t++) {
        const ea = cNorm[j + t] - 2 * v[t];
        if (ea < bestA) { bestA = ea; ja = j + t; }
        const eb = cNorm[j + t] - 2 * v[4 + t];
        if (eb < bestB) { bestB = eb; jb = j + t; }
      }
    }
    assign[i] = ja;
    if (i + 1 < n) assign[i + 1] = jb;
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
