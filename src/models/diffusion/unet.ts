// The convolutional denoiser ('unet'): a small U-Net (Ronneberger et al. 2015, as in Ho et al. 2020) over
// images of `side` px, one resolution per entry of `mults` (28 → 14 → 7 for [1, 2, 2]), each with `blocks`
// residual blocks on the way down and on the way up:
//   block(x) = x′ + conv₂(silu(gn(conv₁(silu(gn(x))) + P·e)))   (x′ = x, or a 1×1 projection when channels change)
// or, with `film`, x′ + conv₂(silu(gn(conv₁(silu(gn(x))))·(1 + s) + t)) with [s, t] = P·e.
// gn is group normalisation (Wu & He 2018) without a learned gain; e is the denoiser's conditioning embedding
// (λ and class), projected per block. Down-sampling is a 2×2 mean, up-sampling nearest-neighbour; the skip from
// the way down is added (after a 1×1 projection on the coarse side), not concatenated, which keeps the
// finest level's convolutions at `width` channels in and out (they are most of the cost). The head's output is
// scaled by a gain computed from e (see unetForward).
// Only stride-1 convolutions: their weight and input gradients run on the project's fast wasm kernels
// (src/models/wasmKernels.ts); a strided conv's input gradient would fall back to a naive loop.
import * as tf from '@tensorflow/tfjs-core';
import { GROUP_NORM_AFFINE, registerGroupNormAffine, type GroupNormAffineAttrs } from '../groupNormKernel';
import { matMul } from '../patchAR/ops';

/** The part of a denoiser configuration the U-Net reads. */
export type UnetShape = { side: number; channels: number; width: number; blocks: number; embed: number; mults?: readonly number[]; film?: boolean };

const GROUPS = 8;
/** λ is clamped to the denoiser's own limit (LAMBDA_LIMIT in denoiser.ts) before α′ is taken. */
const LAMBDA_CLAMP = 15;
const GN_EPS = 1e-5;

export const unetMults = (c: UnetShape): readonly number[] => c.mults ?? [1, 2, 2];

function levelChannels(c: UnetShape): number[] {
  return unetMults(c).map((m) => m * c.width);
}

/** Names and shapes of one residual block's parameters. */
function blockShapes(name: string, cin: number, cout: number, embed: number, film: boolean): [string, number[]][] {
  const s: [string, number[]][] = [
    [`${name}/conv1/w`, [3, 3, cin, cout]], [`${name}/conv1/b`, [cout]], [`${name}/e`, [embed, film ? 2 * cout : cout]],
    [`${name}/conv2/w`, [3, 3, cout, cout]], [`${name}/conv2/b`, [cout]],
  ];
  if (cin !== cout) s.push([`${name}/proj`, [cin, cout]]);
  return s;
}

/** The U-Net's parameter shapes (after the shared conditioning and skip-gain ones), in weight-file order. */
export function unetShapes(c: UnetShape): [string, number[]][] {
  const ch = levelChannels(c);
  const shapes: [string, number[]][] = [['in/w', [3, 3, c.channels, ch[0]]], ['in/b', [ch[0]]]];
  let cur = ch[0];
  ch.forEach((co, l) => {
    for (let k = 0; k < c.blocks; k++) {
      shapes.push(...blockShapes(`down${l}/block${k}`, cur, co, c.embed, !!c.film));
      cur = co;
    }
  });
  shapes.push(...blockShapes('mid/block', cur, cur, c.embed, !!c.film));
  for (let l = ch.length - 1; l >= 0; l--) {
    if (l < ch.length - 1) shapes.push([`up${l}/skip`, [cur, ch[l]]]);
    cur = ch[l];
    for (let k = 0; k < c.blocks; k++) shapes.push(...blockShapes(`up${l}/block${k}`, cur, cur, c.embed, !!c.film));
  }
  shapes.push(['out/w', [3, 3, cur, c.channels]], ['out/b', [c.channels]], ['out/gain/w', [c.embed, 1]], ['out/gain/b', [1]]);
  return shapes;
}

export function validateUnet(c: UnetShape): void {
  const mults = unetMults(c);
  const ok = mults.length >= 1 && mults.every((m) => Number.isInteger(m) && m > 0) && c.side % 2 ** (mults.length - 1) === 0 && mults.every((m) => (m * c.width) % GROUPS === 0) && c.blocks >= 1;
  if (!ok) throw new Error(`not a U-Net configuration (side divisible by 2^(levels − 1), channels by ${GROUPS}, ≥ 1 block): ${JSON.stringify(c)}`);
}

const silu = (x: tf.Tensor) => tf.mul(x, tf.sigmoid(x));

type Save = (tensors: tf.Tensor[]) => void;

/**
 * y = (g − mean) / √(var + ε) over axes 1 and 3 of g [B, H·W, G, C/G], with its gradient written out,
 * dg = (dy − mean(dy) − y·mean(dy·y)) / √(var + ε): about half the tensor passes of the tape's own gradient
 * of moments, subtraction and division (the normalisations are much of a small U-Net's step on wasm).
 */
const normalize = tf.customGrad((g, save) => {
  const x = g as tf.Tensor4D;
  const mean = tf.mean(x, [1, 3], true);
  const centred = tf.sub(x, mean);
  const inv = tf.rsqrt(tf.add(tf.mean(tf.square(centred), [1, 3], true), GN_EPS));
  const y = tf.mul(centred, inv);
  (save as Save)([y, inv]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, [ys, invs]: tf.Tensor[]) => tf.mul(tf.sub(tf.sub(dy, tf.mean(dy, [1, 3], true)), tf.mul(ys, tf.mean(tf.mul(dy, ys), [1, 3], true))), invs),
  };
});

/** Group normalisation of x [B, H, W, C] over (H, W, C/G) in each of G groups. */
export function groupNorm(x: tf.Tensor4D, groups = GROUPS): tf.Tensor4D {
  const [b, h, w, ch] = x.shape;
  return (normalize(x.reshape([b, h * w, groups, ch / groups])) as tf.Tensor4D).reshape([b, h, w, ch]);
}

/**
 * Per-(image, channel) terms of a normalisation: `pre` [B, C] added before it, or `film` [B, 2C] = [s, t] applied
 * after it as y·(1 + s) + t.
 */
type Modulation = { pre?: tf.Tensor2D; film?: tf.Tensor2D };

/**
 * The U-Net's layers, in two equivalent sets. Under a gradient tape (training, the lab's gradients) they are
 * composed of tfjs ops with gradients. Without one, on a backend that has the fused group-norm kernel
 * (groupNormKernel.ts, wasm), they take the inference kernels: that kernel for normalisation and modulation, a
 * convolution with its bias fused, 2×2 average pooling and nearest-neighbour resizing. A forward pass then runs
 * about a third of the kernels; the outputs agree within float32 rounding (unet.test.ts checks 1e-5).
 */
type Layers = {
  norm(x: tf.Tensor4D, m?: Modulation): tf.Tensor4D;
  conv(x: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor): tf.Tensor4D;
  down(x: tf.Tensor4D): tf.Tensor4D;
  up(x: tf.Tensor4D): tf.Tensor4D;
};

const cb = (t: tf.Tensor2D) => t.reshape([t.shape[0], 1, 1, t.shape[1]]);

const TAPE_LAYERS: Layers = {
  norm: (x, m = {}) => {
    if (m.pre) return groupNorm(tf.add(x, cb(m.pre)) as tf.Tensor4D);
    if (!m.film) return groupNorm(x);
    // Scale and shift of the normalised features (FiLM, Perez et al. 2018; "scale-shift norm" in Dhariwal &
    // Nichol 2021): the class and λ modulate every channel multiplicatively, not only by an added bias.
    const cout = x.shape[3];
    const [s, t] = tf.split(m.film, [cout, cout], 1) as [tf.Tensor2D, tf.Tensor2D];
    return tf.add(tf.mul(groupNorm(x), cb(tf.add(s, 1) as tf.Tensor2D)), cb(t)) as tf.Tensor4D;
  },
  conv: (x, w, b) => tf.add(tf.conv2d(x, w as tf.Tensor4D, 1, 'same'), b) as tf.Tensor4D,
  /** 2×2 mean pooling by reshape (its gradient is a broadcast, available on every backend). */
  down: (x) => {
    const [b, h, w, ch] = x.shape;
    return tf.mean(x.reshape([b, h / 2, 2, w / 2, 2, ch]), [2, 4]) as tf.Tensor4D;
  },
  /** Nearest-neighbour 2× up-sampling by broadcasting. */
  up: (x) => {
    const [b, h, w, ch] = x.shape;
    return tf.mul(x.reshape([b, h, 1, w, 1, ch]), tf.ones([1, 1, 2, 1, 2, 1])).reshape([b, 2 * h, 2 * w, ch]) as tf.Tensor4D;
  },
};

const INFERENCE_LAYERS: Layers = {
  norm: (x, m = {}) => {
    const inputs: tf.NamedTensorMap = { x };
    if (m.pre) inputs.pre = m.pre;
    if (m.film) inputs.film = m.film;
    const attrs: GroupNormAffineAttrs = { groups: GROUPS, epsilon: GN_EPS };
    return tf.engine().runKernel(GROUP_NORM_AFFINE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
  },
  conv: (x, w, b) => tf.fused.conv2d({ x, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b }),
  down: (x) => tf.avgPool(x, 2, 2, 'valid'),
  up: (x) => tf.image.resizeNearestNeighbor(x, [2 * x.shape[1], 2 * x.shape[2]]),
};

/** The layers for this pass: the inference kernels when no gradient tape records and the backend has them. */
function layers(): Layers {
  const taping = (tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth > 0;
  if (taping) return TAPE_LAYERS;
  // Registered here, so the page, the scripts and the tests all sample through the same kernels.
  if (tf.getBackend() === 'wasm') registerGroupNormAffine();
  return tf.getKernel(GROUP_NORM_AFFINE, tf.getBackend()) ? INFERENCE_LAYERS : TAPE_LAYERS;
}

/** A 1×1 projection of x [B, H, W, Cin] by w [Cin, Cout], as a matrix product. */
function project(x: tf.Tensor4D, w: tf.Tensor): tf.Tensor4D {
  const [b, h, wd, ch] = x.shape;
  return matMul(x.reshape([b * h * wd, ch]) as tf.Tensor2D, w, 'tf').reshape([b, h, wd, w.shape[1]!]) as tf.Tensor4D;
}

// Each block runs in its own tf.tidy: outside a gradient tape its intermediates are freed as soon as it is
// done, so a forward pass holds one block's activations, not the whole network's (under a tape, tfjs keeps
// what the backward pass needs anyway).
function block(L: Layers, p: Record<string, tf.Variable>, name: string, x: tf.Tensor4D, e: tf.Tensor2D, film: boolean): tf.Tensor4D {
  return tf.tidy(() => blockBody(L, p, name, x, e, film));
}

function blockBody(L: Layers, p: Record<string, tf.Variable>, name: string, x: tf.Tensor4D, e: tf.Tensor2D, film: boolean): tf.Tensor4D {
  const cond = matMul(e, p[`${name}/e`], 'tf') as tf.Tensor2D;
  let h = L.conv(silu(L.norm(x)) as tf.Tensor4D, p[`${name}/conv1/w`], p[`${name}/conv1/b`]);
  h = L.norm(h, film ? { film: cond } : { pre: cond });
  h = L.conv(silu(h) as tf.Tensor4D, p[`${name}/conv2/w`], p[`${name}/conv2/b`]);
  const skip = p[`${name}/proj`] ? project(x, p[`${name}/proj`]) : x;
  return tf.add(skip, h) as tf.Tensor4D;
}

/** α′ = √sigmoid(λ) and σ′ = √sigmoid(−λ) of the clamped λ, as [B, 1] columns. */
function vpCoefficients(lambda: tf.Tensor1D): { alpha: tf.Tensor2D; sigma: tf.Tensor2D } {
  const l = tf.clipByValue(lambda, -LAMBDA_CLAMP, LAMBDA_CLAMP).reshape([-1, 1]);
  return { alpha: tf.sqrt(tf.sigmoid(l)) as tf.Tensor2D, sigma: tf.sqrt(tf.sigmoid(tf.neg(l))) as tf.Tensor2D };
}

/**
 * The U-Net's skip gain [B, 1]: σ′ + α′·(W·e + b). A learned gain must be exact to within α′ at high noise, or
 * x̂0 = (x_in − σ′·ε̂)/α′ carries (1 − σ′·g)/α′·x_in, the noise itself amplified (a short run does not get there):
 * σ′ is the right gain where the data term vanishes, and the learned part only corrects it by α′-small amounts.
 */
export function unetSkipGain(p: Record<string, tf.Variable>, e: tf.Tensor2D, lambda: tf.Tensor1D): tf.Tensor2D {
  const { alpha, sigma } = vpCoefficients(lambda);
  return tf.add(sigma, tf.mul(alpha, matMul(e, p['skip/w'], 'tf').add(p['skip/b']))) as tf.Tensor2D;
}

/**
 * The U-Net's output [B, side²·channels] for x_in [B, side²·channels], the conditioning embedding e [B, embed]
 * and the clamped λ [B].
 */
export function unetForward(c: UnetShape, p: Record<string, tf.Variable>, xin: tf.Tensor2D, e: tf.Tensor2D, lambda: tf.Tensor1D): tf.Tensor2D {
  const levels = unetMults(c).length;
  const b = xin.shape[0];
  const L = layers();
  let h = L.conv(xin.reshape([b, c.side, c.side, c.channels]), p['in/w'], p['in/b']);
  const skips: tf.Tensor4D[] = [];
  for (let l = 0; l < levels; l++) {
    if (l > 0) h = L.down(h);
    for (let k = 0; k < c.blocks; k++) h = block(L, p, `down${l}/block${k}`, h, e, !!c.film);
    skips.push(h);
  }
  h = block(L, p, 'mid/block', h, e, !!c.film);
  for (let l = levels - 1; l >= 0; l--) {
    if (l < levels - 1) h = tf.add(L.up(project(h, p[`up${l}/skip`])), skips[l]) as tf.Tensor4D;
    for (let k = 0; k < c.blocks; k++) h = block(L, p, `up${l}/block${k}`, h, e, !!c.film);
  }
  const last = h;
  const out = tf.tidy(() => L.conv(silu(L.norm(last)) as tf.Tensor4D, p['out/w'], p['out/b']));
  // The output is scaled by α′ = √sigmoid(λ) (the VP signal coefficient) and a learned gain W·e + b. After a
  // group norm the head's output has a fixed scale; where the skip g·x_in is already the answer (ε ≈ x_in at
  // high noise) its error would pass, divided by α′, into x̂0 = (x_in − σ′·ε̂)/α′ and dominate the first sampling
  // steps. With the factor α′ that error is α′-small, as ε̂ = (x_in − α′·x̂0)/σ′ itself has an α′-small
  // data-dependent part.
  const alpha = vpCoefficients(lambda).alpha;
  const gain = tf.mul(matMul(e, p['out/gain/w'], 'tf').add(p['out/gain/b']), alpha);
  return tf.mul(out.reshape([b, c.side * c.side * c.channels]), gain) as tf.Tensor2D;
}
