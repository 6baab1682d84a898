// Evaluation and sampling with a trained patch transformer: per-step held-out loss (the panel's heat map
// and curve), the prediction at one step next to the truth, and patch-by-patch generation.
import * as tf from '@tensorflow/tfjs-core';
import { mulberry32, gaussian } from '../../core/random';
import { forward, patchDim, perPositionLoss, type PatchAR } from './model';

/** Per-step MSE [N] over `tokens` ([count·N·patchDim], generation order), in chunks to bound memory. */
export async function perStepMse(model: PatchAR, tokens: Float32Array, order: Int32Array, chunk = 100): Promise<Float64Array> {
  const n = order.length;
  const dim = patchDim(model.config);
  const count = tokens.length / (n * dim);
  const out = new Float64Array(n);
  for (let start = 0; start < count; start += chunk) {
    const size = Math.min(chunk, count - start);
    const values = tf.tidy(() => {
      const batch = tf.tensor3d(tokens.subarray(start * n * dim, (start + size) * n * dim), [size, n, dim]);
      return perPositionLoss(model, batch, order);
    });
    const curve = await values.data();
    values.dispose();
    for (let s = 0; s < n; s++) out[s] += (curve[s] * size) / count;
  }
  return out;
}

/** The model's predictions for every step of one image ([N·patchDim], generation order). */
export async function predictAll(model: PatchAR, tokens: Float32Array, order: Int32Array): Promise<Float32Array> {
  const n = order.length;
  const dim = patchDim(model.config);
  const pred = tf.tidy(() => forward(model, tf.tensor3d(tokens, [tokens.length / (n * dim), n, dim]), order));
  const values = (await pred.data()) as Float32Array;
  pred.dispose();
  return values;
}

export type SampleMode =
  /** Each pixel is its predicted mean: deterministic, the blurry average the MSE model learned. */
  | 'mean'
  /**
   * Each pixel is 1 with its predicted probability (sensible for near-binary digits). The pixels of a patch
   * share one uniform draw, so they switch on together: independent draws give speckle, as the MSE model
   * predicts only each pixel's mean, not how the pixels of a patch vary together.
   */
  | 'bernoulli'
  /** Predicted mean plus Gaussian noise of std `temperature`, clipped to [0, 1]. */
  | 'gaussian';

export type GenerateOptions = { count?: number; seed?: number; mode?: SampleMode; temperature?: number; onStep?: (step: number) => void };

/**
 * Samples images patch by patch in `order`: at step s the model sees the patches sampled at steps < s.
 * Returns tokens [count·N·patchDim] in generation order (unpatchify them for display). One forward pass
 * per step: causality makes the not-yet-sampled (zero) tokens irrelevant to the prediction at s.
 */
export async function generate(model: PatchAR, order: Int32Array, options: GenerateOptions = {}): Promise<Float32Array> {
  const { count = 1, seed = 0, mode = 'bernoulli', temperature = 0.1 } = options;
  const n = order.length;
  const dim = patchDim(model.config);
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const tokens = new Float32Array(count * n * dim);
  for (let s = 0; s < n; s++) {
    const pred = tf.tidy(() => forward(model, tf.tensor3d(tokens, [count, n, dim]), order).slice([0, s, 0], [count, 1, dim]));
    const mean = await pred.data();
    pred.dispose();
    for (let i = 0; i < count; i++) {
      const u = rand();
      for (let p = 0; p < dim; p++) {
        const m = mean[i * dim + p];
        let v = m;
        if (mode === 'bernoulli') v = u < m ? 1 : 0;
        else if (mode === 'gaussian') v = Math.min(1, Math.max(0, m + temperature * normal()));
        tokens[(i * n + s) * dim + p] = v;
      }
    }
    options.onStep?.(s);
  }
  return tokens;
}
