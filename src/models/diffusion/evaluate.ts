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
  /** Rows per forward pass (images × bins of one chunk); default chunkRowsOf(model). */
  chunkRows?: number;
  /** Called before each chunk with the fraction done; may yield. */
  onChunk?: (fraction: number) => Promise<void> | void;
};

/**
 * Rows per forward pass of the profile: 2000 for the MLPs; 100 for a U-Net, whose activations are images,
 * not vectors (a 2000-row pass would hold gigabytes).
 */
export function chunkRowsOf(model: Denoiser): number {
  return model.config.arch === 'unet' ? 100 : 2000;
}

/**
 * The bins of `lambdas` over images [0, n) in chunks of at most `rows` forward rows: whole bin groups when
 * all images fit in one pass, else image slices of each bin (means combined in proportion to their sizes).
 */
function chunks(n: number, bins: number, rows: number): { bin: number; bins: number; from: number; to: number }[] {
  const out: { bin: number; bins: number; from: number; to: number }[] = [];
  if (rows >= n) {
    const perChunk = Math.max(1, Math.floor(rows / n));
    for (let b = 0; b < bins; b += perChunk) out.push({ bin: b, bins: Math.min(perChunk, bins - b), from: 0, to: n });
  } else {
    for (let b = 0; b < bins; b++) for (let i = 0; i < n; i += rows) out.push({ bin: b, bins: 1, from: i, to: Math.min(n, i + rows) });
  }
  return out;
}

/** The ε-MSE per λ bin over the set (labels as the conditioning where the model has classes). */
export async function heldoutProfileAsync(model: Denoiser, parameterization: Parameterization, set: ImageSet, opts: ProfileOptions = {}): Promise<Profile> {
  const n = Math.min(set.count, opts.limit ?? set.count);
  const lambdas = binCentres(opts.bins ?? 50);
  const d = pixelsOf(model.config);
  const x0 = modelSpaceOfSet(set, Int32Array.from({ length: n }, (_, i) => i));
  const eps = seededNoise(n * d, opts.seed ?? 1);
  const loss = new Array<number>(lambdas.length).fill(0);
  const x0t = tf.tensor2d(x0, [n, d]);
  const epst = tf.tensor2d(eps, [n, d]);
  const classes = model.config.classes > 0 && set.labels ? classRows(set.labels.subarray(0, n), model.config.classes) : null;
  try {
    const parts = chunks(n, lambdas.length, opts.chunkRows ?? chunkRowsOf(model));
    for (const [k, c] of parts.entries()) {
      await opts.onChunk?.(k / parts.length);
      const part = chunkLoss(model, x0t, epst, classes, lambdas, c, parameterization);
      addChunk(loss, c, n, await part.data());
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
  const loss = tf.tidy(() => {
    const x0t = tf.tensor2d(modelSpaceOfSet(set, Int32Array.from({ length: n }, (_, i) => i)), [n, d]);
    const epst = tf.tensor2d(seededNoise(n * d, opts.seed ?? 1), [n, d]);
    const classes = model.config.classes > 0 && set.labels ? classRows(set.labels.subarray(0, n), model.config.classes) : null;
    const out = new Array<number>(lambdas.length).fill(0);
    for (const c of chunks(n, lambdas.length, opts.chunkRows ?? chunkRowsOf(model))) {
      addChunk(out, c, n, tf.tidy(() => chunkLoss(model, x0t, epst, classes, lambdas, c, parameterization).dataSync()));
    }
    return out;
  });
  return { lambda: lambdas, loss, mean: loss.reduce((a, b) => a + b, 0) / loss.length };
}

type Chunk = ReturnType<typeof chunks>[number];

/** The loss of one chunk's bins on its images. */
function chunkLoss(model: Denoiser, x0: tf.Tensor2D, eps: tf.Tensor2D, classes: tf.Tensor2D | null, lambdas: number[], c: Chunk, p: Parameterization): tf.Tensor1D {
  if (c.from === 0 && c.to === x0.shape[0]) return lossPerBin(model, x0, eps, classes, lambdas.slice(c.bin, c.bin + c.bins), p);
  return tf.tidy(() => {
    const rows = c.to - c.from;
    const part = (t: tf.Tensor2D) => t.slice([c.from, 0], [rows, -1]);
    return lossPerBin(model, part(x0), part(eps), classes ? part(classes) : null, lambdas.slice(c.bin, c.bin + c.bins), p);
  });
}

/** Adds a chunk's bin means, weighted by its share of the images. */
function addChunk(loss: number[], c: Chunk, n: number, values: ArrayLike<number>): void {
  const share = (c.to - c.from) / n;
  for (let k = 0; k < c.bins; k++) loss[c.bin + k] += share === 1 ? values[k] : share * values[k];
}
