// The gradient-cosine matrix of a denoiser between noise levels, measured together with how much each cosine
// swings with the batch: every level's loss on each half of the batch is a sub-task of its own (2K gradients,
// about the work of K full-batch ones since each covers half the images), and combineHalves
// (core/equivalence/splitHalf.ts) turns them into the full-batch matrix and the spread between the halves.
import * as tf from '@tensorflow/tfjs-core';
import { combineHalves, type SplitHalfCosines } from '../../core/equivalence/splitHalf';
import { classRows, pixelsOf, type Denoiser } from '../diffusion/denoiser';
import { lossPerBin, type Parameterization } from '../diffusion/objective';
import { gradientCosines, type GradientCosineOptions } from './gradientCosines';

/**
 * As denoiserNoiseCosines (sub-task k: the ε-MSE of `lossPerBin` at λ = lambdas[k], every image noised with its
 * fixed ε), over all the model's parameters, with the spread between the matrices of the two halves of the batch. x0, eps: [N, pixels]
 * in model space with N even; classes: one-hot rows [N, classes] or null. onProgress reports (levels done, K)
 * once both halves of a level are done; an abort rejects with an AbortError. Leaves the number of tensors
 * unchanged.
 */
export async function denoiserNoiseCosinesSplit(
  model: Denoiser, x0: tf.Tensor2D, eps: tf.Tensor2D, classes: tf.Tensor2D | null, lambdas: readonly number[], parameterization: Parameterization = 'eps',
  opts: GradientCosineOptions = {},
): Promise<SplitHalfCosines> {
  const n = x0.shape[0];
  if (n < 2 || n % 2 !== 0) throw new RangeError(`the batch splits into two equal halves only for an even size ≥ 2, not ${n}`);
  const k = lambdas.length;
  const half = n / 2;
  const cut = <T extends tf.Tensor2D>(t: T, h: number) => tf.slice(t, [h * half, 0], [half, t.shape[1]]) as T;
  const parts = [0, 1].map((h) => ({ x0: cut(x0, h), eps: cut(eps, h), classes: classes ? cut(classes, h) : null }));
  try {
    // Ordered [a_0, b_0, a_1, b_1, …] as combineHalves reads them.
    const losses = lambdas.flatMap((l) => parts.map((p) => () => tf.sum(lossPerBin(model, p.x0, p.eps, p.classes, [l], parameterization)) as tf.Scalar));
    const { cosines, norms } = await gradientCosines(losses, Object.values(model.params), {
      signal: opts.signal,
      onProgress: (done) => {
        if (done % 2 === 0) opts.onProgress?.(done / 2, k);
      },
    });
    return combineHalves(cosines, norms, k);
  } finally {
    tf.dispose(parts.flatMap((p) => [p.x0, p.eps, ...(p.classes ? [p.classes] : [])]));
  }
}

/** A batch of `count` examples as plain arrays: x0 and ε [count × pixels] in model space, class labels or null. */
export type NoiseCosineBatch = { count: number; x0: Float32Array; eps: Float32Array; labels: ArrayLike<number> | null };

/**
 * denoiserNoiseCosinesSplit on a batch of plain arrays (what a worker holds): the tensors are made here and freed
 * before it settles. Labels are used when the model is class-conditional.
 */
export async function denoiserNoiseCosinesOfBatch(
  model: Denoiser, batch: NoiseCosineBatch, lambdas: readonly number[], parameterization: Parameterization = 'eps', opts: GradientCosineOptions = {},
): Promise<SplitHalfCosines> {
  const d = pixelsOf(model.config);
  const { count } = batch;
  if (batch.x0.length !== count * d || batch.eps.length !== count * d) throw new RangeError(`${count} examples of ${d} values need x0 and ε of ${count * d} values`);
  const x0 = tf.tensor2d(batch.x0, [count, d]);
  const eps = tf.tensor2d(batch.eps, [count, d]);
  const classes = model.config.classes > 0 && batch.labels ? classRows(batch.labels, model.config.classes) : null;
  try {
    return await denoiserNoiseCosinesSplit(model, x0, eps, classes, lambdas, parameterization, opts);
  } finally {
    tf.dispose([x0, eps, ...(classes ? [classes] : [])]);
  }
}
