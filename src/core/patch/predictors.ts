// How well three simple context predictors guess each step's patch of an ordering ("Patch order" panel):
// copying the nearest visible patch, the mean of the visible 4-neighbours, and a linear fit on the patches
// generated so far. Step 0 has no context: every predictor predicts the mean grey 0.5 for every value.
import { assertOrder, markVisible, nearestVisible } from './context';
import type { PatchGrid } from './grid';
import {
  addTraining, createNormalEquations, MASK_DIRS, MASK_UNKNOWNS, neighbourhoodGram, residual, SLOT_DC, SLOT_DR, solveNormal, squaredError,
} from './normalEquations';

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

/** The linear predictor needs at least this many training patches per unknown (weights + bias). */
export const LINEAR_MIN_PATCHES_PER_UNKNOWN = 2;
/**
 * Strength of the linear predictor's ridge towards the mean predictor, in units of the mean predictor's
 * training residual per training patch: ρ = LINEAR_RIDGE · RSS_mean / count (see predictorErrors).
 */
export const LINEAR_RIDGE = 1;
/** The weight of copying one neighbour, as a linear predictor over that neighbour alone. */
const ONE = Float64Array.of(1);

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

  const st = createNormalEquations(grid, queried);

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
