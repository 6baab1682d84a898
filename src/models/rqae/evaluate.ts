// Evaluating an RQ auto-encoder on held-out images: the per-sample, per-depth error table (PSNR curve and
// non-monotone fraction come from it, see depthMetrics.ts), the codes each depth chose (codebook health),
// and one image's reconstructions at every depth. Work runs in chunks so memory stays bounded.
import * as tf from '@tensorflow/tfjs-core';
import { codebookHealth, type CodebookHealth } from '../../core/depth/codebook';
import type { ErrorTable } from './depthMetrics';
import { decode, encode, type Rqae } from './model';
import { partialSums, residualCodes } from './quantize';

function imageSize(model: Rqae): number {
  const { side, channels } = model.config;
  return side * side * channels;
}

function imagesTensor(model: Rqae, data: Float32Array): tf.Tensor4D {
  const { side, channels } = model.config;
  return tf.tensor4d(data, [data.length / imageSize(model), side, side, channels]);
}

/**
 * Reconstructions [D, B, side, side, ch] of images [B, side, side, ch] from their first 1…D codes, the codes,
 * and the latent error ‖z − ẑ^(d)‖² per depth [D] (mean over latent vectors and channels).
 */
export function reconstructAll(model: Rqae, images: tf.Tensor4D): { recon: tf.Tensor; codes: tf.Tensor2D; latent: tf.Tensor1D } {
  return tf.tidy(() => {
    const { depth, latentDim, side, channels } = model.config;
    const z = encode(model, images);
    const { codes } = residualCodes(model, z);
    const sums = partialSums(model, codes);
    const recon = decode(model, sums.reshape([-1, latentDim]) as tf.Tensor2D).reshape([depth, images.shape[0], side, side, channels]);
    const latent = sums.sub(z.expandDims(0)).square().mean([1, 2]) as tf.Tensor1D;
    return { recon, codes, latent };
  });
}

export type Evaluation = {
  errors: ErrorTable;
  /** Codes [D, M] chosen for the M latent vectors of all images, depth after depth. */
  codes: Int32Array;
  /** ‖z − ẑ^(d)‖² per depth [D], a mean over every latent vector and channel (the value of the latent terms). */
  latentMse: Float64Array;
};

/** Reconstruction MSE of every image at every depth, and every code. `onProgress(done, total)` per chunk. */
export async function evaluateImages(
  model: Rqae, images: Float32Array, chunk = 50, onProgress?: (done: number, total: number) => void,
): Promise<Evaluation> {
  const { depth } = model.config;
  const size = imageSize(model);
  const count = images.length / size;
  const mse = new Float64Array(count * depth);
  const latentMse = new Float64Array(depth);
  const perImageCodes: Int32Array[] = [];
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    const { err, codes, latent } = tf.tidy(() => {
      const x = imagesTensor(model, images.subarray(start * size, (start + n) * size));
      const r = reconstructAll(model, x);
      return { err: r.recon.reshape([depth, n, size]).sub(x.reshape([1, n, size])).square().mean(2), codes: r.codes, latent: r.latent };
    });
    const [e, c, l] = await Promise.all([err.data(), codes.data(), latent.data()]);
    tf.dispose([err, codes, latent]);
    for (let d = 0; d < depth; d++) for (let i = 0; i < n; i++) mse[(start + i) * depth + d] = e[d * n + i];
    // Every image has the same number of latent vectors: weight each chunk's mean by its images.
    for (let d = 0; d < depth; d++) latentMse[d] += (l[d] * n) / count;
    perImageCodes.push(c as Int32Array);
    onProgress?.(start + n, count);
  }
  // Regroup the chunks' [D, m] code blocks into one [D, M] table.
  const total = perImageCodes.reduce((s, c) => s + c.length, 0) / depth;
  const codes = new Int32Array(total * depth);
  let at = 0;
  for (const c of perImageCodes) {
    const m = c.length / depth;
    for (let d = 0; d < depth; d++) codes.set(c.subarray(d * m, (d + 1) * m), d * total + at);
    at += m;
  }
  return { errors: { mse, count, depth }, codes, latentMse };
}

/** Codebook health (usage, perplexity, dead codes) of each depth's codes [D, M]. */
export function healthPerDepth(model: Rqae, codes: Int32Array): CodebookHealth[] {
  const { depth, codebookSize } = model.config;
  const m = codes.length / depth;
  return Array.from({ length: depth }, (_, d) => codebookHealth(codes.subarray(d * m, (d + 1) * m), codebookSize));
}

/** One image's reconstructions at depths 1…D, [D · side · side · ch]. */
export async function reconstructionsOf(model: Rqae, image: Float32Array): Promise<Float32Array> {
  const recon = tf.tidy(() => reconstructAll(model, imagesTensor(model, image)).recon);
  const values = (await recon.data()) as Float32Array;
  recon.dispose();
  return values;
}
