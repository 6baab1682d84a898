// A small convolutional auto-encoder with residual quantization (RQ) of its latent vectors, written as plain
// functions over tf.variables like the patch transformer (every parameter has a stable name = weight-file key).
//
//   encoder  side×side×ch → conv3×3/2 (w0) → relu → conv3×3/2 (w1) → relu → conv1×1 → (side/4)²×latentDim
//   RQ       depth D codes per latent vector from one shared codebook (or one per depth), see quantize.ts
//   decoder  conv3×3 (w1) → relu → conv3×3 (4·w0) → pixel shuffle ×2 → relu → conv3×3 (4·ch) → pixel shuffle ×2
//            → sigmoid
// Up-sampling by pixel shuffle (sub-pixel convolution, Shi et al. 2016) keeps every convolution at side/4 or
// side/2: on tfjs-backend-wasm a full-resolution conv with one output channel and a nearest-neighbour resize
// (and their gradients) cost more than all the rest of the decoder.
//
// The decoder runs on all D partial sums ẑ^(1)…ẑ^(D) at once (stacked along the batch), so objective (b),
// the sum of per-depth reconstruction losses, costs one decoder call on a D-times larger batch.
import * as tf from '@tensorflow/tfjs-core';
import { gaussian, mulberry32 } from '../../core/random';
import type { InitialValues } from '../weightsIo';

export interface RqaeConfig {
  /** Image side in pixels (a multiple of 4: two stride-2 convolutions). */
  side: number;
  channels: 1 | 3;
  /** Feature widths of the two resolution levels (side/2 and side/4). */
  widths: [number, number];
  /** Channels of each latent vector (one per cell of the (side/4)² grid). */
  latentDim: number;
  /** Codewords per codebook. */
  codebookSize: number;
  /** RQ depth D (codes per latent vector), 1…16. */
  depth: number;
  /** One codebook for every depth (RQ-VAE's default) or one per depth. */
  sharedCodebook: boolean;
}

export const MAX_DEPTH = 16;

/** The shipped digit models: 28×28 digits → 7×7×8 latents, 128 shared codewords. */
export function digitConfig(depth: number, sharedCodebook = true): RqaeConfig {
  return { side: 28, channels: 1, widths: [16, 32], latentDim: 8, codebookSize: 128, depth, sharedCodebook };
}

/** In-browser training on 32×32 RGB crops of the current image. */
export function cropConfig(depth: number, sharedCodebook = true): RqaeConfig {
  return { ...digitConfig(depth, sharedCodebook), side: 32, channels: 3 };
}

export type Rqae = {
  config: RqaeConfig;
  params: Record<string, tf.Variable>;
};

export function latentSide(c: RqaeConfig): number {
  return c.side / 4;
}

/** Rows of the codebook variable: K shared, or D·K (depth d's codewords are rows d·K … d·K + K − 1). */
export function codebookRows(c: RqaeConfig): number {
  return c.sharedCodebook ? c.codebookSize : c.depth * c.codebookSize;
}

export function paramShapes(c: RqaeConfig): [string, number[]][] {
  const [w0, w1] = c.widths;
  return [
    ['enc/conv0/w', [3, 3, c.channels, w0]], ['enc/conv0/b', [w0]],
    ['enc/conv1/w', [3, 3, w0, w1]], ['enc/conv1/b', [w1]],
    ['enc/proj/w', [1, 1, w1, c.latentDim]], ['enc/proj/b', [c.latentDim]],
    ['codebook', [codebookRows(c), c.latentDim]],
    ['dec/conv1/w', [3, 3, c.latentDim, w1]], ['dec/conv1/b', [w1]],
    ['dec/up/w', [3, 3, w1, 4 * w0]], ['dec/up/b', [4 * w0]],
    ['dec/out/w', [3, 3, w0, 4 * c.channels]], ['dec/out/b', [4 * c.channels]],
  ];
}

export function paramCount(c: RqaeConfig): number {
  return paramShapes(c).reduce((sum, [, shape]) => sum + shape.reduce((a, b) => a * b, 1), 0);
}

export function validateConfig(c: RqaeConfig): void {
  const ints = [c.side, c.latentDim, c.codebookSize, c.depth, ...c.widths];
  if (!ints.every((x) => Number.isInteger(x) && x > 0)) throw new RangeError('RQ auto-encoder sizes must be positive integers');
  if (c.side % 4 !== 0) throw new RangeError(`side ${c.side} must be a multiple of 4`);
  if (c.depth > MAX_DEPTH) throw new RangeError(`depth ${c.depth} exceeds ${MAX_DEPTH}`);
  if (c.channels !== 1 && c.channels !== 3) throw new RangeError('channels must be 1 or 3');
}

/** He-normal conv weights (relu follows), zero biases; the codebook starts small (k-means replaces it, train.ts). */
function initialValue(name: string, shape: number[], normal: () => number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(size);
  if (shape.length === 1) return name === 'dec/out/b' ? v.fill(-2) : v; // sigmoid(−2) ≈ 0.12, MNIST's mean ink
  const fanIn = shape.length === 4 ? shape[0] * shape[1] * shape[2] : shape[1];
  const std = name === 'codebook' ? 0.1 : Math.sqrt((name.endsWith('proj/w') || name === 'dec/out/w' ? 1 : 2) / fanIn);
  for (let i = 0; i < size; i++) v[i] = std * normal();
  return v;
}

export function createRqae(config: RqaeConfig, seed = 0, initial?: InitialValues): Rqae {
  validateConfig(config);
  const normal = gaussian(mulberry32(seed));
  const params: Record<string, tf.Variable> = {};
  for (const [name, shape] of paramShapes(config)) {
    const values = initial ? initial(name) : initialValue(name, shape, normal);
    // Unnamed variables: tfjs variable names are global and several models may live side by side.
    params[name] = tf.tidy(() => tf.variable(tf.tensor(values, shape), true));
  }
  return { config, params };
}

export function dispose(model: Rqae): void {
  for (const v of Object.values(model.params)) v.dispose();
}

function conv(model: Rqae, x: tf.Tensor4D, layer: string, stride: 1 | 2): tf.Tensor4D {
  const p = model.params;
  return tf.fused.conv2d({ x, filter: p[`${layer}/w`] as tf.Tensor4D, strides: stride, pad: 'same', bias: p[`${layer}/b`] });
}

/**
 * Pixel shuffle [B, H, W, 4·C] → [B, 2H, 2W, C]: channel (dy·2 + dx)·C + c becomes pixel (2y + dy, 2x + dx).
 * Reshapes and a transpose (tf.depthToSpace has no gradient in tfjs).
 */
export function pixelShuffle(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c4] = x.shape;
    const c = c4 / 4;
    return x.reshape([b, h, w, 2, 2, c]).transpose([0, 1, 3, 2, 4, 5]).reshape([b, 2 * h, 2 * w, c]) as tf.Tensor4D;
  });
}

/** Latent vectors [B·(side/4)², latentDim] (row-major cells, image after image) of images [B, side, side, ch]. */
export function encode(model: Rqae, images: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const h0 = conv(model, images, 'enc/conv0', 2).relu() as tf.Tensor4D;
    const h1 = conv(model, h0, 'enc/conv1', 2).relu() as tf.Tensor4D;
    const z = conv(model, h1, 'enc/proj', 1);
    return z.reshape([-1, model.config.latentDim]) as tf.Tensor2D;
  });
}

/** Images [M, side, side, ch] in [0, 1] from latent vectors [M·(side/4)², latentDim]. */
export function decode(model: Rqae, latents: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => {
    const { latentDim } = model.config;
    const s = latentSide(model.config);
    const z = latents.reshape([-1, s, s, latentDim]) as tf.Tensor4D;
    const h1 = conv(model, z, 'dec/conv1', 1).relu() as tf.Tensor4D;
    const h0 = pixelShuffle(conv(model, h1, 'dec/up', 1)).relu() as tf.Tensor4D;
    return pixelShuffle(conv(model, h0, 'dec/out', 1)).sigmoid() as tf.Tensor4D;
  });
}
