// The patch transformer's part of the worker protocol (the layer's index re-exports it): requests, results and the
// data of progress replies. tfjs-free, so the UI can import it (through src/protocol).
import type { LabProgress, LabResult, LabSettings } from './lab';
import type { OrderingSpec } from '../core/patch/analysis';
import type { ImagePayload } from './image';
import type { CheckpointProgress, CheckpointStatus } from './checkpoint';

/**
 * What a model is trained and evaluated on: MNIST digits (28×28, one channel; shipped weights), or 32×32 RGB
 * crops of the image sent with the request (a fresh model trained here; held out: a fixed seeded set of crops
 * of that image). Models are kept per (data, ordering).
 */
export type PatchDataKind = 'digits' | 'crops';

/**
 * Which model (data, default 'digits', and ordering), and where the app's public files are (an absolute URL
 * ending in '/'). Crop models need `image`: the working image their crops are cut from.
 */
export type PatchModelTarget = { ordering: OrderingSpec; baseUrl: string; data?: PatchDataKind; image?: ImagePayload };

/** 'bernoulli' suits near-binary digits; 'gaussian' (mean plus noise of std 0.1) suits natural crops. */
export type PatchSampleMode = 'bernoulli' | 'mean' | 'gaussian';

export type PatchModelRequest =
  /** Loads (or returns the already loaded) model for an ordering and evaluates it on the held-out digits. */
  | ({ id: number; kind: 'patch-model-load' } & PatchModelTarget)
  /**
   * The model's next-patch prediction at every step of one held-out example (teacher-forced context): `digit`
   * indexes the held-out digits, or the held-out crops for crop models.
   */
  | ({ id: number; kind: 'patch-model-predict'; digit: number } & PatchModelTarget)
  /** Samples one digit patch by patch in the ordering. */
  | ({ id: number; kind: 'patch-model-generate'; seed: number; mode?: PatchSampleMode } & PatchModelTarget)
  /**
   * Trains `steps` more Adam steps on batches of `batch` training digits. Long-running: progress replies carry
   * a PatchTrainProgress. Cancelling it pauses (the worker keeps the weights, the optimizer and the loss
   * history per ordering); the next train request resumes.
   */
  | ({ id: number; kind: 'patch-model-train'; steps: number; batch?: number } & PatchModelTarget)
  /** Back to the shipped weights (fresh ones where none ship), forgetting the training done here. */
  | ({ id: number; kind: 'patch-model-reset' } & PatchModelTarget)
  /** Saves the current weights in this browser (IndexedDB); later loads prefer them. Digit models only. */
  | ({ id: number; kind: 'patch-model-save' } & PatchModelTarget)
  /** Deletes the copy saved in this browser (the weights in memory stay). */
  | ({ id: number; kind: 'patch-model-forget' } & PatchModelTarget)
  /**
   * Puts back the training run stored in this browser (weights, optimizer state, losses and settings, as
   * checkpointed while it trained) so the next train request continues it; a stored run that no longer fits the
   * model is deleted instead (the status's checkpoint note says so).
   */
  | ({ id: number; kind: 'patch-model-resume' } & PatchModelTarget)
  /** Deletes the training run stored in this browser (the weights in memory stay). */
  | ({ id: number; kind: 'patch-model-discard' } & PatchModelTarget)
  /** The lab's patch-step view of the model as it is now (src/protocol/lab.ts): groups of steps, gradients or transfer. */
  | ({ id: number; kind: 'patch-model-lab'; settings: LabSettings } & PatchModelTarget);

export type PatchModelKind = PatchModelRequest['kind'];

/** Where the weights in memory came from. */
export type PatchModelSource = 'shipped' | 'indexeddb' | 'fresh';

/** Per-step MSE of the simple context predictors (core/patch/predictors) on the same held-out digits. */
export type PatchBaselines = { copy: number[]; mean: number[]; linear: number[] };

/** A model's state and its held-out evaluation: what patch-model-load, -reset, -save and -forget answer. */
export interface PatchModelStatus {
  /** specKey of the ordering for digit models; 'crops|' + specKey for crop models. */
  key: string;
  data: PatchDataKind;
  /** Row-major cell of each step on the patch grid (7×7 for digits, 8×8 for crops). */
  order: number[];
  rows: number;
  cols: number;
  /** Patch side in pixels, the image side (28 for digits, 32 for crops) and its channels (1 or 3). */
  patch: number;
  side: number;
  channels: number;
  source: PatchModelSource;
  /** Why the weights are fresh (no shipped weights for this order), when they are. */
  note: string | null;
  /** Whether this browser holds a saved copy (IndexedDB). */
  saved: boolean;
  paramCount: number;
  /** Held-out next-patch MSE per step (pixels in [0, 1]), and its mean over all steps. */
  perStepMse: number[];
  meanMse: number;
  baselines: PatchBaselines;
  heldoutCount: number;
  /** Changes whenever the weights change (load, training, reset): key predictions on it. */
  version: number;
  /** Training loss of every step taken in this session (since load or reset). */
  losses: number[];
  /** What the model file says about how it was trained (shipped or saved), if anything. */
  trainedSteps: number | null;
  /** The training run stored in this browser, which Resume continues after a reload (digit models only). */
  checkpoint: CheckpointStatus;
  /** The tfjs backend the model runs on. */
  backend: string;
}

export interface PatchPrediction {
  /** The status key of the model, and the weights' version. */
  key: string;
  version: number;
  digit: number;
  /** How many held-out examples there are (digit indices run 0 … count − 1). */
  digitCount: number;
  /** The example, side × side × channels (interleaved), pixels in [0, 1]. */
  truth: Float32Array;
  /** The prediction for every step, steps × patch²·channels in generation order (step s sees the true patches 0…s−1). */
  predictions: Float32Array;
  /** This digit's MSE per step. */
  perStepMse: number[];
}

export interface PatchGeneration {
  seed: number;
  mode: PatchSampleMode;
  /** The sampled patches, steps × patch²·channels in generation order (reveal them one step at a time). */
  tokens: Float32Array;
  /** The finished image, side × side × channels. */
  image: Float32Array;
}

export interface PatchTrainResult {
  /** The whole session's loss history. */
  losses: number[];
  stepsPerSecond: number;
}

export interface PatchTrainProgress extends CheckpointProgress {
  /** Steps taken in this session, and the loss of the newest one. */
  step: number;
  loss: number;
  /** Over this run (since the request started). */
  stepsPerSecond: number;
}

export interface PatchLoadProgress {
  phase: 'backend' | 'data' | 'weights' | 'evaluating';
}

export interface PatchModelResults {
  'patch-model-load': PatchModelStatus;
  'patch-model-predict': PatchPrediction;
  'patch-model-generate': PatchGeneration;
  'patch-model-train': PatchTrainResult;
  'patch-model-reset': PatchModelStatus;
  'patch-model-save': PatchModelStatus;
  'patch-model-forget': PatchModelStatus;
  'patch-model-resume': PatchModelStatus;
  'patch-model-discard': PatchModelStatus;
  'patch-model-lab': LabResult;
}

/** What a progress reply's `data` holds, per request kind. */
export interface PatchModelProgressData {
  'patch-model-load': PatchLoadProgress;
  'patch-model-reset': PatchLoadProgress;
  'patch-model-resume': PatchLoadProgress;
  'patch-model-train': PatchTrainProgress;
  'patch-model-lab': LabProgress;
}

/**
 * One channel per kind, so a newer request of a kind supersedes the older one (another ordering's load, the
 * next digit's prediction); training has its own, so starting another ordering's training pauses the last.
 */
export const PATCH_MODEL_CHANNELS: Record<PatchModelKind, string> = {
  'patch-model-load': 'patch-model-load',
  'patch-model-predict': 'patch-model-predict',
  'patch-model-generate': 'patch-model-generate',
  'patch-model-train': 'patch-model-train',
  'patch-model-reset': 'patch-model-reset',
  'patch-model-save': 'patch-model-save',
  'patch-model-forget': 'patch-model-forget',
  'patch-model-resume': 'patch-model-resume',
  'patch-model-discard': 'patch-model-discard',
  'patch-model-lab': 'lab-patch',
};

export const PATCH_MODEL_KINDS = Object.keys(PATCH_MODEL_CHANNELS) as PatchModelKind[];
