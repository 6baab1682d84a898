// The simple context predictors the transformer must beat (the quality floor), on single-channel
// images such as digits (and, for copy / mean / linear, RGB crops). Plain TypeScript, no tfjs: the training script and the tests share it.
// - copy / mean / linear: core/patch/predictors' predictorErrors, per image (nearest visible patch; mean of the
//   visible 4-neighbours; a 5-scalar ridge fit, towards the mean predictor, on the image's own visible patches).
// - regression: a stronger linear predictor fitted on the TRAINING digits: for each set of visible
//   4-neighbours, a full linear map (ridge least squares) from their pixels plus a bias to the patch's pixels.
import type { PatchGrid } from '../../core/patch/grid';
import { predictorErrors } from '../../core/patch/predictors';
import { patchify } from './data';

export type Grid = { side: number; patch: number; rows: number; cols: number };

export function digitGrid(side: number, patch: number): Grid {
  return { side, patch, rows: side / patch, cols: side / patch };
}

/** Per-step MSE of each simple predictor, averaged over `images` ([count, side, side] in [0, 1]). */
export type BaselineCurves = { copy: Float64Array; mean: Float64Array; linear: Float64Array; regression?: Float64Array };

/**
 * core/patch/predictors' three predictors, averaged per step over the images ([count, side, side, channels];
 * channels = 3 for RGB crops, whose patches hold interleaved RGB like core/patch/grid's).
 */
export function contextPredictorCurves(images: Float32Array, grid: Grid, order: Int32Array, channels: 1 | 3 = 1): BaselineCurves {
  const n = order.length;
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const cells = patchify(images, { height: grid.side, width: grid.side, channels }, grid.patch, identity);
  const dim = grid.patch * grid.patch * channels;
  const count = images.length / (grid.side * grid.side * channels);
  const out = { copy: new Float64Array(n), mean: new Float64Array(n), linear: new Float64Array(n) };
  for (let i = 0; i < count; i++) {
    const patches = Array.from({ length: n }, (_, c) => cells.subarray((i * n + c) * dim, (i * n + c + 1) * dim));
    const pg: PatchGrid = { rows: grid.rows, cols: grid.cols, patch: grid.patch, patches };
    const e = predictorErrors(pg, order);
    for (let s = 0; s < n; s++) {
      out.copy[s] += e.copy[s] / count;
      out.mean[s] += e.mean[s] / count;
      out.linear[s] += e.linear[s] / count;
    }
  }
  return out;
}

// 4-neighbour directions: up, left, right, down (bit d of a visibility mask).
const DR = [-1, 0, 0, 1];
const DC = [0, -1, 1, 0];

/** For each step: the row-major cells of its visible 4-neighbours (visible = generated at an earlier step). */
function visibleNeighbours(grid: Grid, order: Int32Array): { mask: number; cells: number[] }[] {
  const step = new Int32Array(order.length);
  order.forEach((cell, s) => (step[cell] = s));
  return Array.from(order, (cell, s) => {
    const r = Math.floor(cell / grid.cols);
    const c = cell % grid.cols;
    let mask = 0;
    const cells: number[] = [];
    for (let d = 0; d < 4; d++) {
      const rr = r + DR[d];
      const cc = c + DC[d];
      if (rr < 0 || rr >= grid.rows || cc < 0 || cc >= grid.cols) continue;
      const q = rr * grid.cols + cc;
      if (step[q] < s) {
        mask |= 1 << d;
        cells.push(q);
      }
    }
    return { mask, cells };
  });
}

/** Fitted weights per visibility mask: [features = k·dim + 1 (bias last)] × dim, row-major. */
export type Regression = { grid: Grid; order: Int32Array; weights: (Float64Array | null)[] };

/** What both regression passes need: the images' patches in raster order and each step's visible neighbours. */
function cellSetup(images: Float32Array, grid: Grid, order: Int32Array) {
  const n = order.length;
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  return {
    n,
    dim: grid.patch * grid.patch,
    cells: patchify(images, { height: grid.side, width: grid.side, channels: 1 }, grid.patch, identity),
    count: images.length / (grid.side * grid.side),
    vis: visibleNeighbours(grid, order),
  };
}

/**
 * Ridge least squares per visibility mask on the training images: minimises Σ‖W·f − target‖² + λ‖W‖²
 * with λ = ridge · mean diagonal of the Gram matrix (scale-free; the bias is not penalised less, which at
 * 1e-4 does not matter).
 */
export function fitRegression(images: Float32Array, grid: Grid, order: Int32Array, ridge = 1e-4): Regression {
  const { n, dim, cells, count, vis } = cellSetup(images, grid, order);
  const gram: (Float64Array | null)[] = new Array(16).fill(null);
  const cross: (Float64Array | null)[] = new Array(16).fill(null);
  const f = new Float64Array(4 * dim + 1);
  for (let i = 0; i < count; i++) {
    for (let s = 0; s < n; s++) {
      const { mask, cells: nb } = vis[s];
      const F = nb.length * dim + 1;
      const G = (gram[mask] ??= new Float64Array(F * F));
      const X = (cross[mask] ??= new Float64Array(F * dim));
      nb.forEach((q, k) => f.set(cells.subarray((i * n + q) * dim, (i * n + q + 1) * dim), k * dim));
      f[F - 1] = 1;
      const t = (i * n + order[s]) * dim;
      for (let a = 0; a < F; a++) {
        const fa = f[a];
        if (fa === 0) continue; // digits are mostly black: skipping zeros makes the fit several times faster
        for (let b = a; b < F; b++) G[a * F + b] += fa * f[b];
        for (let p = 0; p < dim; p++) X[a * dim + p] += fa * cells[t + p];
      }
    }
  }
  const weights = gram.map((G, mask) => (G ? solveRidge(G, cross[mask]!, dim, ridge) : null));
  return { grid, order, weights };
}

/** Solves (G + λI)·W = X for W (G symmetric, upper triangle filled) by Cholesky. */
function solveRidge(G: Float64Array, X: Float64Array, dim: number, ridge: number): Float64Array {
  const F = X.length / dim;
  const A = new Float64Array(F * F);
  let trace = 0;
  for (let a = 0; a < F; a++) trace += G[a * F + a];
  const lambda = (ridge * trace) / F + 1e-12;
  for (let a = 0; a < F; a++) for (let b = a; b < F; b++) A[a * F + b] = A[b * F + a] = G[a * F + b] + (a === b ? lambda : 0);
  // In-place Cholesky: A = L·Lᵀ, L in the lower triangle.
  for (let j = 0; j < F; j++) {
    let d = A[j * F + j];
    for (let k = 0; k < j; k++) d -= A[j * F + k] * A[j * F + k];
    const l = Math.sqrt(Math.max(d, 1e-300));
    A[j * F + j] = l;
    for (let i = j + 1; i < F; i++) {
      let v = A[i * F + j];
      for (let k = 0; k < j; k++) v -= A[i * F + k] * A[j * F + k];
      A[i * F + j] = v / l;
    }
  }
  const W = new Float64Array(F * dim);
  for (let p = 0; p < dim; p++) {
    const y = new Float64Array(F);
    for (let i = 0; i < F; i++) {
      let v = X[i * dim + p];
      for (let k = 0; k < i; k++) v -= A[i * F + k] * y[k];
      y[i] = v / A[i * F + i];
    }
    for (let i = F - 1; i >= 0; i--) {
      let v = y[i];
      for (let k = i + 1; k < F; k++) v -= A[k * F + i] * W[k * dim + p];
      W[i * dim + p] = v / A[i * F + i];
    }
  }
  return W;
}

/** Per-step MSE of a fitted regression on `images`. */
export function regressionCurve(reg: Regression, images: Float32Array): Float64Array {
  const { grid, order } = reg;
  const { n, dim, cells, count, vis } = cellSetup(images, grid, order);
  const out = new Float64Array(n);
  for (let i = 0; i < count; i++) {
    for (let s = 0; s < n; s++) {
      const { mask, cells: nb } = vis[s];
      const W = reg.weights[mask]!;
      const F = nb.length * dim + 1;
      const t = (i * n + order[s]) * dim;
      let err = 0;
      for (let p = 0; p < dim; p++) {
        let v = W[(F - 1) * dim + p];
        for (let k = 0; k < nb.length; k++) {
          const src = (i * n + nb[k]) * dim;
          for (let e = 0; e < dim; e++) v += cells[src + e] * W[(k * dim + e) * dim + p];
        }
        err += (v - cells[t + p]) ** 2;
      }
      out[s] += err / dim / count;
    }
  }
  return out;
}

/** Mean of a per-step curve over steps [from, N): from = 1 leaves out step 0, which has no context. */
export function meanFrom(curve: ArrayLike<number>, from = 0): number {
  let sum = 0;
  for (let s = from; s < curve.length; s++) sum += curve[s];
  return sum / (curve.length - from);
}
