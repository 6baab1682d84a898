// Hot loops of k-means (kmeans.ts): exact squared distances, one assignment pass with Elkan's bounds (Elkan
// 2003, "Using the triangle inequality to accelerate k-means", ICML) and the k-means++ seeding that fills
// those bounds. They share one module so the loops call each other directly (no cross-module accessors).
// Rows are row-major: data n × dim (Float32Array), centroids k × dim (Float64Array).
import { mulberry32 } from '../random';

/**
 * Relative rounding slack of the expansion ‖x‖² + ‖c‖² − 2x·c: its error is below ~dim·2⁻⁵³·(‖x‖² + ‖c‖²)
 * (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1), far below 1e-12·(‖x‖² + ‖c‖²) here.
 * Lower bounds derived from it are lowered by this much so that they stay lower bounds.
 */
export const SLACK = 1e-12;

// The distance loops keep four partial sums: one running sum would make every iteration wait for the
// previous addition (a latency-bound chain), four let the additions overlap.

/** ‖x_i − c_j‖² (x rows in data, c rows in c). */
export function distXC(data: Float32Array, i: number, c: Float64Array, j: number, dim: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const p = i * dim, q = j * dim;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    const t0 = data[p + d] - c[q + d], t1 = data[p + d + 1] - c[q + d + 1];
    const t2 = data[p + d + 2] - c[q + d + 2], t3 = data[p + d + 3] - c[q + d + 3];
    s0 += t0 * t0; s1 += t1 * t1; s2 += t2 * t2; s3 += t3 * t3;
  }
  for (; d < dim; d++) {
    const t = data[p + d] - c[q + d];
    s0 += t * t;
  }
  return s0 + s1 + (s2 + s3);
}

/**
 * ‖a_i − b_j‖² between rows of two centroid arrays. The twin of distXC on purpose: each call site sees one
 * typed-array kind (Float32 data vs Float64 centroids), which keeps these hot loops monomorphic for the JIT.
 */
export function distCC(a: Float64Array, i: number, b: Float64Array, j: number, dim: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const p = i * dim, q = j * dim;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    const t0 = a[p + d] - b[q + d], t1 = a[p + d + 1] - b[q + d + 1];
    const t2 = a[p + d + 2] - b[q + d + 2], t3 = a[p + d + 3] - b[q + d + 3];
    s0 += t0 * t0; s1 += t1 * t1; s2 += t2 * t2; s3 += t3 * t3;
  }
  for (; d < dim; d++) {
    const t = a[p + d] - b[q + d];
    s0 += t * t;
  }
  return s0 + s1 + (s2 + s3);
}

/** ‖x_i‖² of every row. */
export function rowNorms(data: Float32Array, n: number, dim: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0, p = i * dim; d < dim; d++, p++) s += data[p] * data[p];
    out[i] = s;
  }
  return out;
}

/**
 * One Elkan assignment pass. Lower bounds are stored as l + drift_j at the time they were set, where drift_j
 * is the total distance centroid j has moved so far; the current bound is stored − drift_j (Elkan's
 * l ← l − δ_j, applied lazily). Returns how many assignments changed.
 */
export function elkanAssign(data: Float32Array, dim: number, c: Float64Array, k: number, assign: Int32Array, upper: Float64Array, lower: Float64Array, drift: Float64Array, halfCC: Float64Array, s: Float64Array, moved: Uint8Array | null = null): number {
  const n = assign.length;
  // Centre–centre distances: ‖x − c_j‖ ≥ ‖c_a − c_j‖ − ‖x − c_a‖, so j cannot win when ‖x − c_a‖ ≤ ½‖c_a − c_j‖.
  // The diagonal is +∞ here, so that the same test also skips j = a. `moved` (null: all) marks the centroids
  // that changed since halfCC was last filled (null on the first pass).
  centreHalfDistances(c, k, dim, halfCC, s, moved);
  let changed = 0;
  const chunk = new Int32Array(CHUNK);
  const dd = new Float64Array(CHUNK);
  for (let i = 0; i < n; i++) {
    let a = assign[i];
    let u = upper[i];
    if (u <= s[a]) continue;
    const row = i * k;
    let ak = a * k;
    // Tighten the upper bound first: the exact distance often clears the cheap test against s[a] by itself.
    u = Math.sqrt(distXC(data, i, c, a, dim));
    lower[row + a] = u + drift[a];
    if (u <= s[a]) {
      upper[i] = u;
      continue;
    }
    let tight = true;
    let m = 0;
    for (let j = 0; j <= k; j++) {
      if (j < k) {
        if (u <= halfCC[ak + j] || u <= lower[row + j] - drift[j]) continue;
        if (!tight) {
          u = Math.sqrt(distXC(data, i, c, a, dim));
          lower[row + a] = u + drift[a];
          tight = true;
          if (u <= halfCC[ak + j] || u <= lower[row + j] - drift[j]) continue;
        }
        chunk[m++] = j;
        if (m < CHUNK) continue;
      }
      // Distances to up to CHUNK candidates at once (x loaded once per four or eight centroids).
      if (m === 0) break;
      if (m > 4) dist8(data, i * dim, c, chunk, m, dim, dd);
      else dist4(data, i * dim, c, chunk, m, dim, dd);
      for (let e = 0; e < m; e++) {
        const d = Math.sqrt(dd[e]);
        const q = chunk[e];
        lower[row + q] = d + drift[q];
        if (d < u) {
          a = q;
          u = d;
        }
      }
      ak = a * k;
      m = 0;
    }
    if (a !== assign[i]) changed++;
    assign[i] = a;
    upper[i] = u;
  }
  return changed;
}

/** Candidates gathered before their distances are computed (then u and a are updated). */
const CHUNK = 8;

/**
 * halfCC[j·k + q] = ½‖c_j − c_q‖ (a slight under-estimate: the expansion ‖c_j‖² + ‖c_q‖² − 2c_j·c_q less a
 * rounding slack, so it stays a valid bound), halfCC[j·k + j] = +∞ (so that elkanAssign's test skips j = a)
 * and s[j] = min over q ≠ j. With `moved`, only pairs with a centroid that moved since the last call are
 * recomputed (the others would give the same numbers again); eight q per pass over c_j, each dot product
 * summed in order of d.
 */
function centreHalfDistances(c: Float64Array, k: number, dim: number, halfCC: Float64Array, s: Float64Array, moved: Uint8Array | null): void {
  const norm = new Float64Array(k);
  for (let j = 0; j < k; j++) for (let d = 0, q = j * dim; d < dim; d++, q++) norm[j] += c[q] * c[q];
  const v = new Float64Array(8);
  const list = new Int32Array(k + 8);
  for (let j = 0; j < k; j++) {
    const p = j * dim;
    halfCC[j * k + j] = Infinity;
    let m = 0;
    if (!moved || moved[j]) for (let q = j + 1; q < k; q++) list[m++] = q;
    else for (let q = j + 1; q < k; q++) if (moved[q]) list[m++] = q;
    for (let t = m; t < m + 8; t++) list[t] = j; // padding lanes (results unused)
    for (let t = 0; t < m; t += 8) {
      const w = Math.min(8, m - t);
      const q0 = list[t] * dim, q1 = list[t + 1] * dim, q2 = list[t + 2] * dim, q3 = list[t + 3] * dim;
      const q4 = list[t + 4] * dim, q5 = list[t + 5] * dim, q6 = list[t + 6] * dim, q7 = list[t + 7] * dim;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      for (let d = 0; d < dim; d++) {
        const x = c[p + d];
        s0 += x * c[q0 + d]; s1 += x * c[q1 + d]; s2 += x * c[q2 + d]; s3 += x * c[q3 + d];
        s4 += x * c[q4 + d]; s5 += x * c[q5 + d]; s6 += x * c[q6 + d]; s7 += x * c[q7 + d];
      }
      v[0] = s0; v[1] = s1; v[2] = s2; v[3] = s3; v[4] = s4; v[5] = s5; v[6] = s6; v[7] = s7;
      for (let e = 0; e < w; e++) {
        const o = list[t + e];
        const sum = norm[j] + norm[o];
        const h = 0.5 * Math.sqrt(Math.max(0, sum - 2 * v[e] - SLACK * sum));
        halfCC[j * k + o] = h;
        halfCC[o * k + j] = h;
      }
    }
  }
  for (let j = 0; j < k; j++) {
    let lo = Infinity;
    for (let q = j * k, end = q + k; q < end; q++) if (halfCC[q] < lo) lo = halfCC[q];
    s[j] = lo;
  }
}

/** ‖x − c_j‖² for the first m (≤ 4) centroid indices in js, x = data[p…p+dim). */
function dist4(data: Float32Array, p: number, c: Float64Array, js: Int32Array, m: number, dim: number, out: Float64Array): void {
  const q0 = js[0] * dim, q1 = js[m > 1 ? 1 : 0] * dim, q2 = js[m > 2 ? 2 : 0] * dim, q3 = js[m > 3 ? 3 : 0] * dim;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (let d = 0; d < dim; d++) {
    const x = data[p + d];
    const t0 = x - c[q0 + d], t1 = x - c[q1 + d], t2 = x - c[q2 + d], t3 = x - c[q3 + d];
    s0 += t0 * t0; s1 += t1 * t1; s2 += t2 * t2; s3 += t3 * t3;
  }
  out[0] = s0; out[1] = s1; out[2] = s2; out[3] = s3;
}

/** dist4 for 5…8 candidates: ‖x − c_j‖² for the first m (≤ 8) centroid indices in js (the same sums per lane). */
function dist8(data: Float32Array, p: number, c: Float64Array, js: Int32Array, m: number, dim: number, out: Float64Array): void {
  const q0 = js[0] * dim, q1 = js[1] * dim, q2 = js[2] * dim, q3 = js[3] * dim, q4 = js[4] * dim;
  const q5 = js[m > 5 ? 5 : 4] * dim, q6 = js[m > 6 ? 6 : 4] * dim, q7 = js[m > 7 ? 7 : 4] * dim;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  for (let d = 0; d < dim; d++) {
    const x = data[p + d];
    const t0 = x - c[q0 + d], t1 = x - c[q1 + d], t2 = x - c[q2 + d], t3 = x - c[q3 + d];
    const t4 = x - c[q4 + d], t5 = x - c[q5 + d], t6 = x - c[q6 + d], t7 = x - c[q7 + d];
    s0 += t0 * t0; s1 += t1 * t1; s2 += t2 * t2; s3 += t3 * t3;
    s4 += t4 * t4; s5 += t5 * t5; s6 += t6 * t6; s7 += t7 * t7;
  }
  out[0] = s0; out[1] = s1; out[2] = s2; out[3] = s3; out[4] = s4; out[5] = s5; out[6] = s6; out[7] = s7;
}

/** Seeding result: centroids, each point's nearest seed and squared distance to it. */
export interface Seeding {
  c: Float64Array;
  near: Int32Array;
  minD: Float64Array;
}

/** Seeding steps whose bounds are gathered (centroid-major) before they go to the point-major bounds. */
const SEED_BLOCK = 8;

/**
 * k-means++ seeding: first centroid uniform, each next one drawn with probability ∝ D(x)², D the distance to
 * the nearest centroid so far. A point skips the distance to a new centroid c when ‖c − c_near‖ ≥ 2·D(x)
 * (then ‖x − c‖ ≥ ‖c − c_near‖ − D(x) ≥ D(x) by the triangle inequality), which leaves the draws unchanged.
 * With `lower` (n×k, point-major as elkanAssign reads it), fills Elkan's lower bounds: the exact distance,
 * or that triangle-inequality bound. Each step writes its bounds contiguously into a small block buffer,
 * copied into `lower` every SEED_BLOCK steps (one cache line per point instead of one value).
 */
export function seedPlusPlus(data: Float32Array, dim: number, k: number, seed: number, lower: Float64Array | null): Seeding {
  const n = data.length / dim;
  const rand = mulberry32(seed);
  const c = new Float64Array(k * dim);
  const minD = new Float64Array(n).fill(Infinity);
  const near = new Int32Array(n);
  const cc = new Float64Array(k);
  const ccRoot = new Float64Array(k);
  const cNorms = new Float64Array(k);
  const xNorm = rowNorms(data, n, dim);
  const cand = new Int32Array(n + 8);
  const dots = new Float64Array(8);
  const block = lower ? new Float64Array(SEED_BLOCK * n) : null;
  let pick = Math.min(n - 1, Math.floor(rand() * n));
  for (let j = 0; j < k; j++) {
    const q = j * dim;
    let cNorm = 0;
    for (let d = 0; d < dim; d++) cNorm += (c[q + d] = data[pick * dim + d]) ** 2;
    cNorms[j] = cNorm;
    for (let o = 0; o < j; o++) {
      cc[o] = distCC(c, j, c, o, dim);
      ccRoot[o] = Math.sqrt(cc[o]);
    }
    const bo = (j % SEED_BLOCK) * n; // this step's row of the block buffer
    // Points that might move closer to c_j; the others only get their triangle-inequality bound.
    let m = 0;
    for (let i = 0; i < n; i++) {
      const o = near[i];
      if (j === 0 || cc[o] < 4 * minD[i]) cand[m++] = i;
      else if (block) {
        // ‖x − c_j‖ ≥ ‖c_j − c_o‖ − ‖x − c_o‖, with ‖x − c_o‖ rounded up (minD came from the expansion).
        const r = Math.sqrt(minD[i] + SLACK * (xNorm[i] + cNorms[o]));
        block[bo + i] = Math.max(0, ccRoot[o] * (1 - SLACK) - r);
      }
    }
    // ‖x‖² + ‖c‖² − 2x·c for eight candidates at a time (each centroid value loaded once for eight points;
    // each dot product is still one sum in order of d). A short last block is padded with its last point.
    for (let t = m; t < m + 8; t++) cand[t] = cand[m > 0 ? m - 1 : 0];
    for (let t = 0; t < m; t += 8) {
      const w = Math.min(8, m - t);
      const p0 = cand[t] * dim, p1 = cand[t + 1] * dim, p2 = cand[t + 2] * dim, p3 = cand[t + 3] * dim;
      const p4 = cand[t + 4] * dim, p5 = cand[t + 5] * dim, p6 = cand[t + 6] * dim, p7 = cand[t + 7] * dim;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      for (let d = 0; d < dim; d++) {
        const cd = c[q + d];
        s0 += data[p0 + d] * cd; s1 += data[p1 + d] * cd; s2 += data[p2 + d] * cd; s3 += data[p3 + d] * cd;
        s4 += data[p4 + d] * cd; s5 += data[p5 + d] * cd; s6 += data[p6 + d] * cd; s7 += data[p7 + d] * cd;
      }
      dots[0] = s0; dots[1] = s1; dots[2] = s2; dots[3] = s3; dots[4] = s4; dots[5] = s5; dots[6] = s6; dots[7] = s7;
      for (let e = 0; e < w; e++) {
        const i = cand[t + e];
        const scale = xNorm[i] + cNorm;
        let dd = xNorm[i] + cNorm - 2 * dots[e];
        // Near-duplicates lose digits to cancellation: recompute exactly (a point vs itself gives 0).
        if (dd < 1e-4 * scale) dd = distXC(data, i, c, j, dim);
        if (block) block[bo + i] = Math.sqrt(Math.max(0, dd - SLACK * scale));
        if (dd < minD[i]) {
          minD[i] = dd;
          near[i] = j;
        }
      }
    }
    if (lower && block && (j % SEED_BLOCK === SEED_BLOCK - 1 || j === k - 1)) flushBounds(block, lower, n, k, j - (j % SEED_BLOCK), (j % SEED_BLOCK) + 1);
    if (j === k - 1) break;
    let total = 0;
    for (let i = 0; i < n; i++) total += minD[i];
    if (total > 0) {
      let r = rand() * total;
      pick = n - 1;
      for (let i = 0; i < n; i++) {
        r -= minD[i];
        if (r < 0 && minD[i] > 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = Math.min(n - 1, Math.floor(rand() * n)); // every point already coincides with a centroid
    }
  }
  // Exact squared distances to the chosen seeds (the expansion is only used to search).
  for (let i = 0; i < n; i++) minD[i] = distXC(data, i, c, near[i], dim);
  return { c, near, minD };
}

/** lower[i·k + j0 + t] = block[t·n + i] for t < rows: `rows` seeding steps into the point-major bounds. */
function flushBounds(block: Float64Array, lower: Float64Array, n: number, k: number, j0: number, rows: number): void {
  for (let i = 0; i < n; i++) {
    const o = i * k + j0;
    for (let t = 0, b = i; t < rows; t++, b += n) lower[o + t] = block[b];
  }
}

/** dist[i] = ‖x_i − c_{assign[i]}‖² for every point, exactly; returns their sum (the inertia). */
export function exactDistances(data: Float32Array, dim: number, c: Float64Array, assign: Int32Array, dist: Float64Array): number {
  let s = 0;
  for (let i = 0; i < assign.length; i++) s += dist[i] = distXC(data, i, c, assign[i], dim);
  return s;
}
