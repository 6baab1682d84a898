// The two training objectives the Depth panel switches between, and the per-depth losses behind them.
// Notation (quantize.ts): r_0 = z, r_d = r_{d−1} − e_{k_d}, ẑ^(d) = Σ_{i≤d} e_{k_i}; sg = stop-gradient; codes k_d
// fixed by the greedy search; latent terms are means over latent vectors and channels, MSEs means over pixels
// in [0, 1] units; β = 0.25 (RQ-VAE's commitment weight).
//
//   (a) 'full', RQ-VAE as published (Lee et al. 2022; reference implementation kakaobrain/rq-vae-transformer):
//       MSE(decoder(ẑ^(D)), x)                          reconstruction at full depth only
//     + Σ_d ‖sg(r_{d−1}) − e_{k_d}‖²                    codebook: each chosen codeword toward the residual it quantized
//     + β · (1/D) Σ_d ‖z − sg(ẑ^(d))‖²                  commitment: the encoder toward every partial sum, mean over depths
//   RQ-VAE moves its codebook by an exponential moving average of the residuals assigned to each codeword; here
//   the codebook term does it by gradient (VQ-VAE's original form of the same update, whose fixed point is the
//   same: each codeword at the mean of the residuals it quantizes, at every depth it is chosen), so one Adam step
//   trains everything and tf.variableGrads can differentiate every term.
//
//   (b) 'summed', the talk's objective: every depth treated as a VQ-VAE whose quantizer output is ẑ^(d),
//       Σ_d MSE(decoder(ẑ^(d)), x)                      reconstruction at every depth
//     + Σ_d ‖sg(z) − ẑ^(d)‖²                            codebook: every codeword of each partial sum toward z
//     + β · Σ_d ‖z − sg(ẑ^(d))‖²                        commitment, summed over depths
//
// The latent terms have the same value in both forms (‖z − ẑ^(d)‖² = ‖r_d‖²); their gradients differ: in (b) the
// depth-d term also pulls the codewords chosen at depths i < d, in (a) only e_{k_d}.
import * as tf from '@tensorflow/tfjs-core';
import { decode, encode, type Rqae } from './model';
import { quantize, residualCodes, type LatentTerms } from './quantize';
import type { RqaeObjective } from './shipped';

export type Objective = RqaeObjective;
export const COMMITMENT_BETA = 0.25;

export type DepthTerms = LatentTerms & {
  /** Reconstruction MSE of decoder(ẑ^(d)) [D] (only [1], depth D, when decoding the last depth alone). */
  recon: tf.Tensor1D;
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
    return { recon, residualCodebookLoss: q.residualCodebookLoss, sumCodebookLoss: q.sumCodebookLoss, commitment: q.commitment };
  });
}

/** The codes of images under the current weights (no gradient); pass them to the losses below. */
export function codesOf(model: Rqae, images: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => residualCodes(model, encode(model, images)).codes);
}

/**
 * The loss of each depth d = 1…D as D scalars that tf.variableGrads can differentiate (for the equivalence
 * lab): depth d's reconstruction and latent terms in objective (b)'s form, MSE(decoder(ẑ^(d)), x) +
 * ‖sg(z) − ẑ^(d)‖² + β‖z − sg(ẑ^(d))‖². Their sum is objective (b); objective (a) has no such split (its
 * reconstruction is depth D's alone).
 */
export function lossPerDepth(model: Rqae, images: tf.Tensor4D, beta = COMMITMENT_BETA, codes?: tf.Tensor2D): tf.Scalar[] {
  return tf.tidy(() => {
    const t = depthTerms(model, images, true, codes);
    const perDepth = t.recon.add(t.sumCodebookLoss).add(t.commitment.mul(beta));
    return tf.unstack(perDepth) as tf.Scalar[];
  });
}

/** An objective's three parts (the commitment before its weight β): loss = recon + codebook + β · commitment. */
export type ObjectiveTerms = { recon: tf.Scalar; codebook: tf.Scalar; commitment: tf.Scalar };

/** The parts of an objective's training loss (see the header), one scalar each (`codes`: see quantize). */
export function objectiveTerms(model: Rqae, images: tf.Tensor4D, objective: Objective, codes?: tf.Tensor2D): ObjectiveTerms {
  return tf.tidy(() => {
    const t = depthTerms(model, images, objective === 'summed', codes);
    return objective === 'summed'
      ? { recon: t.recon.sum() as tf.Scalar, codebook: t.sumCodebookLoss.sum() as tf.Scalar, commitment: t.commitment.sum() as tf.Scalar }
      : { recon: t.recon.sum() as tf.Scalar, codebook: t.residualCodebookLoss.sum() as tf.Scalar, commitment: t.commitment.mean() as tf.Scalar };
  });
}

/** The training loss of an objective, one scalar (`codes`: see quantize). */
export function objectiveLoss(model: Rqae, images: tf.Tensor4D, objective: Objective, beta = COMMITMENT_BETA, codes?: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const t = objectiveTerms(model, images, objective, codes);
    return t.recon.add(t.codebook).add(t.commitment.mul(beta)) as tf.Scalar;
  });
}

/**
 * An objective's value from per-depth numbers (no tfjs): `reconPerDepth` [D] the mean reconstruction MSE from
 * the first d codes, `latentPerDepth` [D] the mean ‖z − ẑ^(d)‖² (the value of every latent term, see the header).
 * On the same images it equals objectiveLoss; the training script scores held-out digits with it.
 */
export function objectiveValue(objective: Objective, reconPerDepth: ArrayLike<number>, latentPerDepth: ArrayLike<number>, beta = COMMITMENT_BETA): number {
  const depth = reconPerDepth.length;
  if (depth < 1 || latentPerDepth.length !== depth) throw new RangeError(`need D ≥ 1 values of each, got ${depth} and ${latentPerDepth.length}`);
  let recon = 0;
  let latent = 0;
  for (let d = 0; d < depth; d++) {
    recon += reconPerDepth[d];
    latent += latentPerDepth[d];
  }
  return objective === 'summed' ? recon + latent + beta * latent : reconPerDepth[depth - 1] + latent + (beta * latent) / depth;
}

/** Warm-up loss before the codebook exists: a plain auto-encoder, MSE(decoder(z), x) (see train.ts). */
export function autoencoderLoss(model: Rqae, images: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => decode(model, encode(model, images)).squaredDifference(images).mean() as tf.Scalar);
}
