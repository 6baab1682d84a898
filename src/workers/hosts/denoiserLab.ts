// The denoisers' lab measurements ('denoiser-lab'): K bins of λ, gradients accumulated over training batches of
// antithetic pairs (each image noised with ε and −ε), or the transfer experiment on a fixed held-out batch.
import { seededNoise } from '../../core/diffusion/forward';
import { weightingCurve } from '../../core/diffusion/weighting';
import { binCentres, modelSpaceOfSet, paramCount, randomIndices, type Denoiser, type ImageSet, type Parameterization } from '../../models/diffusion';
import { noiseLevelHeldout, noiseLevelLoss, noiseLevelLosses, type NoiseBatch } from '../../models/equivalence/subtasks';
import type { LabSettings } from '../../protocol/lab';
import type { LabSubtasks } from './lab';

/** Held-out examples the transfer losses are measured on, at most. */
const HELDOUT_EXAMPLES = 256;

/** The model as the lab sees it. */
export interface DenoiserLabModel {
  model: Denoiser;
  parameterization: Parameterization;
  version: number;
  label: string;
  source: string;
  stepsTrainedHere: number;
}

/** `count` examples of `set` drawn with `rand`, each with its own ε. */
function drawBatch(set: ImageSet, count: number, rand: () => number): NoiseBatch {
  const idx = randomIndices(set.count, count, rand);
  const x0 = modelSpaceOfSet(set, idx);
  return { count, x0, eps: seededNoise(x0.length, Math.floor(rand() * 2 ** 31)), labels: set.labels ? Array.from(idx, (i) => set.labels![i]) : null };
}

/**
 * `count` examples as count / 2 antithetic pairs: each image drawn with `rand` is noised once with its own ε and
 * once with −ε (examples 2i and 2i + 1). The part of a gradient that is odd in ε (at clean levels nearly all of
 * a trained denoiser's per-sample noise) cancels within a pair; the expected gradient is unchanged.
 */
export function drawAntitheticBatch(set: ImageSet, count: number, rand: () => number): NoiseBatch {
  const half = drawBatch(set, count / 2, rand);
  const d = half.x0.length / half.count;
  const x0 = new Float32Array(count * d);
  const eps = new Float32Array(count * d);
  for (let i = 0; i < half.count; i++) {
    const from = i * d;
    const img = half.x0.subarray(from, from + d);
    const e = half.eps.subarray(from, from + d);
    x0.set(img, 2 * from);
    x0.set(img, 2 * from + d);
    eps.set(e, 2 * from);
    for (let j = 0; j < d; j++) eps[2 * from + d + j] = -e[j];
  }
  const labels = half.labels ? Array.from(half.labels).flatMap((l) => [l, l]) : null;
  return { count, x0, eps, labels, antithetic: true };
}

/**
 * The lab's noise-level sub-tasks: the ε-MSE in K equal bins of λ over the trained range. Gradients and transfer
 * steps use training examples; the transfer losses a fixed held-out batch with ε from the seed.
 */
export function denoiserLabSubtasks(m: DenoiserLabModel, settings: LabSettings, train: ImageSet, heldout: ImageSet): LabSubtasks {
  const lambdas = binCentres(settings.k);
  const heldCount = Math.min(HELDOUT_EXAMPLES, heldout.count);
  const idx = Int32Array.from({ length: heldCount }, (_, i) => i);
  const heldX0 = modelSpaceOfSet(heldout, idx);
  const held: NoiseBatch = { count: heldCount, x0: heldX0, eps: seededNoise(heldX0.length, settings.seed), labels: heldout.labels ? heldout.labels.subarray(0, heldCount) : null };
  const curve = (kind: 'eps-mse' | 'min-snr') => Array.from(weightingCurve(kind, lambdas, { schedule: 'cosine', gamma: 5 }).w);
  return {
    info: {
      decomposition: 'noise', label: m.label, source: m.source, stepsTrainedHere: m.stepsTrainedHere, paramCount: paramCount(m.model.config),
      subtasks: lambdas.map((l) => `λ ${l.toFixed(2)}`),
    },
    vars: Object.values(m.model.params),
    gradientBatch: (_b, rand) => noiseLevelLosses(m.model, drawAntitheticBatch(train, settings.batch, rand), lambdas, m.parameterization, rand),
    trainLoss: (row, rand) => noiseLevelLoss(m.model, drawBatch(train, settings.batch, rand), row < lambdas.length ? [lambdas[row]] : lambdas, m.parameterization),
    evaluate: () => noiseLevelHeldout(m.model, held, lambdas, m.parameterization),
    heldout: heldCount,
    weightings: [
      { id: 'uniform', label: 'uniform in λ (ε-MSE)', weights: lambdas.map(() => 1) },
      { id: 'training', label: 'the shipped training loss (ε-MSE, uniform t on the cosine schedule)', weights: curve('eps-mse') },
      { id: 'min-snr', label: 'Min-SNR-γ, γ = 5 (uniform t on the cosine schedule)', weights: curve('min-snr') },
    ],
  };
}
