// The Equivalence lab's part of the protocol: one request per model host ('denoiser-lab', 'patch-model-lab',
// 'rqae-lab'), each measuring the model as it is in the worker right now, and one result shape for every
// decomposition. tfjs-free; the layer's index re-exports it.

/** The decompositions the lab compares, in the order the page shows them. */
export const LAB_DECOMPOSITIONS = ['noise', 'patch', 'depth'] as const;
export type LabDecomposition = (typeof LAB_DECOMPOSITIONS)[number];

/** How a patch model's steps are grouped: K equal bins of generation steps, or the row starts against mid-row. */
export const PATCH_GROUPINGS = ['equal', 'row-starts'] as const;
export type PatchGrouping = (typeof PATCH_GROUPINGS)[number];

/**
 * What to measure. 'gradients': the sub-task gradients accumulated over `batches` training batches of `batch`
 * examples (half A, half B and the control's K parts from each), answered as their Gram matrix. 'transfer':
 * `steps` Adam steps at `lr` on each sub-task alone (then on all), every sub-task's held-out loss after each.
 */
export type LabSettings =
  | { measure: 'gradients'; k: number; batch: number; batches: number; seed: number; grouping?: PatchGrouping }
  | { measure: 'transfer'; k: number; batch: number; steps: number; lr: number; seed: number; grouping?: PatchGrouping };

/** A weighting of the sub-task losses whose update the alignment measure reads (one weight per sub-task). */
export type LabWeighting = { id: string; label: string; weights: number[] };

/** What the model was when measured. */
export interface LabModelInfo {
  decomposition: LabDecomposition;
  /** e.g. "digit denoiser (ε)", "raster patch transformer", "RQ auto-encoder summed-d8". */
  label: string;
  /** Where its weights came from, and how many steps were trained in this page on top (0: as loaded). */
  source: string;
  stepsTrainedHere: number;
  paramCount: number;
  /** One short name per sub-task, e.g. "λ −8.75", "steps 1–7", "depth 3". */
  subtasks: string[];
}

export interface LabGradientsResult extends LabModelInfo {
  measure: 'gradients';
  k: number;
  batch: number;
  batches: number;
  seed: number;
  /** 3K × 3K, row-major: the Gram matrix of [A_0…A_{K−1}, B_0…B_{K−1}, C_0…C_{K−1}] (core/equivalence/gramStats.ts). */
  gram: Float64Array;
  /** The weightings the alignment view offers: uniform first, then the model's own objective(s). */
  weightings: LabWeighting[];
  milliseconds: number;
  backend: string | null;
}

export interface LabTransferResult extends LabModelInfo {
  measure: 'transfer';
  k: number;
  batch: number;
  steps: number;
  lr: number;
  seed: number;
  /** K held-out losses before training. */
  before: number[];
  /** K + 1 rows: held-out losses after training on sub-task i alone, then on all of them (the reference). */
  after: number[][];
  /** How many held-out examples the losses are measured on. */
  heldout: number;
  milliseconds: number;
  backend: string | null;
}

export type LabResult = LabGradientsResult | LabTransferResult;

/** Progress of a lab measurement: loading phases, then steps; `gram` after each batch, so the page can sharpen its matrix. */
export type LabProgress = { phase: 'backend' | 'weights' | 'data' | 'evaluating' | 'gradients' | 'transfer'; batches?: number; gram?: Float64Array };

/** Limits every host checks (the gradients' memory is 3K + 1 flat gradients of every parameter). */
export const LAB_LIMITS = { maxK: 16, maxBatch: 256, maxBatches: 64, maxSteps: 200 } as const;

/** Checks settings against LAB_LIMITS; throws a RangeError naming the first bad one. */
export function checkLabSettings(s: LabSettings): void {
  const whole = (v: number, lo: number, hi: number, what: string) => {
    if (!(Number.isInteger(v) && v >= lo && v <= hi)) throw new RangeError(`${what} must be a whole number in ${lo}…${hi}, not ${v}`);
  };
  whole(s.k, 2, LAB_LIMITS.maxK, 'the number of sub-tasks');
  whole(s.batch, 2, LAB_LIMITS.maxBatch, 'the batch');
  if (s.batch % 2 !== 0) throw new RangeError(`the batch must be even (it is split in halves), not ${s.batch}`);
  if (!Number.isInteger(s.seed)) throw new RangeError(`the seed must be a whole number, not ${s.seed}`);
  if (s.measure === 'gradients') whole(s.batches, 1, LAB_LIMITS.maxBatches, 'the number of batches');
  else {
    whole(s.steps, 1, LAB_LIMITS.maxSteps, 'the number of steps');
    if (!(s.lr > 0 && s.lr <= 0.1)) throw new RangeError(`the learning rate must be in (0, 0.1], not ${s.lr}`);
  }
}
