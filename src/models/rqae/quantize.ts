// Residual quantization of latent vectors (Lee et al. 2022, "Autoregressive Image Generation using Residual
// Quantization", RQ-VAE): r_0 = z; code_d = argmin_k ‖r_{d−1} − e_k‖²; r_d = r_{d−1} − e_{code_d};
// ẑ^(d) = Σ_{i≤d} e_{code_i}. With a straight-through estimator the decoder input z + sg(ẑ^(d) − z) has the
// value ẑ^(d) and passes the decoder's gradient to the encoder unchanged.
// Written for tfjs-backend-wasm: no tf.gather (its gradient needs UnsortedSegmentSum, which wasm lacks) —
// codewords are looked up as one-hot · codebook; and no matMul with transpose flags in gradients (10–17×
// slower on wasm, see patchAR/ops.ts) — the lookup is flagFreeMatMul, whose gradients transpose explicitly.
import * as tf from '@tensorflow/tfjs-core';
import { flagFreeMatMul } from '../flagFreeMatMul';
import type { Rqae } from './model';

/** Identity in the forward pass, zero gradient: the sg(·) of the VQ-VAE / RQ-VAE losses. */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad((x) => ({
  value: tf.clone(x as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => [tf.zerosLike(dy)],
})) as (x: tf.Tensor) => tf.Tensor;

/** Straight-through: the value of `quantized`, the gradient of `x`. */
export function straightThrough(x: tf.Tensor, quantized: tf.Tensor): tf.Tensor {
  return tf.tidy(() => x.add(stopGradient(quantized.sub(x))));
}

/** The codewords of depth d [K, C] (all of them for a shared codebook). */
export function codebookAt(model: Rqae, codebook: tf.Tensor2D, d: number): tf.Tensor2D {
  const { sharedCodebook, codebookSize: k, latentDim } = model.config;
  return sharedCodebook ? codebook : (codebook.slice([d * k, 0], [k, latentDim]) as tf.Tensor2D);
}

/**
 * Greedy RQ codes [D, M] (int32) of latent vectors z [M, C], and the residual each depth quantized
 * [D, M, C] (r_0 … r_{D−1}; dead-code restarts draw replacements from them). No gradient flows here.
 */
export function residualCodes(model: Rqae, z: tf.Tensor2D): { codes: tf.Tensor2D; residuals: tf.Tensor3D } {
  return tf.tidy(() => {
    const codebook = stopGradient(model.params.codebook) as tf.Tensor2D;
    let r = stopGradient(z) as tf.Tensor2D;
    const codes: tf.Tensor1D[] = [];
    const residuals: tf.Tensor2D[] = [];
    for (let d = 0; d < model.config.depth; d++) {
      const e = codebookAt(model, codebook, d);
      // argmin ‖r − e‖² = argmin (‖e‖² − 2 r·e): ‖r‖² is the same for every codeword.
      const score = e.square().sum(1).sub(tf.matMul(r, e.transpose()).mul(2));
      const code = score.argMin(1) as tf.Tensor1D;
      residuals.push(r);
      codes.push(code);
      r = r.sub(tf.matMul(tf.oneHot(code, e.shape[0]).toFloat(), e));
    }
    return { codes: tf.stack(codes) as tf.Tensor2D, residuals: tf.stack(residuals) as tf.Tensor3D };
  });
}

/** The codeword each depth chose, e_{code_d} [D, M, C], for codes [D, M]: differentiable in the codebook. */
export function chosenCodewords(model: Rqae, codes: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const { depth, codebookSize: k, latentDim, sharedCodebook } = model.config;
    const m = codes.shape[1];
    const codebook = model.params.codebook as tf.Tensor2D;
    const oneHot = tf.oneHot(codes, k).toFloat() as tf.Tensor3D; // [D, M, K]
    return (sharedCodebook
      ? flagFreeMatMul(oneHot.reshape([depth * m, k]) as tf.Tensor2D, codebook).reshape([depth, m, latentDim])
      : flagFreeMatMul(oneHot, codebook.reshape([depth, k, latentDim]) as tf.Tensor3D)) as tf.Tensor3D;
  });
}

/** Running sums over depth of per-depth vectors [D, M, C]: ẑ^(d) = Σ_{i≤d} words_i. */
function runningSum(words: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    // A running sum, not tf.cumsum: Cumsum's gradient along a non-last axis returns the wrong shape (tfjs 4.22).
    // Depth 1 needs none (and unstack's gradient fails on a single slice).
    if (words.shape[0] === 1) return tf.clone(words);
    const parts = tf.unstack(words);
    for (let d = 1; d < parts.length; d++) parts[d] = parts[d - 1].add(parts[d]);
    return tf.stack(parts) as tf.Tensor3D;
  });
}

/** The partial sums ẑ^(1) … ẑ^(D) [D, M, C] of given codes [D, M], differentiable in the codebook. */
export function partialSums(model: Rqae, codes: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => runningSum(chosenCodewords(model, codes)));
}

/**
 * The latent terms per depth d, each a mean over latent vectors and channels [D]. All three have the value
 * ‖z − ẑ^(d)‖² (= ‖r_d‖², since r_{d−1} − e_{code_d} = r_d); they differ in what their gradient moves.
 */
export type LatentTerms = {
  /** ‖sg(r_{d−1}) − e_{code_d}‖²: moves only the codeword chosen at depth d, toward the residual it quantized
   *  (RQ-VAE's codebook update in gradient form; objective (a)). */
  residualCodebookLoss: tf.Tensor1D;
  /** ‖sg(z) − ẑ^(d)‖²: moves every codeword of the partial sum ẑ^(d) toward z (each depth treated as a
   *  VQ-VAE whose quantizer output is ẑ^(d); objective (b)). */
  sumCodebookLoss: tf.Tensor1D;
  /** ‖z − sg(ẑ^(d))‖²: moves the encoder toward the partial sum, codes and codewords fixed. */
  commitment: tf.Tensor1D;
};

export type Quantized = LatentTerms & {
  /** Codes [D, M] per depth and latent vector. */
  codes: tf.Tensor2D;
  /** ẑ^(d) [D, M, C]: gradients reach the codebook. */
  sums: tf.Tensor3D;
  /** Decoder inputs [D, M, C]: the value of ẑ^(d), the gradient of z (straight-through). */
  decoderInputs: tf.Tensor3D;
};

/**
 * Residual quantization of z [M, C] with every term the losses need. `given` codes (computed from the same
 * weights by residualCodes before a gradient step) skip the code search: under a gradient tape the search's
 * ops would all be recorded and back-propagated (as zeros), which costs more than the rest of the quantizer.
 */
export function quantize(model: Rqae, z: tf.Tensor2D, given?: tf.Tensor2D): Quantized {
  return tf.tidy(() => {
    const codes = given ? tf.clone(given) : residualCodes(model, z).codes;
    const words = chosenCodewords(model, codes);
    const sums = runningSum(words);
    const zs = z.expandDims(0);
    const decoderInputs = straightThrough(zs, sums) as tf.Tensor3D;
    const fixedZ = stopGradient(zs);
    const fixedSums = stopGradient(sums) as tf.Tensor3D;
    // r_{d−1} = z − ẑ^(d−1) (r_0 = z), all fixed: the target of depth d's codeword.
    const zero = tf.zerosLike(fixedSums.slice([0, 0, 0], [1, -1, -1]));
    const depth = model.config.depth;
    const before = depth === 1 ? zero : tf.concat([zero, fixedSums.slice([0, 0, 0], [depth - 1, -1, -1])]);
    const residualCodebookLoss = fixedZ.sub(before).sub(words).square().mean([1, 2]) as tf.Tensor1D;
    const sumCodebookLoss = fixedZ.sub(sums).square().mean([1, 2]) as tf.Tensor1D;
    const commitment = zs.sub(fixedSums).square().mean([1, 2]) as tf.Tensor1D;
    return { codes, sums, decoderInputs, residualCodebookLoss, sumCodebookLoss, commitment };
  });
}
