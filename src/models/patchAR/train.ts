// Training the patch transformer: one async step, and a small trainer the worker drives in a loop
// (pause/resume between steps, loss history for the live chart, learning-rate warm-up and cosine decay).
import * as tf from '@tensorflow/tfjs-core';
import { createLoopTrainer, learningRateAt, minimizeStep, type LoopTrainer, type LoopTrainerOptions, type Schedule } from '../training';
import { loss, patchDim, type PatchAR } from './model';

export { learningRateAt, type Schedule };

/**
 * One Adam step on tokens [B, N, patchDim] (generation order). Resolves to the batch loss as a plain number
 * (read with await data(): WebGPU has no synchronous read-back).
 */
export function trainStep(model: PatchAR, optimizer: tf.Optimizer, batch: tf.Tensor3D, order: Int32Array): Promise<number> {
  return minimizeStep(optimizer, () => loss(model, batch, order), Object.values(model.params));
}

/** Makes each training batch: tokens [batchSize · N · patchDim] in generation order, as plain floats. */
export type BatchSource = (batchSize: number) => Float32Array;

export type TrainerOptions = LoopTrainerOptions & { order: Int32Array; source: BatchSource };

export type Trainer = LoopTrainer;

const DEFAULT_SCHEDULE: Schedule = { lr: 2e-3, warmup: 100, total: 3000, minLr: 1e-4 };

/**
 * A trainer for `model` on batches from `source` in `order`. Pausing is cooperative: a running `run` stops
 * after the step in flight, so the weights are never read or saved mid-update.
 */
export function createTrainer(model: PatchAR, options: TrainerOptions): Trainer {
  const batchSize = options.batchSize ?? 32;
  const n = options.order.length;
  const dim = patchDim(model.config);
  return createLoopTrainer({ ...DEFAULT_SCHEDULE, ...options.schedule }, async (optimizer) => {
    const data = options.source(batchSize);
    const batch = tf.tensor3d(data, [data.length / (n * dim), n, dim]);
    try {
      return await trainStep(model, optimizer, batch, options.order);
    } finally {
      batch.dispose();
    }
  }, Object.values(model.params));
}
