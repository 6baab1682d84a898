// Densities p(λ) of the log-SNR λ that a training recipe samples (Kingma & Gao 2023, §2–3: every objective is
// ∫ p(λ)·(per-sample weight)·E‖ε̂ − ε‖² dλ). All are normalized densities per unit λ.
import { discreteOf, edmParams, isDiscrete, tOfLogSnr, type DiscreteSchedule, type ScheduleOptions, type ScheduleSpec } from './schedules';

/** N(x; mean, std²). */
export function normalDensity(x: number, mean: number, std: number): number {
  const z = (x - mean) / std;
  return Math.exp(-0.5 * z * z) / (std * Math.sqrt(2 * Math.PI));
}

/**
 * EDM training (Karras et al. 2022, Table 1): ln σ ~ N(P_mean, P_std²), P_mean = −1.2, P_std = 1.2. With α = 1,
 * λ = −2 ln σ is linear in ln σ, so λ ~ N(−2·P_mean, 4·P_std²) = N(2.4, 2.4²).
 */
export function edmLogNormalDensityOfLogSnr(logSnr: number, pMean = -1.2, pStd = 1.2): number {
  return normalDensity(logSnr, -2 * pMean, 2 * pStd);
}

/**
 * SD3 training (Esser et al. 2024, §3.1 eq. 19): t ~ logit-normal, logit(t) ~ N(m, s²), t the noise level of
 * rectified flow (x_t = (1 − t)x0 + tε). Derivation: λ_RF(t) = 2 ln((1 − t)/t) = −2·logit(t); the SD3 shift
 * t' = k·t/(1 + (k − 1)t) gives (1 − t')/t' = (1 − t)/(k·t), i.e. λ = −2·logit(t) − 2 ln k. λ is affine in
 * logit(t), so λ ~ N(−2m − 2 ln k, 4s²). N(−2m, 4s²) is the unshifted case k = 1.
 * (diffusers' train_dreambooth_sd3.py indexes its descending sigmas with u ~ logit-normal, so there the noise
 * level is ≈ shift(1 − u) and the sign of m is flipped: N(2m − 2 ln k, 4s²). Same for the default m = 0.)
 */
export function logitNormalDensityOfLogSnr(logSnr: number, m = 0, s = 1, shift = 1): number {
  return normalDensity(logSnr, -2 * m - 2 * Math.log(shift), 2 * s);
}

/**
 * The density of λ when t ~ U(0,1) on a schedule: p(λ) = 1/|dλ/dt| at t(λ), 0 outside the schedule's λ range.
 * - rectified flow: t = sigmoid(−λ/2), p = t(1 − t)/2 (= ⅛·sech²(λ/4));
 * - SD3: the same shifted by the shift, p_SD3(λ) = p_RF(λ + 2 ln s);
 * - EDM's ρ-schedule: with u = σ^{1/ρ}, p = u/(2ρ(σ_max^{1/ρ} − σ_min^{1/ρ})) for σ ∈ [σ_min, σ_max];
 * - discrete: uniform t over the steps puts mass 1/N on each λ_i; as a density we use the steps' own densities
 *   (discreteStepDensities) at the nodes and interpolate log p linearly in λ between neighbouring nodes, 0 outside
 *   [λ_last, λ_0]. So w = p·c·m at λ_i is exactly the step-wise weighting, and w is monotone between two nodes
 *   wherever it is monotone across them. Its mass is ≈ (n−1)/N for n finite steps (0.1 % off at N = 1000): a
 *   zero-terminal-SNR schedule's last step sits at λ = −∞;
 * - editable λ(t): numerically, p(λ) ≈ (T(λ − h) − T(λ + h))/(2h) with T = t(λ) by bisection, h = 1e-3 —
 *   finite even where λ(t) is flat (a flat stretch is a point mass, smeared over 2h).
 */
export function uniformTDensityOfLogSnr(kind: ScheduleSpec, logSnr: number, opts: ScheduleOptions = {}): number {
  if (!Number.isFinite(logSnr)) return 0;
  if (typeof kind === 'function') {
    const h = 1e-3;
    return Math.max(0, tOfLogSnr(kind, logSnr - h) - tOfLogSnr(kind, logSnr + h)) / (2 * h);
  }
  if (isDiscrete(kind)) {
    const s = discreteOf(kind, opts);
    const l = s.logSnr;
    const p = discreteStepDensities(s);
    const last = p.length - 1;
    if (!(logSnr <= l[0] && logSnr >= l[last])) return 0;
    if (last === 0) return p[0];
    // Nodes lo < hi with λ_lo ≥ λ ≥ λ_hi (λ is decreasing in the step).
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (l[mid] >= logSnr) lo = mid;
      else hi = mid;
    }
    const u = (logSnr - l[hi]) / (l[lo] - l[hi]);
    return p[hi] * (p[lo] / p[hi]) ** u;
  }
  switch (kind) {
    case 'rectified-flow':
    case 'sd3': {
      const t = tOfLogSnr(kind, logSnr, opts);
      return (t * (1 - t)) / 2;
    }
    case 'edm': {
      const { sigmaMin, sigmaMax, rho } = edmParams(opts);
      const sigma = Math.exp(-logSnr / 2);
      if (sigma < sigmaMin || sigma > sigmaMax) return 0;
      return sigma ** (1 / rho) / (2 * rho * (sigmaMax ** (1 / rho) - sigmaMin ** (1 / rho)));
    }
  }
}

const stepDensityCache = new WeakMap<DiscreteSchedule, Float64Array>();

/**
 * The density per unit λ of each step of a discrete schedule under uniform t: step i has mass 1/N, spread over its
 * cell between the midpoints to its neighbours, p_i = 2/(N·(λ_{i−1} − λ_{i+1})); the end steps use their one
 * neighbour, p_0 = 1/(N·(λ_0 − λ_1)) and likewise at the last finite step. Steps with λ = −∞ (zero terminal SNR)
 * are left out, so the array can be shorter than N. A single finite step gets 1/N.
 */
export function discreteStepDensities(s: DiscreteSchedule): Float64Array {
  let p = stepDensityCache.get(s);
  if (!p) {
    const l = s.logSnr;
    let n = s.steps;
    while (n > 0 && !Number.isFinite(l[n - 1])) n--;
    p = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const width = n === 1 ? 1 : i === 0 ? l[0] - l[1] : i === n - 1 ? l[n - 2] - l[n - 1] : (l[i - 1] - l[i + 1]) / 2;
      p[i] = 1 / (s.steps * width);
    }
    stepDensityCache.set(s, p);
  }
  return p;
}
