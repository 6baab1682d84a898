// The denoisers' lab measurements: the first view's split-half cosine matrix between noise levels on one held-out
// batch ('denoiser-noise-cosines'), and the lab's noise-level sub-tasks ('denoiser-lab'): K bins of λ, gradients
// accumulated over training batches with independent ε, or the transfer experiment on a fixed held-out batch.
import { seededNoise } from '../../core/diffusion/forward';
import { weightingCurve } from '../../core/diffusion/weighting';
import { binCentres, modelSpaceOfSet, paramCount, randomIndices, type Denoiser, type ImageSet, type Parameterization } from '../../models/diffusion';
import { denoiserNoiseCosinesOfBatch } from '../../models/equivalence/splitHalfCosines';
import { noiseLevelHeldout, noiseLevelLoss, noiseLevelLosses, type NoiseBatch } from '../../models/equivalence/subtasks';
import { activeBackendName } from '../../models/savedModels';
import type { DenoiserCosineProgress, DenoiserNoiseCosines, DenoiserRequest } from '../../protocol/denoiser';
import type { LabSettings } from '../../protocol/lab';
import type { LabSubtasks } from './lab';
import type { ModelContext } from './modelHost';

/** The gradient-cosine matrix keeps 2K gradients of every parameter at its peak (2 × 32 × 1.15 M floats ≈ 300 MB at K = 16). */
const MAX_COSINE_LEVELS = 16;
const MAX_COSINE_BATCH = 64;
/** Held-out examples the transfer losses are measured on, at most. */
const HELDOUT_EXAMPLES = 256;

type CosineRequest = Extract<DenoiserRequest, { kind: 'denoiser-noise-cosines' }>;

export function checkCosineRequest({ k, batch, seed }: CosineRequest): void {
  if (!(Number.isInteger(k) && k >= 2 && k <= MAX_COSINE_LEVELS)) throw new RangeError(`the matrix needs 2…${MAX_COSINE_LEVELS} noise levels, not ${k}`);
  if (!(Number.isInteger(batch) && batch >= 2 && batch <= MAX_COSINE_BATCH && batch % 2 === 0)) {
    throw new RangeError(`the batch must be an even number of 2…${MAX_COSINE_BATCH} examples (it is split in halves), not ${batch}`);
  }
  if (!Number.isInteger(seed)) throw new RangeError(`the noise seed must be a whole number, not ${seed}`);
}

/** The model as the lab sees it. */
export interface DenoiserLabModel {
  model: Denoiser;
  parameterization: Parameterization;
  version: number;
  label: string;
  source: string;
  stepsTrainedHere: number;
}

/** The split-half cosine matrix on the first `batch` held-out examples (`noun`: what they are), ε from the seed (the caller holds the model's lock). */
export async function noiseCosines(req: CosineRequest, m: DenoiserLabModel, set: ImageSet, noun: string, ctx: ModelContext): Promise<DenoiserNoiseCosines> {
  const { k, batch } = req;
  if (batch > set.count) throw new RangeError(`the batch (${batch}) is larger than the ${set.count} held-out ${noun}`);
  const indices = Int32Array.from({ length: batch }, (_, i) => i);
  const x0 = modelSpaceOfSet(set, indices);
  const eps = seededNoise(x0.length, req.seed);
  const labels = set.labels ? set.labels.subarray(0, batch) : null;
  const lambda = binCentres(k);
  const start = performance.now();
  const out = await denoiserNoiseCosinesOfBatch(m.model, { count: batch, x0, eps, labels }, lambda, m.parameterization, {
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress(done, total, `Gradient of noise level ${done} of ${total}`, { phase: 'gradients' } satisfies DenoiserCosineProgress),
  });
  return {
    model: req.model, version: m.version, parameterization: m.parameterization, paramCount: paramCount(m.model.config),
    k, batch, seed: req.seed, lambda, cosines: out.cosines, norms: out.norms, spread: out.spread,
    milliseconds: performance.now() - start, backend: activeBackendName(),
  };
}

/** `count` examples of `set` drawn with `rand`, each with its own ε. */
function drawBatch(set: ImageSet, count: number, rand: () => number): NoiseBatch {
  const idx = randomIndices(set.count, count, rand);
  const x0 = modelSpaceOfSet(set, idx);
  return { count, x0, eps: seededNoise(x0.length, Math.floor(rand() * 2 ** 31)), labels: set.labels ? Array.from(idx, (i) => set.labels![i]) : null };
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
    gradientBatch: (_b, rand) => noiseLevelLosses(m.model, drawBatch(train, settings.batch, rand), lambdas, m.parameterization, rand),
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
