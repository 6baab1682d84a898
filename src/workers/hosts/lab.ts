// What every model host's lab request shares: checking the settings, then either accumulating the sub-task
// gradients (a Gram matrix after every batch, posted as progress so the page sharpens its matrix) or running the
// transfer experiment, and wrapping the numbers with what the model was when measured. Each host supplies its
// sub-tasks (models/equivalence/subtasks.ts) and data; the model's weights are never changed.
import { mulberry32 } from '../../core/random';
import { accumulateGradientGram, type BatchLosses } from '../../models/equivalence/accumulate';
import { transferLosses } from '../../models/equivalence/transfer';
import { activeBackendName } from '../../models/savedModels';
import { checkLabSettings, type LabModelInfo, type LabProgress, type LabResult, type LabSettings, type LabWeighting } from '../../protocol/lab';
import type { ModelContext } from './hostHelpers';

type Variables = Parameters<typeof accumulateGradientGram>[0];
type Loss = BatchLosses['a'][number];

export interface LabSubtasks {
  info: LabModelInfo;
  vars: Variables;
  /** Batch b's losses (2N examples: halves and control parts), from training data drawn with `rand`. */
  gradientBatch(b: number, rand: () => number): BatchLosses;
  /** The training loss of a transfer row (0…K−1: one sub-task; K: all) on a fresh batch drawn with `rand`. */
  trainLoss(row: number, rand: () => number): { loss: Loss; dispose(): void };
  /** Every sub-task's loss on the fixed held-out examples, and how many there are. */
  evaluate(): Promise<number[]>;
  heldout: number;
  weightings: LabWeighting[];
}

/** Runs a lab measurement on a model the caller holds locked. */
export async function runLab(settings: LabSettings, subtasks: LabSubtasks, ctx: ModelContext): Promise<LabResult> {
  checkLabSettings(settings);
  const { info, vars } = subtasks;
  if (info.subtasks.length !== settings.k) throw new RangeError(`${info.subtasks.length} sub-tasks for K = ${settings.k}`);
  const start = performance.now();
  const backend = activeBackendName();
  if (settings.measure === 'gradients') {
    const rand = mulberry32(settings.seed);
    const gram = await accumulateGradientGram(vars, settings.k, settings.batches, (b) => subtasks.gradientBatch(b, rand), {
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress(done, total, `Gradient ${done} of ${total}`, { phase: 'gradients' } satisfies LabProgress),
      onBatch: (g, batches) => {
        const total = settings.batches * 3 * settings.k;
        ctx.progress(batches * 3 * settings.k, total, `Batch ${batches} of ${settings.batches}`, { phase: 'gradients', batches, gram: g } satisfies LabProgress);
      },
    });
    const { k, batch, batches, seed } = settings;
    return { ...info, measure: 'gradients', k, batch, batches, seed, gram, weightings: subtasks.weightings, milliseconds: performance.now() - start, backend };
  }
  const rand = mulberry32(settings.seed);
  const { before, after } = await transferLosses(vars, settings.k, {
    steps: settings.steps,
    lr: settings.lr,
    trainLoss: (row) => subtasks.trainLoss(row, rand),
    evaluate: () => subtasks.evaluate(),
    signal: ctx.signal,
    onProgress: (done, total) => ctx.progress(done, total, `Training step ${done} of ${total}`, { phase: 'transfer' } satisfies LabProgress),
  });
  const { k, batch, steps, lr, seed } = settings;
  return { ...info, measure: 'transfer', k, batch, steps, lr, seed, before, after, heldout: subtasks.heldout, milliseconds: performance.now() - start, backend };
}

/** K equal bins of `n` steps as half-open ranges (the first bins take one more when K does not divide n). */
export function equalStepGroups(n: number, k: number): { from: number; to: number }[] {
  if (!(k >= 1 && k <= n)) throw new RangeError(`${n} steps cannot make ${k} groups`);
  return Array.from({ length: k }, (_, i) => ({ from: Math.round((i * n) / k), to: Math.round(((i + 1) * n) / k) }));
}
