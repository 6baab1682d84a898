// The loss-weighting explorer (Kingma & Gao 2023, "Understanding Diffusion Objectives as the ELBO with Simple Data
// Augmentation"; docs/conventions.md, "Loss weighting and the ELBO test"). Every objective is
// ∫ w(λ)·E‖ε̂ − ε‖² dλ with w = p·c·m: p the density of λ in training (densities.ts), c converting the model's
// own loss to ε-MSE units, m any extra per-sample weight. Units: with no ½ in front; Kingma & Gao write L = ½∫w_KG·…, so w_KG = 2w.
import { edmLogNormalDensityOfLogSnr, logitNormalDensityOfLogSnr, uniformTDensityOfLogSnr } from './densities';
import { sigmoid } from './editable';
import type { Parameterization, Prediction, WeightingKind } from './kinds';
import type { ScheduleOptions, ScheduleSpec } from './schedules';

export { PREDICTIONS, WEIGHTING_KINDS, type Prediction, type WeightingKind } from './kinds';
/** Any network output; epsLossFactor converts each one's loss to ε-MSE units. */
export type LossTarget = Parameterization;

/**
 * c(λ): a model's squared error on `target` in ε-MSE units, from x̂0 − x0 = −(σ/α)(ε̂ − ε) and σ/α = e^{−λ/2}:
 * ε: 1; x0: e^{−λ}; v (variance-preserving, v̂ − v = (ε̂ − ε)/α): 1 + e^{−λ};
 * velocity u = ε − x0 (û − u = (1 + σ/α)(ε̂ − ε)): (1 + e^{−λ/2})², which for rectified flow is 1/(1 − t)².
 */
export function epsLossFactor(target: LossTarget, logSnr: number): number {
  switch (target) {
    case 'eps':
      return 1;
    case 'x0':
      return Math.exp(-logSnr);
    case 'v':
      return 1 + Math.exp(-logSnr);
    case 'velocity':
      return (1 + Math.exp(-logSnr / 2)) ** 2;
  }
}

/**
 * Min-SNR-γ (Hang et al. 2023) as diffusers' examples/text_to_image/train_text_to_image.py applies it to the
 * model's own MSE: min(SNR, γ), divided by SNR for ε-prediction and by SNR + 1 for v-prediction, undivided for
 * x0 ("sample"). Limits: ε 1 at SNR = 0 and 0 at ∞; x0 0 and γ; v 0 and 0.
 * (examples/dreambooth/train_dreambooth.py divides by SNR for every type except v, i.e. treats x0 like ε.)
 */
export function minSnrLossWeight(snr: number, gamma: number, prediction: Prediction): number {
  if (!(snr >= 0)) throw new RangeError(`SNR must be ≥ 0, got ${snr}`);
  const m = Math.min(snr, gamma);
  switch (prediction) {
    case 'eps':
      return snr === 0 ? 1 : m / snr;
    case 'x0':
      return m;
    case 'v':
      return m / (snr + 1);
  }
}

/** diffusers' `prediction_type` names of the three predictions. */
const DIFFUSERS_PREDICTIONS = { epsilon: 'eps', sample: 'x0', v_prediction: 'v' } as const satisfies Record<string, Prediction>;
export type DiffusersPredictionType = keyof typeof DIFFUSERS_PREDICTIONS;

/**
 * minSnrLossWeight under diffusers' names: epsilon min(SNR, γ)/SNR, sample min(SNR, γ), v_prediction
 * min(SNR, γ)/(SNR + 1), for SNR ≥ 0 and γ > 0 (epsilon at SNR = 0 gives its limit 1, where diffusers' 0/0 is NaN).
 */
export function minSnrWeight(snr: number, gamma: number, predictionType: DiffusersPredictionType): number {
  if (!Object.hasOwn(DIFFUSERS_PREDICTIONS, predictionType)) throw new RangeError(`unknown prediction type '${String(predictionType)}'`);
  if (!(gamma > 0)) throw new RangeError(`γ must be > 0, got ${gamma}`);
  return minSnrLossWeight(snr, gamma, DIFFUSERS_PREDICTIONS[predictionType]);
}

/**
 * c(λ)·m(λ) of Min-SNR-γ in ε-MSE units. It is min(1, γ/SNR) for all three prediction types — the point of
 * Min-SNR's per-type divisors; computed as the product with the limits at λ = ±∞ taken explicitly (1 at −∞,
 * 0 at +∞), where c and m alone are ∞·0.
 */
export function minSnrEpsWeight(logSnr: number, gamma: number, prediction: Prediction): number {
  if (logSnr === -Infinity) return 1;
  if (logSnr === Infinity) return 0;
  return epsLossFactor(prediction, logSnr) * minSnrLossWeight(Math.exp(logSnr), gamma, prediction);
}

export type WeightingOptions = ScheduleOptions & {
  /** Schedule sampled with uniform t (eps/x0/v/velocity-mse, min-snr, vdmpp-sigmoid); default 'cosine'. */
  schedule?: ScheduleSpec;
  /** Min-SNR γ (default 5) and prediction type (default 'eps'). */
  gamma?: number;
  prediction?: Prediction;
  /** EDM σ_data (0.5), P_mean (−1.2), P_std (1.2). */
  sigmaData?: number;
  pMean?: number;
  pStd?: number;
  /** SD3 logit-normal m (0), s (1); the SD3 shift comes from `shift` (default 3.0). */
  logitMean?: number;
  logitStd?: number;
  /** VDM++ sigmoid bias b (default 2). */
  bias?: number;
};

export type WeightingCurve = {
  lambda: Float64Array;
  /** Density of λ in training. */
  p: Float64Array;
  /** Per-sample weight on the ε-loss, c·m (NaN where p = 0 and the kind prescribes w directly). */
  cm: Float64Array;
  /** Effective weight w = p·c·m. */
  w: Float64Array;
};

/**
 * p, c·m and w over a λ grid:
 * - eps-mse / x0-mse / v-mse / velocity-mse: uniform t on `schedule`, c of the target, m = 1;
 * - min-snr: uniform t on `schedule`, c·m = min(1, γ/SNR);
 * - edm: λ ~ N(2.4, 2.4²), c = 1 + e^{−λ}/σ_d² (EDM's λ(σ)·‖D − x0‖² = (σ² + σ_d²)/σ_d²·ε-MSE);
 * - sd3-logit-normal: λ ~ N(−2m − 2 ln shift, 4s²), rectified-flow velocity loss, c = (1 + e^{−λ/2})²;
 * - vdmpp-sigmoid: w prescribed, w = ½·sigmoid(b − λ) (Kingma & Gao's sigmoid(−λ + b), b = 2, in these
 *   units) on the λ range of `schedule` (0 outside), p uniform t on `schedule`, c·m = w/p.
 */
export function weightingCurve(kind: WeightingKind, lambdas: ArrayLike<number>, opts: WeightingOptions = {}): WeightingCurve {
  const n = lambdas.length;
  const curve: WeightingCurve = { lambda: Float64Array.from(lambdas), p: new Float64Array(n), cm: new Float64Array(n), w: new Float64Array(n) };
  const schedule = opts.schedule ?? 'cosine';
  for (let i = 0; i < n; i++) {
    const l = lambdas[i];
    let p: number;
    let cm: number;
    switch (kind) {
      case 'eps-mse':
      case 'x0-mse':
      case 'v-mse':
      case 'velocity-mse':
        p = uniformTDensityOfLogSnr(schedule, l, opts);
        cm = epsLossFactor(kind === 'eps-mse' ? 'eps' : kind === 'x0-mse' ? 'x0' : kind === 'v-mse' ? 'v' : 'velocity', l);
        break;
      case 'min-snr':
        p = uniformTDensityOfLogSnr(schedule, l, opts);
        cm = minSnrEpsWeight(l, opts.gamma ?? 5, opts.prediction ?? 'eps');
        break;
      case 'edm': {
        const sd = opts.sigmaData ?? 0.5;
        p = edmLogNormalDensityOfLogSnr(l, opts.pMean ?? -1.2, opts.pStd ?? 1.2);
        cm = 1 + Math.exp(-l) / (sd * sd);
        break;
      }
      case 'sd3-logit-normal':
        p = logitNormalDensityOfLogSnr(l, opts.logitMean ?? 0, opts.logitStd ?? 1, opts.shift ?? 3);
        cm = epsLossFactor('velocity', l);
        break;
      case 'vdmpp-sigmoid': {
        p = uniformTDensityOfLogSnr(schedule, l, opts);
        const w = p > 0 ? 0.5 * sigmoid((opts.bias ?? 2) - l) : 0;
        curve.p[i] = p;
        curve.cm[i] = p > 0 ? w / p : NaN;
        curve.w[i] = w;
        continue;
      }
    }
    curve.p[i] = p;
    curve.cm[i] = cm;
    curve.w[i] = p === 0 ? 0 : p * cm; // p = 0 means never sampled, whatever c·m is there
  }
  return curve;
}

/**
 * The ELBO test (Kingma & Gao 2023, §4): the objective is the ELBO of noise-perturbed data when w(λ) is monotone
 * non-increasing in λ. Points are taken in ascending λ (the input is sorted by λ if it is not; NaN λ is a
 * RangeError), and the curve passes exactly when every point satisfies w[i+1] ≤ w[i]·(1 + tol): each point is
 * compared with its neighbour, relative to that neighbour, so a rise at the small end of a curve spanning many
 * decades counts as much as one at its peak. A NaN w fails (the comparison is false); an all-zero curve passes.
 */
export function isElboEquivalent(w: ArrayLike<number>, lambdas: ArrayLike<number>, tol = 1e-6): boolean {
  if (w.length !== lambdas.length) throw new RangeError(`w and lambdas differ in length: ${w.length} vs ${lambdas.length}`);
  const order = Array.from({ length: w.length }, (_, i) => i);
  for (const i of order) if (Number.isNaN(lambdas[i])) throw new RangeError(`lambdas[${i}] is NaN`);
  order.sort((a, b) => lambdas[a] - lambdas[b] || a - b);
  for (let k = 0; k + 1 < order.length; k++) {
    if (!(w[order[k + 1]] <= w[order[k]] * (1 + tol))) return false;
  }
  return true;
}

/**
 * The "ELBO-equivalent" badge of a weighting curve: isElboEquivalent on the points from the first positive w on.
 * λ below the trained range (w = 0 there) is never sampled, like the prior term of the VDM bound (Kingma et al.
 * 2021), which has no trainable part, so the jump from 0 to the first trained λ is not a rise. No positive w at
 * all gives false.
 */
export function isCurveElboEquivalent(curve: { lambda: ArrayLike<number>; w: ArrayLike<number> }, tol = 1e-6): boolean {
  const order = Array.from({ length: curve.w.length }, (_, i) => i).sort((a, b) => curve.lambda[a] - curve.lambda[b] || a - b);
  const first = order.findIndex((i) => curve.w[i] > 0);
  if (first < 0) return false;
  const kept = order.slice(first);
  return isElboEquivalent(kept.map((i) => curve.w[i]), kept.map((i) => curve.lambda[i]), tol);
}
