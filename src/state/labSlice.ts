// The Equivalence lab's settings: for each of its three views (noise levels, patch steps, depths) the model, K,
// the grouping, the gradients' batch, batches and seed, and the transfer's steps, learning rate and batch. They
// are in the link, so a reader can reproduce a measurement from it. The measurements themselves (and the
// comparison table made of them) are computed results: kept in the store for this page, never in the link.
import type { StateCreator } from 'zustand';
import { LAB_LIMITS, type LabDecomposition, type LabResult, type PatchGrouping, PATCH_GROUPINGS } from '../protocol/lab';
import { RQAE_SHIPPED_MODELS } from '../protocol/rqaeModel';
import { int, linkDefaults, oneOf, type LinkSlice, type Read } from './codec';
import type { Store } from './store';

/** Noise levels: the digit MLP denoiser (and its early checkpoint), the digit U-Net, or the natural-patch denoiser. */
export const LAB_NOISE_MODELS = ['digits', 'digits-unet', 'digits-early', 'patches'] as const;
/** Patch steps: the digit transformers in three orders, and the crop models trained in the page in the same orders. */
export const LAB_PATCH_MODELS = ['raster', 'hilbert', 'random', 'crops-raster', 'crops-hilbert', 'crops-random'] as const;
/** Depths: every shipped RQ auto-encoder. */
export const LAB_DEPTH_MODELS: readonly string[] = RQAE_SHIPPED_MODELS.map((m) => m.key);
export type LabNoiseModel = (typeof LAB_NOISE_MODELS)[number];
export type LabPatchModel = (typeof LAB_PATCH_MODELS)[number];

/** Batches the gradients (and the transfer steps) are taken on: even, and at least K (the control's K parts). */
export const LAB_BATCHES = [8, 16, 32, 64, 128, 256] as const;
export const LAB_LRS = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2] as const;
export const LAB_K_RANGE: readonly [number, number] = [2, LAB_LIMITS.maxK];
export const LAB_SEED_MAX = 2 ** 31 - 1;
/** The patch models whose orders fill the grid row by row: the only ones where "row starts against mid-row" is a grouping. */
export const ROW_START_MODELS: readonly LabPatchModel[] = ['raster', 'crops-raster'];

export interface LabView {
  noiseModel: LabNoiseModel;
  /** Number of noise levels K (equal λ bins of the training range). */
  noiseK: number;
  noiseBatch: number;
  noiseBatches: number;
  noiseSeed: number;
  noiseSteps: number;
  noiseLr: number;
  noiseTransferBatch: number;
  patchModel: LabPatchModel;
  patchGrouping: PatchGrouping;
  /** K equal groups of steps (the grouping 'row-starts' is always 2). */
  patchK: number;
  patchBatch: number;
  patchBatches: number;
  patchSeed: number;
  patchSteps: number;
  patchLr: number;
  patchTransferBatch: number;
  /** A shipped model's key; its depth D is K. */
  depthModel: string;
  depthBatch: number;
  depthBatches: number;
  depthSeed: number;
  depthSteps: number;
  depthLr: number;
  depthTransferBatch: number;
}

/** One view's settings, whatever the view (the fields a view does not have are filled in). */
export interface LabViewSettings {
  model: string;
  k: number;
  grouping: PatchGrouping;
  batch: number;
  batches: number;
  seed: number;
  steps: number;
  lr: number;
  transferBatch: number;
}

/** Where each view keeps each of its settings in LabView (null: not a setting of that view). */
const VIEW_FIELDS: Record<LabDecomposition, Record<keyof LabViewSettings, keyof LabView | null>> = {
  noise: {
    model: 'noiseModel', k: 'noiseK', grouping: null, batch: 'noiseBatch', batches: 'noiseBatches', seed: 'noiseSeed',
    steps: 'noiseSteps', lr: 'noiseLr', transferBatch: 'noiseTransferBatch',
  },
  patch: {
    model: 'patchModel', k: 'patchK', grouping: 'patchGrouping', batch: 'patchBatch', batches: 'patchBatches', seed: 'patchSeed',
    steps: 'patchSteps', lr: 'patchLr', transferBatch: 'patchTransferBatch',
  },
  depth: {
    model: 'depthModel', k: null, grouping: null, batch: 'depthBatch', batches: 'depthBatches', seed: 'depthSeed',
    steps: 'depthSteps', lr: 'depthLr', transferBatch: 'depthTransferBatch',
  },
};

/** The depth D of a shipped RQ model (its K in the lab). */
export function depthOfModel(key: string): number {
  return RQAE_SHIPPED_MODELS.find((m) => m.key === key)?.depth ?? RQAE_SHIPPED_MODELS[0].depth;
}

/** A view's settings read from the lab's part of the store (or of a link). */
/**
 * Models much slower per example than their view's default model, and the gradients' batch and batches their view
 * switches to when one is chosen (any other model switches back to the view's defaults), so that every matrix stays
 * near half a minute on wasm. Measured with scripts/lab-table.ts, seed 1, in CPU seconds of one core: the
 * natural-patch denoiser took 213 s at 6 batches of 256 (control 0.98), the D = 16 RQ auto-encoders 58 and 79 s at
 * 12 batches of 64 (controls 0.57 and 0.96).
 */
export const LAB_MODEL_BATCHES: Partial<Record<LabDecomposition, Partial<Record<string, { batch: number; batches: number }>>>> = {
  noise: { patches: { batch: 64, batches: 3 } },
  depth: { 'summed-d16': { batch: 64, batches: 4 }, 'full-d16': { batch: 64, batches: 4 } },
};

/** The settings that choosing `model` in `view` changes: the model, and its gradients' batch and batches. */
export function labModelChoice(view: LabDecomposition, model: string): Partial<LabViewSettings> {
  const defaults = labViewSettings(labDefaults, view);
  const preset = LAB_MODEL_BATCHES[view]?.[model];
  return { model, batch: preset?.batch ?? defaults.batch, batches: preset?.batches ?? defaults.batches };
}

export function labViewSettings(lab: LabView, view: LabDecomposition): LabViewSettings {
  const f = VIEW_FIELDS[view];
  const get = <P extends keyof LabViewSettings>(p: P, fallback: LabViewSettings[P]): LabViewSettings[P] => {
    const field = f[p];
    return field === null ? fallback : (lab[field] as unknown as LabViewSettings[P]);
  };
  const model = get('model', '');
  const grouping = get('grouping', 'equal');
  const k = view === 'depth' ? depthOfModel(model) : grouping === 'row-starts' ? 2 : get('k', 2);
  return {
    model, k, grouping, batch: get('batch', 64), batches: get('batches', 8), seed: get('seed', 1),
    steps: get('steps', 10), lr: get('lr', 1e-3), transferBatch: get('transferBatch', 32),
  };
}

/** A change of a view's settings as a change of LabView (settings the view does not have are dropped). */
export function labViewPatch(view: LabDecomposition, change: Partial<LabViewSettings>): Partial<LabView> {
  const out: Record<string, unknown> = {};
  for (const [p, v] of Object.entries(change)) {
    const field = VIEW_FIELDS[view][p as keyof LabViewSettings];
    if (field !== null && v !== undefined) out[field] = v;
  }
  return out as Partial<LabView>;
}

const batchCodec = oneOf<number>(LAB_BATCHES);
const kCodec = int(LAB_K_RANGE[0], LAB_K_RANGE[1]);
const batchesCodec = int(1, LAB_LIMITS.maxBatches);
const seedCodec = int(0, LAB_SEED_MAX);
const stepsCodec = int(1, LAB_LIMITS.maxSteps);
const lrCodec = oneOf<number>(LAB_LRS);

/**
 * Defaults: the settings at which every view's control (the cosine between parts of one objective) is clearly
 * above zero on every shipped model in about half a minute on wasm, with a first coarse matrix after the first
 * batch. Near a trained optimum a batch's gradient is mostly per-sample noise, so what counts is the number of
 * examples per second: the denoiser's is highest at batches of 256, the patch transformer's and the RQ
 * auto-encoder's at 64 (measured in Chromium: 1.6 and 2 times as many per second as at 256). Measured with
 * scripts/lab-table.ts, seed 1: noise levels K 8, 6 batches of 256 antithetic pairs (control 0.12 on the shipped
 * digit denoiser, where 4 batches of 64 independent examples gave 0.00; 0.86 on its early checkpoint); patch
 * steps K 7, 12 batches of 64 (0.26, 0.30, 0.25 for the raster, Hilbert and random orders); depths, 12 batches of
 * 64 (0.41 on summed-d8, 0.96 on full-d4). Transfer: 10 Adam steps of 32 at the largest learning rate whose steps
 * on one sub-task lower that sub-task's held-out loss (on the shipped models, 1e-4 for the digit denoiser; the
 * converged patch and RQ models need 1e-5, and even then the signal is small).
 */
export const labLink: LinkSlice<LabView> = {
  fields: {
    // The first view's keys (eqk, eqbatch, eqseed) are older than the others: links that have them open the noise view.
    noiseK: { key: 'eqk', codec: kCodec, default: 8 },
    noiseBatch: { key: 'eqbatch', codec: batchCodec, default: 256 },
    noiseSeed: { key: 'eqseed', codec: seedCodec, default: 1 },
    noiseModel: { key: 'eqmodel', codec: oneOf<LabNoiseModel>(LAB_NOISE_MODELS), default: 'digits' },
    noiseBatches: { key: 'eqbatches', codec: batchesCodec, default: 6 },
    noiseSteps: { key: 'eqsteps', codec: stepsCodec, default: 10 },
    noiseLr: { key: 'eqlr', codec: lrCodec, default: 1e-4 },
    noiseTransferBatch: { key: 'eqtbatch', codec: batchCodec, default: 32 },
    patchModel: { key: 'eqpmodel', codec: oneOf<LabPatchModel>(LAB_PATCH_MODELS), default: 'raster' },
    patchGrouping: { key: 'eqpgroup', codec: oneOf<PatchGrouping>(PATCH_GROUPINGS), default: 'equal' },
    patchK: { key: 'eqpk', codec: kCodec, default: 7 },
    patchBatch: { key: 'eqpbatch', codec: batchCodec, default: 64 },
    patchBatches: { key: 'eqpbatches', codec: batchesCodec, default: 12 },
    patchSeed: { key: 'eqpseed', codec: seedCodec, default: 1 },
    patchSteps: { key: 'eqpsteps', codec: stepsCodec, default: 10 },
    patchLr: { key: 'eqplr', codec: lrCodec, default: 1e-5 },
    patchTransferBatch: { key: 'eqptbatch', codec: batchCodec, default: 32 },
    depthModel: { key: 'eqdmodel', codec: oneOf<string>(LAB_DEPTH_MODELS), default: 'summed-d8' },
    depthBatch: { key: 'eqdbatch', codec: batchCodec, default: 64 },
    depthBatches: { key: 'eqdbatches', codec: batchesCodec, default: 12 },
    depthSeed: { key: 'eqdseed', codec: seedCodec, default: 1 },
    depthSteps: { key: 'eqdsteps', codec: stepsCodec, default: 10 },
    depthLr: { key: 'eqdlr', codec: lrCodec, default: 1e-5 },
    depthTransferBatch: { key: 'eqdtbatch', codec: batchCodec, default: 32 },
  },
  check(view): Read<LabView> {
    if (view.patchGrouping === 'row-starts' && !ROW_START_MODELS.includes(view.patchModel)) {
      return {
        value: { ...view, patchGrouping: 'equal' },
        problem: `“row starts against mid-row” needs a raster order, not ${view.patchModel}; using equal groups.`,
      };
    }
    return { value: view };
  },
};

export const labDefaults: LabView = linkDefaults(labLink);

/** One completed measurement of this page, for the comparison table. */
export interface LabRun {
  id: number;
  view: LabDecomposition;
  /** The view's model id (e.g. 'digits', 'crops-raster', 'summed-d8'). */
  model: string;
  grouping: PatchGrouping;
  result: LabResult;
}

export interface LabSlice {
  lab: LabView;
  setLab(lab: Partial<LabView>): void;
  /** Every measurement completed in this page, oldest first. */
  labRuns: LabRun[];
  addLabRun(run: Omit<LabRun, 'id'>): void;
  /** The weighting each view's alignment reads (a LabWeighting id; null: the model's own). */
  labWeightings: Record<LabDecomposition, string | null>;
  setLabWeighting(view: LabDecomposition, id: string | null): void;
}

export const createLabSlice: StateCreator<Store, [], [], LabSlice> = (set) => ({
  lab: { ...labDefaults },
  setLab: (lab) => set((s) => ({ lab: { ...s.lab, ...lab } })),
  labRuns: [],
  addLabRun: (run) => set((s) => ({ labRuns: [...s.labRuns, { ...run, id: (s.labRuns.at(-1)?.id ?? 0) + 1 }] })),
  labWeightings: { noise: null, patch: null, depth: null },
  setLabWeighting: (view, id) => set((s) => ({ labWeightings: { ...s.labWeightings, [view]: id } })),
});
