// The patch transformer's sub-tasks for the lab: its next-patch loss over groups of generation steps — K equal
// bins of steps, or (grouping 'row-starts') the steps that start a row of the patch grid against the others.
import { patchify, type ImageShape } from '../../models/patchAR/data';
import type { PatchAR, PatchARConfig } from '../../models/patchAR/model';
import { patchStepHeldout, patchStepLoss, patchStepLosses } from '../../models/equivalence/subtasks';
import type { LabModelInfo, LabSettings } from '../../protocol/lab';
import { equalStepGroups, type LabSubtasks } from './lab';

/** Held-out sequences the transfer losses are measured on, at most (one forward pass of 128 per row keeps the K + 1 rows within 15 s). */
const HELDOUT_SEQUENCES = 128;

export type StepGroups = { groups: number[][]; names: string[] };

/** The step groups of a grouping: `cols` is the patch grid's width, `order` the cell of each step. */
export function stepGroups(order: Int32Array, cols: number, k: number, grouping: LabSettings['grouping'] = 'equal'): StepGroups {
  const n = order.length;
  if (grouping === 'row-starts') {
    if (k !== 2) throw new RangeError(`row starts against mid-row are 2 sub-tasks, not ${k}`);
    const starts = Array.from({ length: n }, (_, s) => s).filter((s) => order[s] % cols === 0);
    const rest = Array.from({ length: n }, (_, s) => s).filter((s) => order[s] % cols !== 0);
    return { groups: [starts, rest], names: [`row starts (${starts.length} steps)`, `mid-row (${rest.length} steps)`] };
  }
  const bins = equalStepGroups(n, k);
  return {
    groups: bins.map(({ from, to }) => Array.from({ length: to - from }, (_, i) => from + i)),
    names: bins.map(({ from, to }) => (to - from === 1 ? `step ${from + 1}` : `steps ${from + 1}–${to}`)),
  };
}

export interface PatchLabModel {
  model: PatchAR;
  order: Int32Array;
  config: PatchARConfig;
  shape: ImageShape;
  info: Omit<LabModelInfo, 'subtasks' | 'decomposition'>;
  /** `count` training images drawn with `rand` (digits or crops of the current image). */
  images(count: number, rand: () => number): Float32Array;
  /** The held-out images (digits, or the fixed crops of the current image) and how many there are. */
  heldout: { images: Float32Array; count: number };
}

export function patchLabSubtasks(m: PatchLabModel, settings: LabSettings): LabSubtasks {
  const { groups, names } = stepGroups(m.order, m.config.cols, settings.k, settings.grouping);
  const dim = m.config.patch * m.config.patch * m.config.channels;
  const tokensOf = (images: Float32Array) => patchify(images, m.shape, m.config.patch, m.order);
  const all = groups.flat();
  const heldCount = Math.min(HELDOUT_SEQUENCES, m.heldout.count);
  const per = m.shape.width * m.shape.height * m.shape.channels;
  const heldTokens = tokensOf(m.heldout.images.subarray(0, heldCount * per));
  const n = m.order.length;
  return {
    info: { ...m.info, decomposition: 'patch', subtasks: names },
    vars: Object.values(m.model.params),
    gradientBatch: (_b, rand) => patchStepLosses(m.model, tokensOf(m.images(settings.batch, rand)), m.order, groups, dim, rand),
    trainLoss: (row, rand) => patchStepLoss(m.model, tokensOf(m.images(settings.batch, rand)), m.order, row < groups.length ? groups[row] : all, dim),
    evaluate: () => patchStepHeldout(m.model, heldTokens, m.order, groups, dim),
    heldout: heldCount,
    weightings: [
      { id: 'uniform', label: 'uniform over groups', weights: groups.map(() => 1) },
      { id: 'training', label: 'the training loss (mean over steps)', weights: groups.map((g) => g.length / n) },
    ],
  };
}
