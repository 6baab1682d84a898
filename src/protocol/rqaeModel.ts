// The learned RQ auto-encoder's part of the worker protocol (the layer's index re-exports it): requests, results
// and the data of progress replies. tfjs-free, so the UI can import it (through src/protocol).
import type { LabProgress, LabResult, LabSettings } from './lab';
import type { RqaeObjective } from '../core/depth/kinds';
import type { ImagePayload } from './image';
import type { CheckpointProgress, CheckpointStatus } from './checkpoint';

/**
 * What a model is trained and evaluated on: MNIST digits (28×28, one channel; shipped weights, held out:
 * public/models/patch-ar/digits-heldout.bin), or 32×32 RGB crops of the image sent with the request (a fresh
 * model trained here; held out: a fixed seeded set of crops of that image).
 */
export type RqaeDataKind = 'digits' | 'crops';

export type { RqaeObjective };

/** A shipped digit model (public/models/rqae/<key>/). */
export type RqaeShippedModel = { key: string; objective: RqaeObjective; depth: number; sharedCodebook: boolean };

/**
 * Every digit model the training script makes: objectives (b) 'summed' and (a) 'full' (RQ-VAE's objective) at
 * D = 4, 8, 16, all with one shared codebook; and the pair (b), (a) at D = 8 with one codebook per depth.
 */
export const RQAE_MODELS: readonly RqaeShippedModel[] = [
  { key: 'summed-d4', objective: 'summed', depth: 4, sharedCodebook: true },
  { key: 'summed-d8', objective: 'summed', depth: 8, sharedCodebook: true },
  { key: 'summed-d16', objective: 'summed', depth: 16, sharedCodebook: true },
  { key: 'full-d4', objective: 'full', depth: 4, sharedCodebook: true },
  { key: 'full-d8', objective: 'full', depth: 8, sharedCodebook: true },
  { key: 'full-d16', objective: 'full', depth: 16, sharedCodebook: true },
  { key: 'summed-d8-perdepth', objective: 'summed', depth: 8, sharedCodebook: false },
  { key: 'full-d8-perdepth', objective: 'full', depth: 8, sharedCodebook: false },
];

/** The models whose weights ship in public/models/rqae/ (the others come with the next full run of the script). */
export const RQAE_SHIPPED_KEYS = ['summed-d4', 'summed-d8', 'summed-d16', 'full-d4', 'full-d8', 'full-d16', 'summed-d8-perdepth', 'full-d8-perdepth'] as const;

/** The shipped models, in RQAE_MODELS' order: what the app offers and the tests measure. */
export const RQAE_SHIPPED_MODELS: readonly RqaeShippedModel[] = RQAE_MODELS.filter((m) => (RQAE_SHIPPED_KEYS as readonly string[]).includes(m.key));

/**
 * The non-monotone fractions the talk reports for the summed objective with a shared codebook (approximate:
 * "about 30 % at depth 4, 40 % at 8, over 50 % at 16"; the talk added an information bottleneck).
 */
export const RQAE_TALK_NON_MONOTONE: readonly { depth: number; fraction: number; label: string }[] = [
  { depth: 4, fraction: 0.3, label: '≈30 %' },
  { depth: 8, fraction: 0.4, label: '≈40 %' },
  { depth: 16, fraction: 0.5, label: '>50 %' },
];

/**
 * Which model: `model` is a shipped model's key (public/models/rqae/<key>/: 'summed-d4', 'summed-d8',
 * 'summed-d16', 'full-d4', 'full-d8', 'full-d16', 'summed-d8-perdepth', 'full-d8-perdepth'), which fixes its objective, depth and
 * codebooks; `baseUrl` is where the app's public files
 * are (an absolute URL ending in '/'). Crop models need `image`.
 */
export type RqaeModelTarget = {
  model: string;
  baseUrl: string;
  data?: RqaeDataKind;
  image?: ImagePayload;
  /** Crop models only: one codebook per depth instead of the shared one (as the '-perdepth' models have). */
  perDepthCodebooks?: boolean;
};

export type RqaeModelRequest =
  /** Loads (or returns the already loaded) model and evaluates it on the held-out set. */
  | ({ id: number; kind: 'rqae-load' } & RqaeModelTarget)
  /** One held-out example (`digit` indexes the held-out digits or crops) reconstructed from its first 1…D codes. */
  | ({ id: number; kind: 'rqae-reconstruct'; digit: number } & RqaeModelTarget)
  /** Every shipped digit model's held-out curve, measured here (for the overlay and the non-monotone bars). */
  | { id: number; kind: 'rqae-compare'; baseUrl: string }
  /**
   * Trains `steps` more Adam steps on batches of `batch`. Progress replies carry an RqaeTrainProgress.
   * Cancelling pauses (the worker keeps weights, optimizer and loss history); the next train request resumes.
   */
  | ({ id: number; kind: 'rqae-train'; steps: number; batch?: number } & RqaeModelTarget)
  /** Back to the shipped weights (fresh ones for crop models), forgetting the training done here. */
  | ({ id: number; kind: 'rqae-reset' } & RqaeModelTarget)
  /** Saves the current weights in this browser (IndexedDB); later loads prefer them. Digit models only. */
  | ({ id: number; kind: 'rqae-save' } & RqaeModelTarget)
  /** Deletes the copy saved in this browser (the weights in memory stay). */
  | ({ id: number; kind: 'rqae-forget' } & RqaeModelTarget)
  /**
   * Puts back the training run stored in this browser (weights, optimizer state, losses and settings, as
   * checkpointed while it trained) so the next train request continues it; a stored run that no longer fits the
   * model is deleted instead (the status's checkpoint note says so).
   */
  | ({ id: number; kind: 'rqae-resume' } & RqaeModelTarget)
  /** Deletes the training run stored in this browser (the weights in memory stay). */
  | ({ id: number; kind: 'rqae-discard' } & RqaeModelTarget)
  /** The lab's depth view of the model as it is now (src/protocol/lab.ts): one sub-task per depth, gradients or transfer. */
  | ({ id: number; kind: 'rqae-lab'; settings: LabSettings } & RqaeModelTarget);

export type RqaeModelKind = RqaeModelRequest['kind'];

export type RqaeModelSource = 'shipped' | 'indexeddb' | 'fresh';

/** Codebook health of one depth over the held-out set (src/core/depth/codebook.ts). */
export interface RqaeCodebookHealth {
  /** Latent vectors per codeword at this depth, indexed by code. */
  counts: number[];
  perplexity: number;
  dead: number;
}

/** Held-out numbers of the weights a training run had reached at `step` (recorded by the training script). */
export interface RqaeCheckpoint {
  step: number;
  nonMonotoneFraction: number;
  /** PSNR (dB) at full depth D. */
  fullDepthPsnr: number;
}

/** A model's held-out numbers: PSNR per depth and how often more depth makes a sample worse. */
export interface RqaeCurve {
  /** PSNR (dB, pixels in [0, 1]) of the reconstruction from the first d codes, d = 1…D. */
  psnrPerDepth: number[];
  /** Fraction of held-out samples whose MSE rises from some depth d to d+1 (by more than 1e-6 relative). */
  nonMonotoneFraction: number;
  /** The same with rises of more than 1 % relative only (absent in files written before it existed). */
  largeRiseFraction?: number;
  /** Per step d → d+1: the fraction of samples whose MSE rises there (D − 1 values). */
  increaseFractionPerStep: number[];
  /** The non-monotone fraction at each threshold of core/depth/nonMonotone.ts NON_MONOTONE_THRESHOLDS (measured here only). */
  nonMonotoneByThreshold?: number[];
  /** Recorded numbers only: the same held-out numbers at a few checkpoints of the training run, by step (absent
   *  when the script did not record them). */
  checkpoints?: RqaeCheckpoint[];
}

export interface RqaeModelStatus extends RqaeCurve {
  /** The model key ('summed-d8'…), prefixed 'crops|' for crop models and suffixed '|per-depth' for per-depth codebooks. */
  key: string;
  model: string;
  data: RqaeDataKind;
  objective: RqaeObjective;
  depth: number;
  codebookSize: number;
  sharedCodebook: boolean;
  latentDim: number;
  /** Image side (28 digits, 32 crops) and channels (1 or 3). */
  side: number;
  channels: number;
  source: RqaeModelSource;
  note: string | null;
  saved: boolean;
  paramCount: number;
  heldoutCount: number;
  /** Per depth, over the held-out set. */
  health: RqaeCodebookHealth[];
  /** What the training script recorded for these weights (shipped models), to compare with the live numbers. */
  recorded: RqaeCurve | null;
  /** Changes whenever the weights change: key reconstructions on it. */
  version: number;
  /** Training loss of every step taken in this session (since load or reset). */
  losses: number[];
  trainedSteps: number | null;
  /** The training run stored in this browser, which Resume continues after a reload. */
  checkpoint: CheckpointStatus;
  backend: string;
}

export interface RqaeReconstruction {
  key: string;
  version: number;
  digit: number;
  digitCount: number;
  /** The example, side × side × channels (interleaved), pixels in [0, 1]. */
  truth: Float32Array;
  /** Its reconstructions from the first 1…D codes, D × side × side × channels. */
  reconstructions: Float32Array;
  /** Its MSE per depth. */
  msePerDepth: number[];
}

export interface RqaeComparison {
  models: ({ model: string; objective: RqaeObjective; depth: number; source: RqaeModelSource } & RqaeCurve)[];
  heldoutCount: number;
}

export interface RqaeTrainResult {
  losses: number[];
  stepsPerSecond: number;
}

export interface RqaeTrainProgress extends CheckpointProgress {
  /** Steps taken in this session, and the loss of the newest one. */
  step: number;
  loss: number;
  /** Over this run (since the request started). */
  stepsPerSecond: number;
}

export interface RqaeLoadProgress {
  phase: 'backend' | 'data' | 'weights' | 'evaluating';
}

export interface RqaeModelResults {
  'rqae-load': RqaeModelStatus;
  'rqae-reconstruct': RqaeReconstruction;
  'rqae-compare': RqaeComparison;
  'rqae-train': RqaeTrainResult;
  'rqae-reset': RqaeModelStatus;
  'rqae-save': RqaeModelStatus;
  'rqae-forget': RqaeModelStatus;
  'rqae-resume': RqaeModelStatus;
  'rqae-discard': RqaeModelStatus;
  'rqae-lab': LabResult;
}

/** What a progress reply's `data` holds, per request kind. */
export interface RqaeModelProgressData {
  'rqae-load': RqaeLoadProgress;
  'rqae-reset': RqaeLoadProgress;
  'rqae-resume': RqaeLoadProgress;
  'rqae-compare': RqaeLoadProgress;
  'rqae-train': RqaeTrainProgress;
  'rqae-lab': LabProgress;
}

/** One channel per kind: a newer request of a kind supersedes the older one (another model's load…). */
export const RQAE_MODEL_CHANNELS: Record<RqaeModelKind, string> = {
  'rqae-load': 'rqae-load',
  'rqae-reconstruct': 'rqae-reconstruct',
  'rqae-compare': 'rqae-compare',
  'rqae-train': 'rqae-train',
  'rqae-reset': 'rqae-reset',
  'rqae-save': 'rqae-save',
  'rqae-forget': 'rqae-forget',
  'rqae-resume': 'rqae-resume',
  'rqae-discard': 'rqae-discard',
  'rqae-lab': 'lab-depth',
};

export const RQAE_MODEL_KINDS = Object.keys(RQAE_MODEL_CHANNELS) as RqaeModelKind[];
