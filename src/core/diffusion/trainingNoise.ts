// What one training example of a denoiser draws: its log-SNR λ from a weighting's training density, and the
// per-sample weight on the network's own MSE that makes the objective ∫ w(λ)·E‖ε̂ − ε‖² dλ of that weighting
// (weighting.ts). Pure; the models build their batches from it.
import { gaussian } from '../random';
import { logSnrAt } from './schedules';
import { epsLossFactor, minSnrEpsWeight, weightingCurve, type LossTarget, type WeightingKind, type WeightingOptions } from './weighting';

/** Training λ is clipped to ±this: the ends carry no learnable signal, and the per-bin profile spans it. */
export const TRAINING_LAMBDA_LIMIT = 10;

const clip = (l: number) => Math.min(TRAINING_LAMBDA_LIMIT, Math.max(-TRAINING_LAMBDA_LIMIT, l));

/**
 * A λ drawn from the weighting's training density p(λ) (the p of weightingCurve), clipped to ±10:
 * uniform t on `opts.schedule` (default cosine) for the *-mse, min-snr and vdmpp-sigmoid kinds;
 * N(−2·P_mean, (2·P_std)²) for EDM; N(−2m − 2 ln shift, (2s)²) for SD3's logit-normal.
 */
export function sampleTrainingLogSnr(kind: WeightingKind, rand: () => number, opts: WeightingOptions = {}): number {
  switch (kind) {
    case 'edm':
      return clip(-2 * (opts.pMean ?? -1.2) + 2 * (opts.pStd ?? 1.2) * gaussian(rand)());
    case 'sd3-logit-normal':
      return clip(-2 * (opts.logitMean ?? 0) - 2 * Math.log(opts.shift ?? 3) + 2 * (opts.logitStd ?? 1) * gaussian(rand)());
    default:
      return clip(logSnrAt(opts.schedule ?? 'cosine', rand(), opts));
  }
}

/**
 * The per-sample weight on the MSE of `target` (the network's parameterization) at λ, m = c·m_W(λ)/c_target(λ),
 * so that with λ drawn by sampleTrainingLogSnr the expected loss is the weighting's ∫ w·ε-MSE dλ. Min-SNR uses
 * the parameterization's own divisor when it has one (ε, x0, v), ε's otherwise.
 */
export function lossWeight(kind: WeightingKind, target: LossTarget, logSnr: number, opts: WeightingOptions = {}): number {
  return epsWeight(kind, target, logSnr, opts) / epsLossFactor(target, logSnr);
}

/** c·m of the weighting at λ (weightingCurve's cm), computed directly where it needs no density (every kind but VDM++). */
function epsWeight(kind: WeightingKind, target: LossTarget, logSnr: number, opts: WeightingOptions): number {
  const sd = opts.sigmaData ?? 0.5;
  switch (kind) {
    case 'eps-mse':
      return 1;
    case 'x0-mse':
      return epsLossFactor('x0', logSnr);
    case 'v-mse':
      return epsLossFactor('v', logSnr);
    case 'velocity-mse':
    case 'sd3-logit-normal':
      return epsLossFactor('velocity', logSnr);
    case 'min-snr':
      return minSnrEpsWeight(logSnr, opts.gamma ?? 5, opts.prediction ?? (target === 'velocity' ? 'eps' : target));
    case 'edm':
      return 1 + Math.exp(-logSnr) / (sd * sd);
    case 'vdmpp-sigmoid': {
      const cm = weightingCurve(kind, [logSnr], opts).cm[0];
      return Number.isFinite(cm) ? cm : 0;
    }
  }
}
