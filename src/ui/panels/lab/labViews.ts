// The lab's three views as data: what each decomposition's sub-tasks are called, which models it offers, how its
// request reaches the model worker, and the names its sub-tasks get before the worker's answer names them.
import { getComputeClient, type RequestOptions } from '../../../compute/client';
import { imagePayload, publicBase } from '../../../compute/requests';
import { TRAINING_LAMBDA_LIMIT } from '../../../core/diffusion/trainingNoise';
import type { LabDecomposition, LabProgress, LabResult, LabSettings, PatchGrouping } from '../../../protocol/lab';
import type { OrderingSpec } from '../../../core/patch/analysis';
import { RQAE_SHIPPED_MODELS } from '../../../protocol/rqaeModel';
import type { DenoiserId } from '../../../protocol/denoiser';
import { LAB_DEPTH_MODELS, LAB_NOISE_MODELS, LAB_PATCH_MODELS, ROW_START_MODELS, type LabPatchModel } from '../../../state/labSlice';
import { appStore } from '../../../state/store';
import type { SubtaskNouns } from './labFigures';

export type LabSendOptions = Pick<RequestOptions, 'signal'> & { onProgress(done: number, total: number, label?: string, data?: LabProgress): void };

export interface LabViewSpec {
  view: LabDecomposition;
  /** The section's heading. */
  heading: string;
  testId: string;
  nouns: SubtaskNouns;
  /** The buttons' names: each starts with "Compute". */
  computeLabel: string;
  transferLabel: string;
  models: readonly { id: string; label: string }[];
  /** A sentence or two on what the sub-tasks are. */
  lead: string;
  /** Whether the model is trained on crops of the page's image (the request then carries it). */
  needsImage(model: string): boolean;
  /** What the worker will call the sub-tasks, as far as the page knows it before the answer. */
  provisionalNames(model: string, k: number, grouping: PatchGrouping): string[];
  send(model: string, settings: LabSettings, options: LabSendOptions): Promise<LabResult>;
}

const lambdaName = (i: number, k: number) => `λ ${(-TRAINING_LAMBDA_LIMIT + ((i + 0.5) * 2 * TRAINING_LAMBDA_LIMIT) / k).toFixed(2)}`;

const NOISE_LABELS: Record<(typeof LAB_NOISE_MODELS)[number], string> = {
  digits: 'digit MLP denoiser',
  'digits-unet': 'digit U-Net denoiser',
  'digits-early': 'digit MLP denoiser, early checkpoint (500 steps)',
  patches: 'natural-patch denoiser',
};

export const NOISE_VIEW: LabViewSpec = {
  view: 'noise',
  heading: 'Noise levels',
  testId: 'lab-noise',
  nouns: { one: 'noise level', many: 'noise levels' },
  computeLabel: 'Compute the noise-level matrices',
  transferLabel: 'Compute transfer between noise levels',
  models: LAB_NOISE_MODELS.map((id) => ({ id, label: NOISE_LABELS[id] })),
  lead: 'A diffusion model learns to denoise at every noise level λ (log signal-to-noise ratio) with one network: K equal bins of λ '
    + 'over the trained range (−10 to 10) are K sub-tasks. A batch holds antithetic pairs: each training image noised once with ε and '
    + 'once with −ε, which cancels the part of the per-sample noise that flips sign with ε (most of it at the clean levels) and leaves the expected gradient as it is.',
  needsImage: () => false,
  provisionalNames: (_m, k) => Array.from({ length: k }, (_, i) => lambdaName(i, k)),
  send: (model, settings, options) => getComputeClient().request('denoiser-lab', { model: model as DenoiserId, baseUrl: publicBase(), settings }, options),
};

const PATCH_LABELS: Record<LabPatchModel, string> = {
  raster: 'raster digit transformer',
  hilbert: 'Hilbert digit transformer',
  random: 'random-order (seed 1) digit transformer',
  'crops-raster': 'raster crop model (this image)',
  'crops-hilbert': 'Hilbert crop model (this image)',
  'crops-random': 'random-order (seed 1) crop model (this image)',
};

function orderingOf(model: string): OrderingSpec {
  const kind = model.replace(/^crops-/, '');
  return kind === 'random' ? { kind: 'random', seed: 1 } : { kind: kind as 'raster' | 'hilbert' };
}

const isCrops = (model: string) => model.startsWith('crops-');

export const PATCH_VIEW: LabViewSpec = {
  view: 'patch',
  heading: 'Patch steps',
  testId: 'lab-patch',
  nouns: { one: 'step group', many: 'step groups' },
  computeLabel: 'Compute the patch-step matrices',
  transferLabel: 'Compute transfer between step groups',
  models: LAB_PATCH_MODELS.map((id) => ({ id, label: PATCH_LABELS[id] })),
  lead: 'An autoregressive transformer predicts each patch from the ones before it in its order: the steps of the order, '
    + 'in K equal groups (or the steps that start a row against the others), are the sub-tasks. Crop models are the ones trained in the Patch panel on crops of the current image.',
  needsImage: isCrops,
  provisionalNames: (model, k, grouping) => {
    if (grouping === 'row-starts') return ['row starts', 'mid-row'];
    const n = isCrops(model) ? 64 : 49;
    return Array.from({ length: k }, (_, i) => {
      const from = Math.round((i * n) / k);
      const to = Math.round(((i + 1) * n) / k);
      return to - from === 1 ? `step ${from + 1}` : `steps ${from + 1}–${to}`;
    });
  },
  send: (model, settings, options) => {
    const { working, workingHash } = appStore.getState().image;
    const crops = isCrops(model);
    if (crops && !working) return Promise.reject(new Error('the crop model needs the working image, which is still loading'));
    const target = { ordering: orderingOf(model), baseUrl: publicBase(), ...(crops && working ? { data: 'crops' as const, image: imagePayload(working, workingHash) } : {}) };
    return getComputeClient().request('patch-model-lab', { ...target, settings }, options);
  },
};

/** Row starts against mid-row is a grouping of the raster orders only. */
export const rowStartsAllowed = (model: string) => ROW_START_MODELS.includes(model as LabPatchModel);

export const DEPTH_VIEW: LabViewSpec = {
  view: 'depth',
  heading: 'Depths',
  testId: 'lab-depth',
  nouns: { one: 'depth', many: 'depths' },
  computeLabel: 'Compute the depth matrices',
  transferLabel: 'Compute transfer between depths',
  models: LAB_DEPTH_MODELS.map((id) => {
    const m = RQAE_SHIPPED_MODELS.find((s) => s.key === id)!;
    return { id, label: `RQ auto-encoder ${id}: ${m.objective === 'summed' ? '(b) summed' : '(a) full-depth'} objective, D = ${m.depth}` };
  }),
  lead: 'A residual-quantised auto-encoder codes an image in D steps, each code refining the last: the reconstruction from the '
    + 'first d codes, d = 1…D, is sub-task d, so K = D.',
  needsImage: () => false,
  provisionalNames: (_m, k) => Array.from({ length: k }, (_, i) => `depth ${i + 1}`),
  send: (model, settings, options) => getComputeClient().request('rqae-lab', { model, baseUrl: publicBase(), settings }, options),
};

export const LAB_VIEWS: readonly LabViewSpec[] = [NOISE_VIEW, PATCH_VIEW, DEPTH_VIEW];
