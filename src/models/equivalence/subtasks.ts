// Each decomposition's sub-tasks as the lab measures them: one batch's losses for accumulateGradientGram —
// K sub-tasks on half A, the same K on the disjoint half B, and the control, the sum of all K sub-task losses
// (the objective) on K random disjoint parts of the whole batch.
//   Noise levels: the denoiser's ε-MSE at λ_k (each image noised with its own fixed ε).
//   Patch steps: the patch transformer's next-patch MSE over a group of generation steps.
//   Depths: the RQ auto-encoder's reconstruction MSE from the partial code ẑ^(d), codes fixed from the current
//   weights; its codebook and commitment terms are left out (the lab reports them apart, never mixed in).
import * as tf from '@tensorflow/tfjs-core';
import { classRows, pixelsOf, type Denoiser } from '../diffusion/denoiser';
import { lossPerBin, type Parameterization } from '../diffusion/objective';
import { chunkRowsOf } from '../diffusion/evaluate';
import { lossForSteps, perPositionLoss, stepsOf, type PatchAR, type StepGroup } from '../patchAR/model';
import { decode, encode, type Rqae } from '../rqae/model';
import { quantize } from '../rqae/quantize';
import { codesOf, depthTerms } from '../rqae/losses';
import { pairedParts, randomParts, type BatchLosses } from './accumulate';

/**
 * A batch of `count` examples as plain arrays (what a worker holds): x0 and ε in model space, labels or null.
 * `antithetic`: the examples come in pairs (2i, 2i + 1), one image noised with ε and with −ε; the lab keeps each
 * pair on one side of every split.
 */
export type NoiseBatch = { count: number; x0: Float32Array; eps: Float32Array; labels: ArrayLike<number> | null; antithetic?: boolean };

function halves(count: number, what: string): number {
  if (!(count >= 2 && count % 2 === 0)) throw new RangeError(`the ${what} splits into two equal halves only for an even size ≥ 2, not ${count}`);
  return count / 2;
}

/**
 * Noise levels of a denoiser. `batch` holds 2N examples: the first N are half A, the rest half B. The control's
 * parts take 2N / K examples each, at every level.
 */
export function noiseLevelLosses(model: Denoiser, batch: NoiseBatch, lambdas: readonly number[], parameterization: Parameterization, rand: () => number): BatchLosses {
  const d = pixelsOf(model.config);
  const n = halves(batch.count, 'batch');
  if (batch.x0.length !== batch.count * d || batch.eps.length !== batch.count * d) throw new RangeError(`${batch.count} examples of ${d} values need x0 and ε of ${batch.count * d} values`);
  const k = lambdas.length;
  const x0 = tf.tensor2d(batch.x0, [batch.count, d]);
  const eps = tf.tensor2d(batch.eps, [batch.count, d]);
  const classes = model.config.classes > 0 && batch.labels ? classRows(batch.labels, model.config.classes) : null;
  const pick = (idx: number[]) => {
    const i = tf.tensor1d(idx, 'int32');
    const out = { x0: tf.gather(x0, i) as tf.Tensor2D, eps: tf.gather(eps, i) as tf.Tensor2D, classes: classes ? (tf.gather(classes, i) as tf.Tensor2D) : null };
    i.dispose();
    return out;
  };
  const range = (from: number) => Array.from({ length: n }, (_, j) => from + j);
  if (batch.antithetic && n % 2 !== 0) throw new RangeError(`antithetic pairs need halves of an even size, not ${n}`);
  const controlParts = (batch.antithetic ? pairedParts : randomParts)(batch.count, k, rand);
  const parts = [pick(range(0)), pick(range(n)), ...controlParts.map(pick)];
  const level = (p: (typeof parts)[number], l: readonly number[]) => () => tf.tidy(() => tf.mean(lossPerBin(model, p.x0, p.eps, p.classes, l, parameterization)) as tf.Scalar);
  return {
    a: lambdas.map((l) => level(parts[0], [l])),
    b: lambdas.map((l) => level(parts[1], [l])),
    control: parts.slice(2).map((p) => level(p, lambdas)),
    dispose: () => tf.dispose([x0, eps, ...(classes ? [classes] : []), ...parts.flatMap((p) => [p.x0, p.eps, ...(p.classes ? [p.classes] : [])])]),
  };
}

/**
 * Step groups of a patch transformer. `tokens`: 2N sequences [2N · steps · patchDim] in generation order; the first
 * N are half A. The control's parts take 2N / K sequences each, over every step of every group.
 */
export function patchStepLosses(model: PatchAR, tokens: Float32Array, order: Int32Array, groups: readonly StepGroup[], patchDim: number, rand: () => number): BatchLosses {
  const steps = order.length;
  const count = tokens.length / (steps * patchDim);
  if (!Number.isInteger(count)) throw new RangeError(`${tokens.length} values are not whole sequences of ${steps} × ${patchDim}`);
  const n = halves(count, 'batch of sequences');
  const all = tf.tensor3d(tokens, [count, steps, patchDim]);
  const pick = (idx: number[]) => tf.tidy(() => tf.gather(all, tf.tensor1d(idx, 'int32')) as tf.Tensor3D);
  const range = (from: number) => Array.from({ length: n }, (_, j) => from + j);
  const parts = [pick(range(0)), pick(range(n)), ...randomParts(count, groups.length, rand).map(pick)];
  const union = groups.flatMap((g) => (Array.isArray(g) ? g : Array.from({ length: g.to - g.from }, (_, i) => g.from + i)));
  const group = (p: tf.Tensor3D, g: StepGroup) => () => lossForSteps(model, p, order, g);
  return {
    a: groups.map((g) => group(parts[0], g)),
    b: groups.map((g) => group(parts[1], g)),
    control: parts.slice(2).map((p) => group(p, union)),
    dispose: () => tf.dispose([all, ...parts]),
  };
}

/** MSE of decoder(ẑ^(d)) against the images for each listed depth (1-based), codes fixed. */
function reconAt(model: Rqae, images: tf.Tensor4D, codes: tf.Tensor2D, depths: readonly number[]): tf.Scalar {
  return tf.tidy(() => {
    const q = quantize(model, encode(model, images), codes);
    const batch = images.shape[0];
    const terms = depths.map((d) => {
      const input = q.decoderInputs.slice([d - 1, 0, 0], [1, -1, -1]).reshape([-1, model.config.latentDim]) as tf.Tensor2D;
      return decode(model, input).reshape([batch, -1]).sub(images.reshape([batch, -1])).square().mean();
    });
    return tf.addN(terms).div(depths.length) as tf.Scalar;
  });
}

/**
 * Depths of an RQ auto-encoder: sub-task d is the reconstruction MSE from ẑ^(d), d = 1…D. `images`: 2N images
 * [2N · side · side · channels]; the first N are half A. The control's parts take 2N / D images each, at every depth.
 */
export function depthLosses(model: Rqae, images: Float32Array, rand: () => number): BatchLosses {
  const { side, channels, depth } = model.config;
  const per = side * side * channels;
  const count = images.length / per;
  if (!Number.isInteger(count)) throw new RangeError(`${images.length} values are not whole ${side} × ${side} × ${channels} images`);
  const n = halves(count, 'batch of images');
  const all = tf.tensor4d(images, [count, side, side, channels]);
  const pick = (idx: number[]) => tf.tidy(() => tf.gather(all, tf.tensor1d(idx, 'int32')) as tf.Tensor4D);
  const range = (from: number) => Array.from({ length: n }, (_, j) => from + j);
  const parts = [pick(range(0)), pick(range(n)), ...randomParts(count, depth, rand).map(pick)];
  const codes = parts.map((p) => codesOf(model, p));
  const depths = Array.from({ length: depth }, (_, d) => d + 1);
  const at = (p: number, ds: readonly number[]) => () => reconAt(model, parts[p], codes[p], ds);
  return {
    a: depths.map((d) => at(0, [d])),
    b: depths.map((d) => at(1, [d])),
    control: parts.slice(2).map((_, i) => at(i + 2, depths)),
    dispose: () => tf.dispose([all, ...parts, ...codes]),
  };
}

/** A loss on plain data for one optimizer step (the transfer experiment), with the tensors it made. */
export type DataLoss = { loss: () => tf.Scalar; dispose(): void };

/** The example-weighted mean of per-sub-task losses [K] over `chunk`-sized pieces of `count` examples, read back. */
async function meanOverChunks(count: number, chunk: number, lossesOf: (from: number, size: number) => tf.Tensor1D): Promise<number[]> {
  let sum: number[] = [];
  for (let from = 0; from < count; from += chunk) {
    const size = Math.min(chunk, count - from);
    const l = lossesOf(from, size);
    const values = await l.data();
    l.dispose();
    sum = Array.from(values, (v, i) => (sum[i] ?? 0) + v * size);
  }
  return sum.map((v) => v / count);
}

/** Noise levels: the ε-MSE averaged over `lambdas` on a batch (one level for a sub-task's row, all for the reference). */
export function noiseLevelLoss(model: Denoiser, batch: NoiseBatch, lambdas: readonly number[], parameterization: Parameterization): DataLoss {
  const d = pixelsOf(model.config);
  const x0 = tf.tensor2d(batch.x0, [batch.count, d]);
  const eps = tf.tensor2d(batch.eps, [batch.count, d]);
  const classes = model.config.classes > 0 && batch.labels ? classRows(batch.labels, model.config.classes) : null;
  return {
    loss: () => tf.tidy(() => tf.mean(lossPerBin(model, x0, eps, classes, lambdas, parameterization)) as tf.Scalar),
    dispose: () => tf.dispose([x0, eps, ...(classes ? [classes] : [])]),
  };
}

/**
 * Every level's held-out ε-MSE on a fixed batch (in chunks of 100 examples; a U-Net's chunks hold at most
 * chunkRowsOf rows over all levels, its activations being images).
 */
export function noiseLevelHeldout(model: Denoiser, batch: NoiseBatch, lambdas: readonly number[], parameterization: Parameterization): Promise<number[]> {
  const d = pixelsOf(model.config);
  const chunk = model.config.arch === 'unet' ? Math.max(1, Math.floor(chunkRowsOf(model) / lambdas.length)) : 100;
  return meanOverChunks(batch.count, chunk, (from, size) =>
    tf.tidy(() => {
      const x0 = tf.tensor2d(batch.x0.subarray(from * d, (from + size) * d), [size, d]);
      const eps = tf.tensor2d(batch.eps.subarray(from * d, (from + size) * d), [size, d]);
      const classes = model.config.classes > 0 && batch.labels ? classRows(Array.from(batch.labels).slice(from, from + size), model.config.classes) : null;
      return lossPerBin(model, x0, eps, classes, lambdas, parameterization);
    }),
  );
}

/** Patch steps: the next-patch MSE over a group of steps on `tokens` (sequences in generation order). */
export function patchStepLoss(model: PatchAR, tokens: Float32Array, order: Int32Array, group: StepGroup, patchDim: number): DataLoss {
  const count = tokens.length / (order.length * patchDim);
  const t = tf.tensor3d(tokens, [count, order.length, patchDim]);
  return { loss: () => lossForSteps(model, t, order, group), dispose: () => t.dispose() };
}

/** Every group's held-out next-patch MSE (one forward pass per chunk of 128 sequences). */
export function patchStepHeldout(model: PatchAR, tokens: Float32Array, order: Int32Array, groups: readonly StepGroup[], patchDim: number): Promise<number[]> {
  const n = order.length;
  const per = n * patchDim;
  // Row g of the matrix averages group g's steps, so one product turns per-step losses into per-group ones.
  const weights = new Float32Array(groups.length * n);
  groups.forEach((g, row) => {
    const list = stepsOf(g, n);
    for (const s of list) weights[row * n + s] += 1 / list.length;
  });
  return meanOverChunks(tokens.length / per, 128, (from, size) =>
    tf.tidy(() => {
      const t = tf.tensor3d(tokens.subarray(from * per, (from + size) * per), [size, n, patchDim]);
      const perStep = perPositionLoss(model, t, order).reshape([n, 1]);
      return tf.matMul(tf.tensor2d(weights, [groups.length, n]), perStep).reshape([groups.length]) as tf.Tensor1D;
    }),
  );
}

/** Depths: the reconstruction MSE from ẑ^(d) averaged over `depths` (1-based), codes fixed from the weights at the start. */
export function depthLoss(model: Rqae, images: Float32Array, depths: readonly number[]): DataLoss {
  const { side, channels } = model.config;
  const t = tf.tensor4d(images, [images.length / (side * side * channels), side, side, channels]);
  const codes = codesOf(model, t);
  return { loss: () => reconAt(model, t, codes, depths), dispose: () => tf.dispose([t, codes]) };
}

/** Every depth's held-out reconstruction MSE, with the codes the current weights choose (in chunks of 128 images). */
export function depthHeldout(model: Rqae, images: Float32Array): Promise<number[]> {
  const { side, channels } = model.config;
  const per = side * side * channels;
  return meanOverChunks(images.length / per, 128, (from, size) =>
    tf.tidy(() => depthTerms(model, tf.tensor4d(images.subarray(from * per, (from + size) * per), [size, side, side, channels])).recon),
  );
}
