// The RQ auto-encoder's sub-tasks for the lab: the reconstruction from the first d codes, d = 1…D (K = D). The
// codebook and commitment terms are not part of any sub-task: the view reports them apart.
import type { Rqae } from '../../models/rqae/model';
import { depthHeldout, depthLoss, depthLosses } from '../../models/equivalence/subtasks';
import type { LabModelInfo, LabSettings } from '../../protocol/lab';
import type { LabSubtasks } from './lab';

/** Held-out images the transfer losses are measured on, at most (one pass of 128 per row keeps the K + 1 rows within 15 s). */
const HELDOUT_IMAGES = 128;

export interface RqaeLabModel {
  model: Rqae;
  info: Omit<LabModelInfo, 'subtasks' | 'decomposition'>;
  images(count: number, rand: () => number): Float32Array;
  heldout: { images: Float32Array; count: number };
}

export function rqaeLabSubtasks(m: RqaeLabModel, settings: LabSettings): LabSubtasks {
  const { depth, side, channels } = m.model.config;
  if (settings.k !== depth) throw new RangeError(`this model has ${depth} depths, so the lab measures K = ${depth} sub-tasks, not ${settings.k}`);
  const depths = Array.from({ length: depth }, (_, d) => d + 1);
  const heldCount = Math.min(HELDOUT_IMAGES, m.heldout.count);
  const heldImages = m.heldout.images.subarray(0, heldCount * side * side * channels);
  return {
    info: { ...m.info, decomposition: 'depth', subtasks: depths.map((d) => `depth ${d}`) },
    vars: Object.values(m.model.params),
    gradientBatch: (_b, rand) => depthLosses(m.model, m.images(settings.batch, rand), rand),
    trainLoss: (row, rand) => depthLoss(m.model, m.images(settings.batch, rand), row < depth ? [row + 1] : depths),
    evaluate: () => depthHeldout(m.model, heldImages),
    heldout: heldCount,
    weightings: [
      { id: 'summed', label: '(b) summed over depths', weights: depths.map(() => 1) },
      { id: 'full', label: '(a) full depth only (RQ-VAE’s reconstruction term)', weights: depths.map((d) => (d === depth ? 1 : 0)) },
    ],
  };
}
