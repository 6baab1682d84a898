// The two training objectives the Depth panel switches between, and the per-depth losses behind them.
//   (a) 'full':   MSE(decoder(ẑ^(D)), x) + Σ_d [‖sg(z) − ẑ^(d)‖² + β‖z − sg(ẑ^(d))‖²]   (RQ-VAE, Lee et al. 2022)
//   (b) 'summed': Σ_d MSE(decoder(ẑ^(d)), x) + the same codebook/commitment sum        (the talk's objective)
// β = 0.25 as in RQ-VAE. RQ-VAE updates its codebook by an exponential moving average; here the codebook
// loss does it by gradient (VQ-VAE's original form), so one Adam step trains everything and
// tf.variableGrads can differentiate every term. MSEs are means over pixels in [0, 1] units; latent terms are
// means over latent vectors and channels.
import * as tf from '@tensorflow/tfjs-core';
import { decode, encode, type Rqae } from './model';
import { quantize, residualCodes } from './quantize';
import type { RqaeObjective } from './shipped';

export type Objective = RqaeObjective;
export const OBJECTIVES: readonly Objective[] = ['full', 'summed'];
export const COMMITMENT_BETA = 0.25;

export type DepthTerms = {
  /** Reconstruction MSE of decoder(ẑ^(d)) [D] (only [1], depth D, when decoding the last depth alone). */
  recon: tf.Tensor1D;
  codebookLoss: tf.Tensor1D;
  commitment: tf.Tensor1D;
};

/**
 * Every loss term for images [B, side, side, ch]. `decodeAll` false decodes only ẑ^(D) (objective (a)'s
 * training step needs nothing else, and it is D times cheaper).
 */
export function depthTerms(model: Rqae, images: tf.Tensor4D, decodeAll = true, codes?: tf.Tensor2D): DepthTerms {
  return tf.tidy(() => {
    const { depth, latentDim } = model.config;
    const batch = images.shape[0];
    const q = quantize(model, encode(model, images), codes);
    const inputs = decodeAll ? q.decoderInputs : q.decoderInputs.slice([depth - 1, 0, 0], [1, -1, -1]);
    const levels = decodeAll ? depth : 1;
    const recon = decode(model, inputs.reshape([-1, latentDim]) as tf.Tensor2D)
      .reshape([levels, batch, -1])
      .sub(images.reshape([1, batch, -1])) // squaredDifference's gradient does not undo broadcasting (tfjs 4.22)
      .square()
      .mean([1, 2]) as tf.Tensor1D;
    return { recon, codebookLoss: q.codebookLoss, commitment: q.commitment };
  });
}

/** The codes of images under the current weights (no gradient); pass them to the losses below. */
export function codesOf(model: Rqae, images: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => residualCodes(model, encode(model, images)).codes);
}

/**
 * The loss of each depth d = 1…D as D scalars that tf.variableGrads can differentiate (for the equivalence
 * lab): MSE(decoder(ẑ^(d)), x) + ‖sg(z) − ẑ^(d)‖² + β‖z − sg(ẑ^(d))‖². Their sum is objective (b).
 */
export function lossPerDepth(model: Rqae, images: tf.Tensor4D, beta = COMMITMENT_BETA, codes?: tf.Tensor2D): tf.Scalar[] {
  return tf.tidy(() => {
    const t = depthTerms(model, images, true, codes);
    const perDepth = t.recon.add(t.codebookLoss).add(t.commitment.mul(beta));
    return tf.unstack(perDepth) as tf.Scalar[];
  });
}

/** The training loss of an objective, one scalar (`codes`: see quantize). */
export function objectiveLoss(model: Rqae, images: tf.Tensor4D, objective: Objective, beta = COMMITMENT_BETA, codes?: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const t = depthTerms(model, images, objective === 'summed', codes);
    return t.recon.sum().add(t.codebookLoss.sum()).add(t.commitment.sum().mul(beta)) as tf.Scalar;
  });
}

/** Warm-up loss before the codebook exists: a plain auto-encoder, MSE(decoder(z), x) (see train.ts). */
export function autoencoderLoss(model: Rqae, images: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => decode(model, encode(model, images)).squaredDifference(images).mean() as tf.Scalar);
}
