// The denoisers as plain functions over named tf.variables (no tf.layers, like the patch transformer), both
// conditioned on the log-SNR λ and seeing the variance-preserving input x_in = x_t/√(α² + σ²), so one network
// serves every schedule of the panel (VP, EDM, flow).
//
// - 'mlp' (the digits): a residual MLP, x_in (784) → width → `blocks` × [h += W·silu(h + e_l)] → 784. The tfjs
//   notes measured an MLP denoiser at 10–12 training steps/s on wasm against 2 for a small conv net: the
//   in-browser fine-tuning budget (≥ 4 steps/s at batch 32) decides the architecture.
// - 'mixer' (the 32×32×3 patches): an MLP-Mixer (Tolstikhin et al. 2021) over 4×4-px tokens: only matrix
//   products and 3-D transposes (no conv kernels), and far fewer weights than a dense MLP over 3072 pixels.
// Conditioning: e = silu(W₂·silu(W₁·[fourier(λ), oneHot(class)])), added to every block through its own
// projection. Output: F(x_in, λ, class) + g·x_in with a learned scalar gain g = W·e + b. Without the skip a
// network narrower than the image cannot output a full-rank target: an ε-predicting 784 → 384 → 784 MLP
// stalled at ε-MSE ≈ (784 − 384)/784 even where ε ≈ x_in is trivial. Every target (ε, x0, v, ε − x0) is
// g(λ)·x_in plus a low-rank function of the data, so one skip serves all parameterizations.
// The class enters as oneHot·matrix, not tf.gather: wasm has no gradient for gather.
import * as tf from '@tensorflow/tfjs-core';
import { gaussian, mulberry32 } from '../../core/random';
import { linear, matMul } from '../patchAR/ops';
import type { InitialValues } from '../weightsIo';
import { unetForward, unetShapes, unetSkipGain, validateUnet } from './unet';

export const DENOISER_ARCHS = ['mlp', 'mixer', 'unet'] as const;
export type DenoiserArch = (typeof DENOISER_ARCHS)[number];

export type DenoiserConfig = {
  arch: DenoiserArch;
  side: number;
  channels: 1 | 3;
  /** Label classes including the null class (11 for digits), 0 for an unconditional model. */
  classes: number;
  /** Hidden width (mlp), token channels (mixer) or channels of the finest level (unet). */
  width: number;
  /** Residual blocks (unet: per level, on the way down and on the way up). */
  blocks: number;
  /** Width of the conditioning embedding e. */
  embed: number;
  /** Number of Fourier frequencies of λ (sin and cos of each). */
  fourier: number;
  /** mixer: token side in pixels and the token-mixing hidden width. */
  patch?: number;
  tokenHidden?: number;
  /** unet: channel multiplier of each resolution, finest first (default [1, 2, 2]: 28 → 14 → 7 px). */
  mults?: readonly number[];
  /** unet: the conditioning scales and shifts each block's normalised features (FiLM), rather than adding to them. */
  film?: boolean;
};

/** Shipped digit denoiser: 784 → 384 → 3 residual blocks → 784, 11 classes (class 10 = null). */
export const DIGIT_DENOISER: DenoiserConfig = { arch: 'mlp', side: 28, channels: 1, classes: 11, width: 384, blocks: 3, embed: 64, fourier: 16 };

/**
 * Shipped convolutional digit denoiser, the panel's default: a U-Net over 28 → 14 → 7 px with 16, 32, 48 channels,
 * one residual block per level each way, each block's normalised features scaled and shifted by the conditioning
 * (FiLM); same conditioning inputs and classes as the MLP. Narrow where the image is largest, where the
 * convolutions cost most: a 10-step guided sample takes 45–51 ms in Node against 60–79 ms with 16, 48, 48 channels
 * (which read as their class 97.2 % of the time, this one 98.5 %). Measured on wasm in Node at batch 32: 2.1–2.2
 * training steps per CPU-second.
 */
export const DIGIT_UNET: DenoiserConfig = { arch: 'unet', side: 28, channels: 1, classes: 11, width: 16, blocks: 1, embed: 64, fourier: 16, mults: [1, 2, 3], film: true };

/**
 * Shipped patch denoiser: a Mixer over 8×8 tokens of 4×4×3 pixels, 64 channels, 4 blocks (~6 M multiply-adds
 * per image: a 128-channel, 6-block Mixer took 2.6 s of CPU per training step at batch 64 on wasm).
 */
export const PATCH_DENOISER: DenoiserConfig = {
  arch: 'mixer', side: 32, channels: 3, classes: 0, width: 64, blocks: 4, embed: 64, fourier: 16, patch: 4, tokenHidden: 64,
};

/** λ is clamped to this range before its features: beyond it the input is pure noise or the clean image. */
export const LAMBDA_LIMIT = 15;

export type Denoiser = { config: DenoiserConfig; params: Record<string, tf.Variable> };

export function pixelsOf(c: DenoiserConfig): number {
  return c.side * c.side * c.channels;
}

function tokens(c: DenoiserConfig): { count: number; dim: number } {
  const p = c.patch ?? 4;
  return { count: (c.side / p) ** 2, dim: p * p * c.channels };
}

/** The parameter shapes, in the weight file's order. */
export function paramShapes(c: DenoiserConfig): [string, number[]][] {
  const condIn = 2 * c.fourier + 1 + c.classes;
  const shapes: [string, number[]][] = [
    ['cond/w1', [condIn, c.embed]], ['cond/b1', [c.embed]], ['cond/w2', [c.embed, c.embed]], ['cond/b2', [c.embed]],
    ['skip/w', [c.embed, 1]], ['skip/b', [1]],
  ];
  const w = c.width;
  if (c.arch === 'mlp') {
    const d = pixelsOf(c);
    shapes.push(['in/w', [d, w]], ['in/b', [w]], ['in/e', [c.embed, w]]);
    for (let l = 0; l < c.blocks; l++) shapes.push([`block${l}/e`, [c.embed, w]], [`block${l}/w`, [w, w]], [`block${l}/b`, [w]]);
    shapes.push(['out/w', [w, d]], ['out/b', [d]]);
  } else if (c.arch === 'unet') {
    shapes.push(...unetShapes(c));
  } else {
    const { count, dim } = tokens(c);
    const th = c.tokenHidden ?? count;
    shapes.push(['in/w', [dim, w]], ['in/b', [w]], ['in/pos', [count, w]]);
    for (let l = 0; l < c.blocks; l++) {
      shapes.push(
        [`block${l}/e`, [c.embed, w]],
        [`block${l}/tok/w1`, [count, th]], [`block${l}/tok/b1`, [th]], [`block${l}/tok/w2`, [th, count]], [`block${l}/tok/b2`, [count]],
        [`block${l}/ch/w1`, [w, 2 * w]], [`block${l}/ch/b1`, [2 * w]], [`block${l}/ch/w2`, [2 * w, w]], [`block${l}/ch/b2`, [w]],
      );
    }
    shapes.push(['out/w', [w, dim]], ['out/b', [dim]]);
  }
  return shapes;
}

export function paramCount(c: DenoiserConfig): number {
  return paramShapes(c).reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);
}

export function validateConfig(c: DenoiserConfig): void {
  const ok = DENOISER_ARCHS.includes(c.arch) && c.side > 0 && (c.channels === 1 || c.channels === 3) && c.classes >= 0 && c.width > 0 && c.blocks >= 0 && c.embed > 0 && c.fourier > 0;
  if (!ok) throw new Error(`not a denoiser configuration: ${JSON.stringify(c)}`);
  if (c.arch === 'unet') validateUnet(c);
  if (c.arch === 'mixer' && c.side % (c.patch ?? 4) !== 0) throw new Error(`a ${c.side}-px image is not a whole number of ${c.patch}-px tokens`);
}

/**
 * Fresh parameters: weights N(0, 1/fan_in) (residual branches and the output head scaled by ½ so the initial
 * network is near the identity path), biases 0. Seeded.
 */
/** A parameter's seeded starting values: fan-in-scaled weights, unit skip and output gains, zero biases. */
function initialValue(name: string, shape: number[], g: () => number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  if (name === 'skip/b' || name === 'out/gain/b') {
    values.fill(1); // skip: starts as ε̂ = x_in + F, right for ε at high noise; the U-Net's output gain starts at 1
  } else if (name === 'skip/w' || name === 'out/gain/w') {
    // zero: the gains start the same at every λ
  } else if (shape.length >= 2 && name !== 'in/pos') {
    // fan-in: every axis but the output one (a conv's kh·kw·Cin)
    const scale = (/block|out/.test(name) ? 0.5 : 1) / Math.sqrt(size / shape[shape.length - 1]);
    for (let i = 0; i < size; i++) values[i] = g() * scale;
  } else if (name === 'in/pos') {
    for (let i = 0; i < size; i++) values[i] = g() * 0.02;
  }
  return values;
}

/** A denoiser with seeded initial weights, or with `initial`'s values (a weights file's) where given. */
export function createDenoiser(config: DenoiserConfig, seed = 1, initial?: InitialValues): Denoiser {
  validateConfig(config);
  const g = gaussian(mulberry32(seed));
  const params: Record<string, tf.Variable> = {};
  for (const [name, shape] of paramShapes(config)) {
    const init = tf.tensor(initial ? initial(name) : initialValue(name, shape, g), shape);
    params[name] = tf.variable(init, true);
    init.dispose();
  }
  return { config, params };
}

export function disposeDenoiser(model: Denoiser): void {
  for (const v of Object.values(model.params)) v.dispose();
}

/** Geometric frequencies of λ, 0.05…3 rad per unit λ (periods from ≈ 2 to ≈ 125, the clamped λ span is 30). */
function frequencies(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, k) => Math.exp(Math.log(0.05) + ((Math.log(3) - Math.log(0.05)) * k) / Math.max(1, n - 1)));
}

/** [sin(ω·λ), cos(ω·λ), λ/LIMIT] of the clamped λ: [B, 2F + 1]. */
export function lambdaFeatures(lambda: tf.Tensor1D, fourier: number): tf.Tensor2D {
  return tf.tidy(() => {
    const l = tf.clipByValue(lambda, -LAMBDA_LIMIT, LAMBDA_LIMIT).reshape([-1, 1]);
    const arg = tf.mul(l, tf.tensor2d(frequencies(fourier), [1, fourier]));
    return tf.concat([tf.sin(arg), tf.cos(arg), tf.div(l, LAMBDA_LIMIT)], 1) as tf.Tensor2D;
  });
}

const silu = (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x));
// tfjs-backend-wasm runs the transposed matMuls of tf.matMul's own gradient 10× slower than plain ones; the
// patch transformer's ops transpose explicitly (see patchAR/ops.ts).
const dense = (x: tf.Tensor2D, w: tf.Variable, b?: tf.Variable) => (b ? linear(x, w, b, 'tf') : matMul(x, w, 'tf'));

/**
 * The network output [B, side·side·channels] for x_in [B, side·side·channels] (model space, VP-scaled), λ [B]
 * and, for a conditional model, the one-hot class [B, classes] (row of the null class for "no label").
 * Call inside tf.tidy (or dispose the result).
 */
export function forward(model: Denoiser, xin: tf.Tensor2D, lambda: tf.Tensor1D, classes: tf.Tensor2D | null): tf.Tensor2D {
  const { config: c, params: p } = model;
  const feats = lambdaFeatures(lambda, c.fourier);
  const condIn = c.classes > 0 ? tf.concat([feats, tf.cast(classes ?? nullClass(xin.shape[0], c.classes), 'float32')], 1) as tf.Tensor2D : feats;
  const e = silu(dense(silu(dense(condIn, p['cond/w1'], p['cond/b1'])) as tf.Tensor2D, p['cond/w2'], p['cond/b2'])) as tf.Tensor2D;
  if (c.arch === 'mlp') {
    let h = tf.add(dense(xin, p['in/w'], p['in/b']), dense(e, p['in/e'])) as tf.Tensor2D;
    for (let l = 0; l < c.blocks; l++) {
      const branch = dense(silu(tf.add(h, dense(e, p[`block${l}/e`]))) as tf.Tensor2D, p[`block${l}/w`], p[`block${l}/b`]);
      h = tf.add(h, branch) as tf.Tensor2D;
    }
    return tf.add(dense(silu(h) as tf.Tensor2D, p['out/w'], p['out/b']), tf.mul(dense(e, p['skip/w'], p['skip/b']), xin)) as tf.Tensor2D;
  }
  if (c.arch === 'unet') return tf.add(unetForward(c, p, xin, e, lambda), tf.mul(unetSkipGain(p, e, lambda), xin)) as tf.Tensor2D;
  return tf.add(mixerForward(model, xin, e), tf.mul(dense(e, p['skip/w'], p['skip/b']), xin)) as tf.Tensor2D;
}

function mixerForward(model: Denoiser, xin: tf.Tensor2D, e: tf.Tensor2D): tf.Tensor2D {
  const { config: c, params: p } = model;
  const b = xin.shape[0];
  const q = c.patch ?? 4;
  const g = c.side / q;
  const { count, dim } = tokens(c);
  const w = c.width;
  // [B, H, W, C] → [B, g, q, g, q, C] → [B, g, g, q, q, C] → [B·tokens, dim]
  const tok = tf.transpose(xin.reshape([b, g, q, g, q, c.channels]), [0, 1, 3, 2, 4, 5]).reshape([b * count, dim]) as tf.Tensor2D;
  let h = tf.add(dense(tok, p['in/w'], p['in/b']).reshape([b, count, w]), p['in/pos']) as tf.Tensor3D;
  for (let l = 0; l < c.blocks; l++) {
    const cond = dense(e, p[`block${l}/e`]).reshape([b, 1, w]);
    const hc = tf.add(h, cond) as tf.Tensor3D;
    // token mixing: per channel, an MLP across the tokens
    const t = tf.transpose(layerNorm(silu(hc) as tf.Tensor3D), [0, 2, 1]).reshape([b * w, count]) as tf.Tensor2D;
    const mixed = dense(silu(dense(t, p[`block${l}/tok/w1`], p[`block${l}/tok/b1`])) as tf.Tensor2D, p[`block${l}/tok/w2`], p[`block${l}/tok/b2`]);
    h = tf.add(hc, tf.transpose(mixed.reshape([b, w, count]), [0, 2, 1])) as tf.Tensor3D;
    // channel mixing: per token, an MLP across the channels
    const u = layerNorm(h).reshape([b * count, w]) as tf.Tensor2D;
    const ch = dense(silu(dense(u, p[`block${l}/ch/w1`], p[`block${l}/ch/b1`])) as tf.Tensor2D, p[`block${l}/ch/w2`], p[`block${l}/ch/b2`]);
    h = tf.add(h, ch.reshape([b, count, w])) as tf.Tensor3D;
  }
  const out = dense(silu(h).reshape([b * count, w]) as tf.Tensor2D, p['out/w'], p['out/b']);
  return tf.transpose(out.reshape([b, g, g, q, q, c.channels]), [0, 1, 3, 2, 4, 5]).reshape([b, pixelsOf(c)]) as tf.Tensor2D;
}

/** Layer norm over the last axis without a learned gain (the following dense layer has its own scale). */
function layerNorm(x: tf.Tensor3D): tf.Tensor3D {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))) as tf.Tensor3D;
}

/** One-hot rows of the null class (the last one). */
export function nullClass(batch: number, classes: number): tf.Tensor2D {
  return tf.oneHot(tf.fill([batch], classes - 1, 'int32') as tf.Tensor1D, classes) as tf.Tensor2D;
}

/** One-hot rows for labels (each 0…classes − 1; anything else is the null class). */
export function classRows(labels: ArrayLike<number>, classes: number): tf.Tensor2D {
  const idx = Int32Array.from(labels, (l) => (Number.isInteger(l) && l >= 0 && l < classes ? l : classes - 1));
  return tf.tidy(() => tf.oneHot(tf.tensor1d(idx, 'int32'), classes) as tf.Tensor2D);
}
