// The gradient-cosine (conflict) matrix between the sub-task losses of one model.
//
// For sub-task losses L_1…L_K of a model with parameters θ, g_i = ∇_θ L_i (every parameter flattened and
// concatenated into one vector of length P) and
//
//   cos_ij = ⟨g_i, g_j⟩ / (‖g_i‖·‖g_j‖).
//
// Two sub-tasks conflict when cos_ij < 0: a step down one loss climbs the other (Yu et al. 2020, "Gradient
// Surgery for Multi-Task Learning", PCGrad). For a diffusion denoiser the sub-tasks are noise levels, and
// Hang et al. 2023 ("Efficient Diffusion Training via Min-SNR Weighting Strategy") measure exactly this
// conflict between the gradients of different timesteps. A sub-task whose gradient is zero has no direction:
// its row and column are NaN (the diagonal entry too), never a silent division by zero.
import * as tf from '@tensorflow/tfjs-core';
import type { Denoiser } from '../diffusion/denoiser';
import { lossPerBin, type Parameterization } from '../diffusion/objective';

export type GradientCosines = {
  /** K × K, row-major: cos_ij, in [−1, 1]; NaN in the row and column of a zero gradient. */
  cosines: Float32Array;
  /** K: ‖g_i‖, the Euclidean norm of each sub-task's gradient over all parameters. */
  norms: Float32Array;
  k: number;
};

export type GradientCosineOptions = {
  /** Called after each sub-task's gradient with (sub-tasks done, K). */
  onProgress?: (done: number, total: number) => void;
  /** Checked between sub-tasks; when aborted the call rejects with an AbortError and keeps no tensors. */
  signal?: AbortSignal;
};

function abortError(): DOMException {
  return new DOMException('the gradient-cosine matrix was aborted', 'AbortError');
}

/** One macrotask, so a worker can deliver an abort (or post progress) between sub-tasks. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * g = ∇_vars loss as one 1-D tensor of length Σ sizes, in the order of `vars`. A variable the loss does not
 * reach (or a non-trainable one) contributes zeros; the loss must reach at least one of them (tfjs throws
 * otherwise). The caller owns the result.
 */
export function flatGradient(loss: () => tf.Scalar, vars: readonly tf.Variable[]): tf.Tensor1D {
  return tf.tidy(() => {
    const { grads } = tf.variableGrads(loss, [...vars]);
    return tf.concat(vars.map((v) => (grads[v.name] ?? tf.zeros(v.shape)).reshape([-1]))) as tf.Tensor1D;
  });
}

/**
 * Norms and cosines from a K × K Gram matrix G_ij = ⟨g_i, g_j⟩ (row-major): n_i = √G_ii and
 * cos_ij = ½(G_ij + G_ji) / (n_i n_j), so the result is exactly symmetric whatever order the backend summed
 * in, clamped to [−1, 1] against float rounding; NaN where n_i or n_j is 0.
 */
export function cosinesFromGram(gram: ArrayLike<number>, k: number): { cosines: Float32Array; norms: Float32Array } {
  if (gram.length !== k * k) throw new RangeError(`a ${k} × ${k} Gram matrix has ${k * k} entries, got ${gram.length}`);
  const norms = Float32Array.from({ length: k }, (_, i) => Math.sqrt(Math.max(0, gram[i * k + i])));
  const cosines = new Float32Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const denom = norms[i] * norms[j];
      cosines[i * k + j] = denom > 0 ? Math.min(1, Math.max(-1, (gram[i * k + j] + gram[j * k + i]) / 2 / denom)) : NaN;
    }
  }
  return { cosines, norms };
}

/**
 * The gradient-cosine matrix of `losses` over `vars`: one tf.variableGrads per sub-task, the flattened
 * gradients stacked to G [K, P], the Gram matrix G·Gᵀ on the backend, read back once (await data(), as WebGPU
 * requires) and turned into norms and cosines. Memory at the peak: 2·K·P floats (the kept gradients and their
 * stack). Leaves the number of tensors unchanged, also when it throws or is aborted.
 */
export async function gradientCosines(losses: readonly (() => tf.Scalar)[], vars: readonly tf.Variable[], opts: GradientCosineOptions = {}): Promise<GradientCosines> {
  const k = losses.length;
  if (k === 0) return { cosines: new Float32Array(0), norms: new Float32Array(0), k };
  const flats: tf.Tensor1D[] = [];
  let gram: tf.Tensor2D | null = null;
  try {
    for (let i = 0; i < k; i++) {
      if (opts.signal?.aborted) throw abortError();
      flats.push(flatGradient(losses[i], vars));
      opts.onProgress?.(i + 1, k);
      await nextTask();
    }
    if (opts.signal?.aborted) throw abortError();
    gram = tf.tidy(() => {
      const g = tf.stack(flats) as tf.Tensor2D;
      // One transposeB product: for K × P with P ≈ 1.15 M it ran on wasm as fast as K matrix–vector products
      // and faster than an explicit transpose, unlike the transposed matMuls of patchAR/ops.ts.
      return tf.matMul(g, g, false, true);
    });
    const values = await gram.data();
    return { ...cosinesFromGram(values, k), k };
  } finally {
    tf.dispose(flats);
    gram?.dispose();
  }
}

/**
 * The gradient-cosine matrix of a denoiser between noise levels: sub-task k is the ε-MSE of `lossPerBin` at
 * λ = lambdas[k] alone (every image of x0 noised with its fixed ε at that log-SNR; ε̂ converted from the
 * model's parameterization), over all the model's parameters. x0, eps: [N, pixels] in model space; classes:
 * one-hot rows [N, classes] or null. Cost: K backward passes over N images.
 */
export function denoiserNoiseCosines(
  model: Denoiser, x0: tf.Tensor2D, eps: tf.Tensor2D, classes: tf.Tensor2D | null, lambdas: readonly number[], parameterization: Parameterization = 'eps',
  opts: GradientCosineOptions = {},
): Promise<GradientCosines> {
  const losses = lambdas.map((l) => () => tf.sum(lossPerBin(model, x0, eps, classes, [l], parameterization)) as tf.Scalar);
  return gradientCosines(losses, Object.values(model.params), opts);
}
