// The denoising objective: training batches (λ from the weighting's density, noise, the parameterization's
// target and per-sample weight), the weighted loss, and the loss of each equal-λ bin as a differentiable
// tensor (for the held-out difficulty profile and for comparing the gradients of sub-tasks).
import * as tf from '@tensorflow/tfjs-core';
import type { Parameterization } from '../../core/diffusion/kinds';
import { gaussian } from '../../core/random';
import { lossWeight, sampleTrainingLogSnr, TRAINING_LAMBDA_LIMIT } from '../../core/diffusion/trainingNoise';
import type { WeightingKind, WeightingOptions } from '../../core/diffusion/weighting';
import { classRows, forward, pixelsOf, type Denoiser } from './denoiser';

export type { Parameterization } from '../../core/diffusion/kinds';

export type Objective = {
  parameterization: Parameterization;
  weighting: WeightingKind;
  /** Options of the weighting (Min-SNR γ, the schedule of uniform t…). */
  options?: WeightingOptions;
  /** Probability of replacing a label by the null class (classifier-free guidance); default 0.15. */
  labelDropout?: number;
};

/** The shipped models' objective: ε-prediction, plain ε-MSE with uniform t on the cosine schedule. */
export const DEFAULT_OBJECTIVE: Objective = { parameterization: 'eps', weighting: 'eps-mse' };

/** One batch as plain arrays: x_in (VP-scaled), λ, label rows, target, per-sample weight. */
export type Batch = { xin: Float32Array; lambda: Float32Array; labels: Int32Array | null; target: Float32Array; weight: Float32Array; count: number };

/** VP coefficients at λ: α' = √sigmoid(λ), σ' = √sigmoid(−λ). */
export function vpOfLogSnr(l: number): { a: number; s: number } {
  return { a: Math.sqrt(1 / (1 + Math.exp(-l))), s: Math.sqrt(1 / (1 + Math.exp(l))) };
}

/**
 * A training batch from clean images x0 (count × pixels, model space [−1, 1]) and their labels (null for an
 * unconditional model); every random choice from `rand`.
 */
export function makeBatch(x0: Float32Array, labels: ArrayLike<number> | null, pixels: number, objective: Objective, rand: () => number, nullLabel = 10): Batch {
  const count = x0.length / pixels;
  const g = gaussian(rand);
  const xin = new Float32Array(x0.length);
  const target = new Float32Array(x0.length);
  const lambda = new Float32Array(count);
  const weight = new Float32Array(count);
  const p = objective.parameterization;
  const dropout = objective.labelDropout ?? 0.15;
  const rows = labels ? Int32Array.from({ length: count }, (_, i) => (rand() < dropout ? nullLabel : labels[i])) : null;
  for (let i = 0; i < count; i++) {
    const l = sampleTrainingLogSnr(objective.weighting, rand, objective.options);
    const { a, s } = vpOfLogSnr(l);
    lambda[i] = l;
    weight[i] = lossWeight(objective.weighting, p, l, objective.options);
    for (let j = i * pixels; j < (i + 1) * pixels; j++) {
      const e = g();
      const x = x0[j];
      xin[j] = a * x + s * e;
      target[j] = p === 'eps' ? e : p === 'x0' ? x : p === 'v' ? a * e - s * x : e - x;
    }
  }
  return { xin, lambda, labels: rows, target, weight, count };
}

/** The weighted loss of a batch: mean over examples of weight × (per-pixel MSE of the network's output). */
export function batchLoss(model: Denoiser, batch: Batch): tf.Scalar {
  return tf.tidy(() => {
    const d = pixelsOf(model.config);
    const out = forward(model, tf.tensor2d(batch.xin, [batch.count, d]), tf.tensor1d(batch.lambda), batch.labels ? classRows(batch.labels, model.config.classes) : null);
    const perExample = tf.mean(tf.squaredDifference(out, tf.tensor2d(batch.target, [batch.count, d])), 1);
    return tf.mean(tf.mul(perExample, tf.tensor1d(batch.weight))) as tf.Scalar;
  });
}

/**
 * ε̂ from a network output of parameterization p, with x_in and the VP coefficients a, s as [B, 1] columns
 * (the conversions of core/diffusion/samplers.fromPrediction, in tensors).
 */
export function epsFromOutput(p: Parameterization, out: tf.Tensor2D, xin: tf.Tensor2D, a: tf.Tensor2D, s: tf.Tensor2D): tf.Tensor2D {
  switch (p) {
    case 'eps':
      return out;
    case 'x0':
      return tf.div(tf.sub(xin, tf.mul(a, out)), s) as tf.Tensor2D;
    case 'v':
      return tf.add(tf.mul(s, xin), tf.mul(a, out)) as tf.Tensor2D;
    case 'velocity':
      return tf.add(out, tf.div(tf.sub(xin, tf.mul(s, out)), tf.add(a, s))) as tf.Tensor2D;
  }
}

/** Centres of `bins` equal bins of λ over ±TRAINING_LAMBDA_LIMIT, from high noise (λ low) to low noise. */
export function binCentres(bins = 50, limit = TRAINING_LAMBDA_LIMIT): number[] {
  return Array.from({ length: bins }, (_, i) => -limit + ((i + 0.5) * 2 * limit) / bins);
}

/**
 * The ε-MSE of each λ bin, a Tensor1D [bins] that tf.grads / tf.variableGrads can differentiate: every
 * example of the batch is noised with its fixed ε at each bin's λ (`lambdas`, e.g. binCentres()) and the
 * network's ε̂ (converted from its parameterization) is compared with ε. x0, eps: [N, pixels]; classes:
 * one-hot rows [N, classes] or null. Cost: N × bins forward passes.
 */
export function lossPerBin(model: Denoiser, x0: tf.Tensor2D, eps: tf.Tensor2D, classes: tf.Tensor2D | null, lambdas: readonly number[], parameterization: Parameterization = 'eps'): tf.Tensor1D {
  return tf.tidy(() => {
    const n = x0.shape[0];
    const bins = lambdas.length;
    const lam = Float32Array.from({ length: n * bins }, (_, k) => lambdas[Math.floor(k / n)]);
    const vp = Array.from(lam, vpOfLogSnr);
    const a = tf.tensor2d(Float32Array.from(vp, (v) => v.a), [n * bins, 1]);
    const s = tf.tensor2d(Float32Array.from(vp, (v) => v.s), [n * bins, 1]);
    const x0All = tf.tile(x0, [bins, 1]) as tf.Tensor2D;
    const epsAll = tf.tile(eps, [bins, 1]) as tf.Tensor2D;
    const xin = tf.add(tf.mul(a, x0All), tf.mul(s, epsAll)) as tf.Tensor2D;
    const out = forward(model, xin, tf.tensor1d(lam), classes ? (tf.tile(classes, [bins, 1]) as tf.Tensor2D) : null);
    const epsHat = epsFromOutput(parameterization, out, xin, a, s);
    return tf.mean(tf.squaredDifference(epsHat, epsAll), 1).reshape([bins, n]).mean(1) as tf.Tensor1D;
  });
}
