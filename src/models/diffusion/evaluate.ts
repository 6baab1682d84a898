// The held-out difficulty profile: ε-MSE of a denoiser in 50 equal λ bins, each bin evaluated on the same
// held-out images with the same seeded noise (so profiles of two weight versions differ only by the weights).
import * as tf from '@tensorflow/tfjs-core';
import { seededNoise } from '../../core/diffusion/forward';
import { classRows, pixelsOf, type Denoiser } from './denoiser';
import { binCentres, lossPerBin, type Parameterization } from './objective';
import { modelSpaceOfSet, type ImageSet } from './data';

/** The shipped evaluation: the first 200 held-out images, noise from this seed (the script records its result). */
export const PROFILE_IMAGES = 200;
export const PROFILE_SEED = 20241125;

export type Profile = { lambda: number[]; loss: number[]; mean: number };

export type ProfileOptions = {
  /** Images used (the first ones of the set); default all. */
  limit?: number;
  seed?: number;
  bins?: number;
  /** Rows per forward pass (images × bins of one chunk). */
  chunkRows?: number;
  /** Called before each chunk with the fraction done; may yield. */
  onChunk?: (fraction: number) => Promise<void> | void;
};

/** The ε-MSE per λ bin over the set (labels as the conditioning where the model has classes). */
export async function heldoutProfileAsync(model: Denoiser, parameterization: Parameterization, set: ImageSet, opts: ProfileOptions = {}): Promise<Profile> {
  const n = Math.min(set.count, opts.limit ?? set.count);
  const lambdas = binCentres(opts.bins ?? 50);
  const d = pixelsOf(model.config);
  const x0 = modelSpaceOfSet(set, Int32Array.from({ length: n }, (_, i) => i));
  const eps = seededNoise(n * d, opts.seed ?? 1);
  const perChunk = Math.max(1, Math.floor((opts.chunkRows ?? 2000) / n));
  const loss: number[] = [];
  const x0t = tf.tensor2d(x0, [n, d]);
  const epst = tf.tensor2d(eps, [n, d]);
  const classes = model.config.classes > 0 && set.labels ? classRows(set.labels.subarray(0, n), model.config.classes) : null;
  try {
    for (let b = 0; b < lambdas.length; b += perChunk) {
      await opts.onChunk?.(b / lambdas.length);
      const part = lossPerBin(model, x0t, epst, classes, lambdas.slice(b, b + perChunk), parameterization);
      loss.push(...(await part.data()));
      part.dispose();
    }
  } finally {
    x0t.dispose();
    epst.dispose();
    classes?.dispose();
  }
  return { lambda: lambdas, loss, mean: loss.reduce((a, b) => a + b, 0) / loss.length };
}

/** The same, synchronously (scripts and tests on wasm/cpu). */
export function heldoutProfile(model: Denoiser, parameterization: Parameterization, set: ImageSet, opts: Omit<ProfileOptions, 'onChunk'> = {}): Profile {
  const n = Math.min(set.count, opts.limit ?? set.count);
  const lambdas = binCentres(opts.bins ?? 50);
  const d = pixelsOf(model.config);
  const perChunk = Math.max(1, Math.floor((opts.chunkRows ?? 2000) / n));
  const loss = tf.tidy(() => {
    const x0t = tf.tensor2d(modelSpaceOfSet(set, Int32Array.from({ length: n }, (_, i) => i)), [n, d]);
    const epst = tf.tensor2d(seededNoise(n * d, opts.seed ?? 1), [n, d]);
    const classes = model.config.classes > 0 && set.labels ? classRows(set.labels.subarray(0, n), model.config.classes) : null;
    const out: number[] = [];
    for (let b = 0; b < lambdas.length; b += perChunk) {
      out.push(...tf.tidy(() => lossPerBin(model, x0t, epst, classes, lambdas.slice(b, b + perChunk), parameterization).dataSync()));
    }
    return out;
  });
  return { lambda: lambdas, loss, mean: loss.reduce((a, b) => a + b, 0) / loss.length };
}
