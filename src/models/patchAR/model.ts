// A tiny causal transformer over patch tokens, written as plain functions over tf.variables
// (TensorFlow-Playground style: no tf.layers, so every op is visible and every parameter has a name).
//
// Tokens are in GENERATION order: position s holds the patch generated at step s of an ordering
// (order[s] = row-major cell of that patch). For any ordering, random ones included, the model must know
// where the next patch is, so the input at position s is
//   s = 0: a learned start vector
//   s > 0: Linear(pixels of patch s−1) + srcPos(cell of step s−1)
// plus tgtPos(cell of step s) + stepEmb(s); the output at position s predicts the pixels of patch s.
// Every patch therefore gets a prediction and a loss; step 0 has no context (it learns the cell's mean).
// Position tables are learned, initialised with a 2-D sinusoidal code. Lookups are one-hot · table
// matrix products, not tf.gather: the wasm backend lacks UnsortedSegmentSum, gather's gradient.
import * as tf from '@tensorflow/tfjs-core';
import { gaussian, mulberry32 } from '../../core/random';
import type { InitialValues } from '../weightsIo';
import { causalAttention, defaultKernels, layerNorm as layerNormWith, linear as linearWith, matMul, type Kernels } from './ops';

export interface PatchARConfig {
  /** Patch side in pixels. */
  patch: number;
  /** Patch grid: rows × cols patches (the image is rows·patch × cols·patch pixels). */
  rows: number;
  cols: number;
  channels: 1 | 3;
  dModel: number;
  layers: number;
  heads: number;
  /** Hidden width of each block's MLP. */
  mlp: number;
}

/** The shipped digit models: 28×28 digits in 4-px patches (a 7×7 grid), 2 layers, 64 wide. */
export const DIGIT_CONFIG: PatchARConfig = { patch: 4, rows: 7, cols: 7, channels: 1, dModel: 64, layers: 2, heads: 4, mlp: 128 };

/** In-browser training on 32×32 RGB crops of the current image (an 8×8 grid of 4-px patches). */
export const CROP_CONFIG: PatchARConfig = { ...DIGIT_CONFIG, rows: 8, cols: 8, channels: 3 };

export type PatchAR = {
  config: PatchARConfig;
  /** Every trainable parameter by a stable name (the names are the weight file's keys). */
  params: Record<string, tf.Variable>;
  /** Additive causal mask [N, N]: 0 on and below the diagonal, −1e9 above. Not trainable. */
  mask: tf.Tensor2D;
  /** Which op implementations to run (see ops.ts); 'auto' picks the fastest for the active backend. */
  kernels: Kernels | 'auto';
};

/** Pixels per patch token. */
export function patchDim(c: PatchARConfig): number {
  return c.patch * c.patch * c.channels;
}

export function sequenceLength(c: PatchARConfig): number {
  return c.rows * c.cols;
}

/** The parameter shapes, in a fixed order (the order of the weight file). */
export function paramShapes(c: PatchARConfig): [string, number[]][] {
  const d = c.dModel;
  const n = sequenceLength(c);
  const p = patchDim(c);
  const shapes: [string, number[]][] = [
    ['embed/w', [p, d]],
    ['embed/start', [1, d]],
    ['pos/src', [n, d]],
    ['pos/tgt', [n, d]],
    ['pos/step', [n, d]],
  ];
  for (let l = 0; l < c.layers; l++) {
    shapes.push(
      [`block${l}/ln1/g`, [d]], [`block${l}/ln1/b`, [d]],
      [`block${l}/attn/wqkv`, [d, 3 * d]], [`block${l}/attn/bqkv`, [3 * d]],
      [`block${l}/attn/wo`, [d, d]], [`block${l}/attn/bo`, [d]],
      [`block${l}/ln2/g`, [d]], [`block${l}/ln2/b`, [d]],
      [`block${l}/mlp/w1`, [d, c.mlp]], [`block${l}/mlp/b1`, [c.mlp]],
      [`block${l}/mlp/w2`, [c.mlp, d]], [`block${l}/mlp/b2`, [d]],
    );
  }
  shapes.push(['out/ln/g', [d]], ['out/ln/b', [d]], ['out/w', [d, p]], ['out/b', [p]]);
  return shapes;
}

export function paramCount(c: PatchARConfig): number {
  return paramShapes(c).reduce((sum, [, shape]) => sum + shape.reduce((a, b) => a * b, 1), 0);
}

/** 2-D sinusoidal code of each cell: the first half of the channels encode the row, the second the column. */
function sinusoidal2d(c: PatchARConfig, scale: number): Float32Array {
  const d = c.dModel;
  const half = d / 2;
  const out = new Float32Array(c.rows * c.cols * d);
  for (let r = 0; r < c.rows; r++) {
    for (let q = 0; q < c.cols; q++) {
      const o = (r * c.cols + q) * d;
      for (let i = 0; i < half / 2; i++) {
        const freq = Math.pow(100, (-2 * i) / half); // grids are small: periods from 2π to ~2π·100 cells
        out[o + 2 * i] = scale * Math.sin(r * freq);
        out[o + 2 * i + 1] = scale * Math.cos(r * freq);
        out[o + half + 2 * i] = scale * Math.sin(q * freq);
        out[o + half + 2 * i + 1] = scale * Math.cos(q * freq);
      }
    }
  }
  return out;
}

/** Initial values: N(0, 1/fan-in) weights, residual outputs shrunk by 1/√(2·layers) (GPT-2), LN at identity. */
function initialValue(name: string, shape: number[], c: PatchARConfig, normal: () => number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(size);
  const leaf = name.slice(name.lastIndexOf('/') + 1);
  if (name === 'pos/src' || name === 'pos/tgt') return sinusoidal2d(c, 0.5);
  if (name === 'out/b') return v.fill(-2); // sigmoid(−2) ≈ 0.12, about MNIST's mean intensity
  if (leaf === 'g') return v.fill(1);
  if (shape.length === 1) return v; // biases and LN offsets start at 0
  let std = 1 / Math.sqrt(shape[0]);
  if (name === 'embed/start' || name === 'pos/step') std = 0.02;
  if (leaf === 'wo' || leaf === 'w2') std /= Math.sqrt(2 * c.layers);
  for (let i = 0; i < size; i++) v[i] = std * normal();
  return v;
}

export function validateConfig(c: PatchARConfig): void {
  const ints = [c.patch, c.rows, c.cols, c.dModel, c.layers, c.heads, c.mlp];
  if (!ints.every((x) => Number.isInteger(x) && x > 0)) throw new RangeError('PatchAR config sizes must be positive integers');
  // Head width a multiple of 4: the JS attention loop is unrolled by 4 (this also makes dModel a multiple
  // of 4, which the 2-D sinusoidal position code needs).
  if (c.dModel % (4 * c.heads) !== 0) throw new RangeError(`dModel ${c.dModel} must be a multiple of 4·heads (${4 * c.heads})`);
  if (c.channels !== 1 && c.channels !== 3) throw new RangeError('channels must be 1 or 3');
}

/** Builds a model with seeded initial parameters (same seed → same weights on every backend). */
export function createPatchAR(config: PatchARConfig, seed = 0, initial?: InitialValues): PatchAR {
  validateConfig(config);
  const normal = gaussian(mulberry32(seed));
  const params: Record<string, tf.Variable> = {};
  for (const [name, shape] of paramShapes(config)) {
    // Unnamed variables: tfjs variable names are global, and several models may live side by side. The
    // tidy frees the initial-value tensor (the variable keeps its own reference to the data).
    const values = initial ? initial(name) : initialValue(name, shape, config, normal);
    params[name] = tf.tidy(() => tf.variable(tf.tensor(values, shape), true));
  }
  const n = sequenceLength(config);
  const mask = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) mask[i * n + j] = -1e9;
  return { config, params, mask: tf.tensor2d(mask, [n, n]), kernels: 'auto' };
}

export function dispose(model: PatchAR): void {
  for (const v of Object.values(model.params)) v.dispose();
  model.mask.dispose();
}

export function checkOrder(model: PatchAR, order: Int32Array): void {
  const n = sequenceLength(model.config);
  if (order.length !== n) throw new RangeError(`order has ${order.length} steps, the grid has ${n} patches`);
  const seen = new Uint8Array(n);
  for (const cell of order) {
    if (!(cell >= 0 && cell < n) || seen[cell]) throw new RangeError('order must be a permutation of the patch cells');
    seen[cell] = 1;
  }
}

/**
 * The order-dependent part of the input [N, d]: start vector at s = 0, srcPos of the previous step's cell,
 * tgtPos of this step's cell, and the step embedding. One [N, 2N+1] selector matrix times the stacked
 * tables does all three lookups in one differentiable matMul.
 */
function positionTerm(model: PatchAR, order: Int32Array): tf.Tensor2D {
  checkOrder(model, order);
  const n = order.length;
  const width = 2 * n + 1;
  const sel = new Float32Array(n * width);
  for (let s = 0; s < n; s++) {
    if (s === 0) sel[2 * n] = 1; // the start vector
    else sel[s * width + order[s - 1]] = 1;
    sel[s * width + n + order[s]] = 1;
  }
  const p = model.params;
  const tables = tf.concat([p['pos/src'], p['pos/tgt'], p['embed/start']], 0);
  return tf.matMul(tf.tensor2d(sel, [n, width]), tables).add(p['pos/step']);
}

function kernelsOf(model: PatchAR): Kernels {
  return model.kernels === 'auto' ? defaultKernels() : model.kernels;
}

/** The model's linear layer `name` (weights name/w…, bias name/b…) applied to x [M, in]. */
function linear(model: PatchAR, x: tf.Tensor2D, w: string, b: string): tf.Tensor2D {
  return linearWith(x, model.params[w], model.params[b], kernelsOf(model));
}

function layerNorm(model: PatchAR, x: tf.Tensor2D, prefix: string): tf.Tensor2D {
  return layerNormWith(x, model.params[`${prefix}/g`], model.params[`${prefix}/b`], kernelsOf(model));
}

/** Multi-head causal self-attention of one block on x [B·N, d]. */
function attention(model: PatchAR, l: number, x: tf.Tensor2D, batch: number): tf.Tensor2D {
  const { dModel: d, heads } = model.config;
  const qkv = linear(model, x, `block${l}/attn/wqkv`, `block${l}/attn/bqkv`);
  const ctx = causalAttention(qkv, { batch, n: sequenceLength(model.config), heads, d }, model.mask, kernelsOf(model));
  return linear(model, ctx, `block${l}/attn/wo`, `block${l}/attn/bo`);
}

function mlp(model: PatchAR, l: number, x: tf.Tensor2D): tf.Tensor2D {
  const hidden = linear(model, x, `block${l}/mlp/w1`, `block${l}/mlp/b1`).relu() as tf.Tensor2D;
  return linear(model, hidden, `block${l}/mlp/w2`, `block${l}/mlp/b2`);
}

/**
 * Predicted pixels [B, N, patchDim] in [0, 1] (sigmoid) for tokens [B, N, patchDim] in generation order.
 * Position s sees only tokens 0..s−1, so changing token s or later never changes predictions 0..s.
 */
export function forward(model: PatchAR, tokens: tf.Tensor3D, order: Int32Array): tf.Tensor3D {
  return tf.tidy(() => {
    const { dModel: d, layers } = model.config;
    const [batch, n, pd] = tokens.shape;
    if (n !== order.length || pd !== patchDim(model.config)) {
      throw new RangeError(`tokens [${tokens.shape}] do not fit the model (N=${order.length}, patchDim=${patchDim(model.config)})`);
    }
    const p = model.params;
    // Shift right: position s reads the patch of step s − 1 (zeros at s = 0, where the start vector stands).
    const prev = tokens.slice([0, 0, 0], [batch, n - 1, pd]).pad([[0, 0], [1, 0], [0, 0]]);
    const embedded = matMul(prev.reshape([batch * n, pd]), p['embed/w'], kernelsOf(model)).reshape([batch, n, d]);
    let x = embedded.add(positionTerm(model, order)).reshape([batch * n, d]) as tf.Tensor2D;
    for (let l = 0; l < layers; l++) {
      x = x.add(attention(model, l, layerNorm(model, x, `block${l}/ln1`), batch));
      x = x.add(mlp(model, l, layerNorm(model, x, `block${l}/ln2`)));
    }
    const out = linear(model, layerNorm(model, x, 'out/ln'), 'out/w', 'out/b').sigmoid();
    return out.reshape([batch, n, pd]) as tf.Tensor3D;
  });
}

/** Mean squared error per position [N] (averaged over batch and pixels), pixels in [0, 1] units. */
export function perPositionLoss(model: PatchAR, tokens: tf.Tensor3D, order: Int32Array): tf.Tensor1D {
  return tf.tidy(() => forward(model, tokens, order).squaredDifference(tokens).mean([0, 2]) as tf.Tensor1D);
}

export type StepGroup = number[] | { from: number; to: number };

/** The steps of a group, checked against the sequence length; {from, to} is the half-open range [from, to). */
export function stepsOf(group: StepGroup, n: number): number[] {
  const steps = Array.isArray(group) ? group : Array.from({ length: Math.max(0, group.to - group.from) }, (_, i) => group.from + i);
  if (steps.length === 0) throw new RangeError('a step group must contain at least one step');
  for (const s of steps) if (!(Number.isInteger(s) && s >= 0 && s < n)) throw new RangeError(`step ${s} outside 0..${n - 1}`);
  return steps;
}

/**
 * Mean next-patch MSE over a group of steps, as a scalar that tf.variableGrads can differentiate (the
 * equivalence lab compares the gradients of different step groups). Steps listed twice count twice.
 */
export function lossForSteps(model: PatchAR, tokens: tf.Tensor3D, order: Int32Array, steps: StepGroup): tf.Scalar {
  const n = order.length;
  const weights = new Float32Array(n);
  const list = stepsOf(steps, n);
  for (const s of list) weights[s] += 1 / list.length;
  return tf.tidy(() => perPositionLoss(model, tokens, order).mul(tf.tensor1d(weights)).sum() as tf.Scalar);
}

/** Mean next-patch MSE over all steps: the training loss. */
export function loss(model: PatchAR, tokens: tf.Tensor3D, order: Int32Array): tf.Scalar {
  return tf.tidy(() => forward(model, tokens, order).squaredDifference(tokens).mean() as tf.Scalar);
}
