// The denoisers' part of the worker protocol (the layer's index re-exports it): requests, results and the data of
// progress replies. tfjs-free, so the UI can import it (through src/protocol).
//
// Conventions (docs/conventions.md, "Pixels and model space", "Noise levels"): pixels in [0, 1] travel; the models work on x0 in [−1, 1]. A denoiser is
// conditioned on the log-SNR λ, not on t, and sees the variance-preserving input x_t / sqrt(α² + σ²), so any
// schedule of the panel (each gives α_t, σ_t, hence λ) drives the same network.
import type { LabProgress, LabResult, LabSettings } from './lab';
import type { CheckpointProgress, CheckpointStatus } from './checkpoint';
import type { GuidancePlacement, Parameterization, SamplerKind, WeightingKind } from '../core/diffusion/kinds';

/**
 * The denoisers. Class-conditional 28×28×1 MNIST digits (class 10 = the null class of classifier-free guidance):
 * 'digits-unet' (a small convolutional U-Net, the panel's default), 'digits' (a residual MLP) and 'digits-early'
 * (the MLP's early-training checkpoint, the lab's second point of training); 'patches': unconditional 32×32×3
 * natural-image patches.
 */
export const DENOISER_IDS = ['digits-unet', 'digits', 'digits-early', 'patches'] as const;
export type DenoiserId = (typeof DENOISER_IDS)[number];

/** The digit denoisers (class-conditional, judged by the digit classifier). */
export const DIGIT_DENOISER_IDS = ['digits-unet', 'digits', 'digits-early'] as const satisfies readonly DenoiserId[];

export function isDigitDenoiser(id: DenoiserId): boolean {
  return (DIGIT_DENOISER_IDS as readonly DenoiserId[]).includes(id);
}

/** What the network outputs (and the loss compares): ε, x0, v = α·ε − σ·x0, or the flow velocity ε − x0. */
export type DenoiserParameterization = Parameterization;

/** Per-sample weight on the loss during training here (names as the panel's weighting selector). */
export type DenoiserWeighting = WeightingKind;

export type DenoiserSampler = SamplerKind;

/** α_t and σ_t of the panel's schedule at one t (any schedule: VP, EDM or flow). */
export type NoiseLevel = { alpha: number; sigma: number };

/** Which denoiser, and where the app's public files are (an absolute URL ending in '/'). */
export type DenoiserTarget = { model: DenoiserId; baseUrl: string };

export type DenoiserRequest =
  /** Loads (or returns the already loaded) denoiser and evaluates it on its held-out set. */
  | ({ id: number; kind: 'denoiser-load' } & DenoiserTarget)
  /**
   * The model's x̂0 from x_t = α·x0 + σ·ε for one image: `pixels` is side × side × channels in [0, 1] (the
   * panel's image resized to the model's side, or a held-out example), ε drawn from `seed` (the same ε for the
   * same seed while the t slider moves). `label`: the class to condition on (digits; 10 or absent = null).
   * Or `heldout`: held-out example i (and, for digits, its true label unless `label` is given) instead of pixels.
   */
  | ({ id: number; kind: 'denoiser-predict'; pixels?: Float32Array; heldout?: number; level: NoiseLevel; seed: number; label?: number } & DenoiserTarget)
  /**
   * Samples `count` images from pure noise. `levels`: the sampler's noise levels from noisiest to cleanest
   * (steps + 1 values, the last one α = 1, σ = 0), taken from the panel's schedule. Guidance (digits only):
   * ε = ε_null + guidance·(ε_label − ε_null) when the level's σ/α (σ_EDM) lies in [interval[0], interval[1]],
   * the conditional prediction alone elsewhere. `stripCount` intermediate x̂0 are returned per image.
   */
  | ({
      id: number; kind: 'denoiser-sample'; sampler: DenoiserSampler; levels: NoiseLevel[]; seed: number; count: number;
      label?: number; guidance?: number; interval?: [number, number]; stripCount?: number;
    } & DenoiserTarget)
  /**
   * Trains `steps` more Adam steps at batch `batch` with the chosen parameterization and weighting (Min-SNR γ
   * when weighting is 'min-snr'). Long-running: progress carries a DenoiserTrainProgress. Cancelling pauses;
   * the next train request resumes (weights, optimizer state and loss history are kept per model).
   */
  | ({ id: number; kind: 'denoiser-train'; steps: number; batch?: number; parameterization: DenoiserParameterization; weighting: DenoiserWeighting; gamma?: number } & DenoiserTarget)
  /** Back to the shipped weights, forgetting training done here. */
  | ({ id: number; kind: 'denoiser-reset' } & DenoiserTarget)
  /** Saves the current weights in this browser (IndexedDB); later loads prefer them. */
  | ({ id: number; kind: 'denoiser-save' } & DenoiserTarget)
  /** Deletes the copy saved in this browser (the weights in memory stay). */
  | ({ id: number; kind: 'denoiser-forget' } & DenoiserTarget)
  /**
   * Puts back the training run stored in this browser (weights, optimizer state, losses and settings, as
   * checkpointed while it trained) so the next train request continues it; a stored run that no longer fits the
   * model is deleted instead (the status's checkpoint note says so).
   */
  | ({ id: number; kind: 'denoiser-resume' } & DenoiserTarget)
  /** Deletes the training run stored in this browser (the weights in memory stay). */
  | ({ id: number; kind: 'denoiser-discard' } & DenoiserTarget)
  /** The lab's noise-level view of the model as it is now (src/protocol/lab.ts): K bins of λ, gradients or transfer. */
  | ({ id: number; kind: 'denoiser-lab'; settings: LabSettings } & DenoiserTarget)
  /**
   * Sample quality of a class-conditional digit model as it is now (docs/conventions.md, "Sample quality"): for
   * each guidance placement, `perClass` samples of every class by `steps`-step DDIM on the cosine schedule with
   * guidance w = `guidance` (same seeds for every placement), their class accuracy and FD-classifier against the
   * held-out digits; and the floor, FD-classifier of the held-out digits against as many training digits.
   * Progress: loading phases, then one reply per sampler step. Cancelling stops it between steps. Answers
   * are cached per model, weights and settings.
   */
  | ({ id: number; kind: 'denoiser-quality'; settings: QualitySettings } & DenoiserTarget);

export type DenoiserKind = DenoiserRequest['kind'];

/** A sample-quality measurement's settings: samples per class, DDIM steps, guidance scale w and the seed of the first batch. */
export type QualitySettings = { perClass: number; steps: number; guidance: number; seed: number };

/** The measurement the figures use: 100 samples per class (1,000), 20 DDIM steps, w = 2. */
export const QUALITY_DEFAULTS: QualitySettings = { perClass: 100, steps: 20, guidance: 2, seed: 1 };

export const QUALITY_LIMITS = { maxPerClass: 200, maxSteps: 100, maxGuidance: 10 } as const;

export function checkQualitySettings(s: QualitySettings): void {
  const whole = (v: number, lo: number, hi: number, what: string) => {
    if (!(Number.isInteger(v) && v >= lo && v <= hi)) throw new RangeError(`${what} must be a whole number in ${lo}…${hi}, not ${v}`);
  };
  if (!s) throw new TypeError('a quality measurement needs its settings');
  whole(s.perClass, 2, QUALITY_LIMITS.maxPerClass, 'the samples per class');
  whole(s.steps, 1, QUALITY_LIMITS.maxSteps, 'the number of steps');
  if (!(s.guidance >= 0 && s.guidance <= QUALITY_LIMITS.maxGuidance)) throw new RangeError(`the guidance scale must be in 0…${QUALITY_LIMITS.maxGuidance}, not ${s.guidance}`);
  if (!Number.isInteger(s.seed)) throw new RangeError(`the seed must be a whole number, not ${s.seed}`);
}

export type DenoiserSource = 'shipped' | 'indexeddb' | 'fresh';

/** A denoiser's state and held-out evaluation: what -load, -reset, -save and -forget answer. */
export interface DenoiserStatus {
  model: DenoiserId;
  side: number;
  channels: number;
  /** 11 for digits (10 classes and the null class), 0 for the unconditional model. */
  classes: number;
  /** What the network outputs (shipped models: as trained by the script). */
  parameterization: DenoiserParameterization;
  source: DenoiserSource;
  saved: boolean;
  paramCount: number;
  /**
   * The sub-task difficulty profile: held-out ε-MSE of the model in 50 equal bins of λ (centres in `lambda`,
   * from high noise to low noise), at a fixed seed; `loss[i]` is the mean over the held-out batch.
   */
  lambda: number[];
  loss: number[];
  heldoutCount: number;
  /** Held-out accuracy of the shipped digit classifier (digits only), as a fraction. */
  classifierAccuracy: number | null;
  /** Changes whenever the weights change: key predictions on it. */
  version: number;
  /** Training loss of every step taken in this session (since load or reset). */
  losses: number[];
  trainedSteps: number | null;
  /** The training run stored in this browser, which Resume continues after a reload (with its target and weighting). */
  checkpoint: CheckpointStatus<DenoiserRunSettings>;
  backend: string;
}

/** The denoiser's own settings of a training run, which its checkpoints store. */
export type DenoiserRunSettings = { parameterization: DenoiserParameterization; weighting: DenoiserWeighting; gamma?: number };

export interface DenoiserPrediction {
  model: DenoiserId;
  version: number;
  /** The clean image x0 in pixels, side × side × channels, and its label (digits from the held-out set). */
  clean: Float32Array;
  label: number | null;
  /** x_t as the model saw it, mapped back to pixels (clipped to [0, 1] for display), side × side × channels. */
  noisy: Float32Array;
  /** x̂0 in pixels (clipped to [0, 1]), and |x̂0 − x0| per pixel (in pixel units). */
  x0hat: Float32Array;
  error: Float32Array;
  /** MSE of x̂0 against x0 (pixels in [0, 1]) and the λ of the level. */
  mse: number;
  lambda: number;
}

export interface DenoiserSampleResult {
  model: DenoiserId;
  /** count × side × side × channels, pixels in [0, 1]. */
  images: Float32Array;
  /** Per image, stripCount x̂0 snapshots: count × stripCount × side × side × channels, in [0, 1]. */
  strip: Float32Array;
  /** σ/α of each strip snapshot's level. */
  stripSigma: number[];
  /** Digits: the classifier's class per sample, and its probability. */
  predictedClass: number[] | null;
  confidence: number[] | null;
  milliseconds: number;
}

export interface DenoiserTrainResult {
  losses: number[];
  stepsPerSecond: number;
}

export interface DenoiserTrainProgress extends CheckpointProgress {
  step: number;
  loss: number;
  stepsPerSecond: number;
}

export interface DenoiserLoadProgress {
  phase: 'backend' | 'data' | 'weights' | 'evaluating';
}

/** Samples at one guidance placement, as the classifier reads them. */
export interface QualityRow {
  placement: GuidancePlacement;
  /** The scale applied (1 where guidance is nowhere) and where: σ/α within [lo, hi] (null: nowhere). */
  guidance: number;
  interval: [number, number] | null;
  /** Share of the samples the classifier reads as the class they were sampled for, and per class (index = class). */
  accuracy: number;
  classAccuracy: number[];
  /** FD-classifier against the held-out digits, and its two parts (‖μ1 − μ2‖², the covariance term). */
  fd: number;
  fdMean: number;
  fdCov: number;
}

export interface DenoiserQuality {
  model: DenoiserId;
  /** The weights measured (DenoiserStatus.version). */
  version: number;
  settings: QualitySettings;
  /** Samples per placement (perClass × classes) and held-out digits compared with. */
  samples: number;
  heldoutCount: number;
  /** Features compared (the classifier's penultimate layer). */
  featureDim: number;
  rows: QualityRow[];
  /** What the measure reads for real digits: FD-classifier of the held-out digits against the first `trainCount` training digits, and the classifier's held-out accuracy. */
  floor: { fd: number; trainCount: number; classifierAccuracy: number };
  /** Time of the measurement (0 when answered from the cache). */
  milliseconds: number;
  cached: boolean;
  backend: string;
}

/** Progress of a quality measurement: loading phases, then the placement being sampled and samples done in it. */
export type DenoiserQualityProgress = DenoiserLoadProgress | { phase: 'sampling'; placement: GuidancePlacement; samples: number };

export interface DenoiserResults {
  'denoiser-load': DenoiserStatus;
  'denoiser-predict': DenoiserPrediction;
  'denoiser-sample': DenoiserSampleResult;
  'denoiser-train': DenoiserTrainResult;
  'denoiser-reset': DenoiserStatus;
  'denoiser-save': DenoiserStatus;
  'denoiser-forget': DenoiserStatus;
  'denoiser-resume': DenoiserStatus;
  'denoiser-discard': DenoiserStatus;
  'denoiser-lab': LabResult;
  'denoiser-quality': DenoiserQuality;
}

export interface DenoiserProgressData {
  'denoiser-load': DenoiserLoadProgress;
  'denoiser-reset': DenoiserLoadProgress;
  'denoiser-resume': DenoiserLoadProgress;
  'denoiser-train': DenoiserTrainProgress;
  'denoiser-lab': LabProgress;
  'denoiser-quality': DenoiserQualityProgress;
}

export const DENOISER_CHANNELS: Record<DenoiserKind, string> = {
  'denoiser-load': 'denoiser-load',
  'denoiser-predict': 'denoiser-predict',
  'denoiser-sample': 'denoiser-sample',
  'denoiser-train': 'denoiser-train',
  'denoiser-reset': 'denoiser-reset',
  'denoiser-save': 'denoiser-save',
  'denoiser-forget': 'denoiser-forget',
  'denoiser-resume': 'denoiser-resume',
  'denoiser-discard': 'denoiser-discard',
  'denoiser-lab': 'lab-noise',
  'denoiser-quality': 'denoiser-quality',
};

export const DENOISER_KINDS = Object.keys(DENOISER_CHANNELS) as DenoiserKind[];
