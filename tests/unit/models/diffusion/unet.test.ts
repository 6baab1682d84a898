// The convolutional digit denoiser (arch 'unet') on the wasm backend: shapes, its group normalisation against
// the defining formula, conditioning on the class and λ, classifier-free guidance through the null class, a
// bit-exact save/load round trip, no tensor growth over repeated predictions, training steps, and the held-out
// profile's image chunking (how a U-Net is evaluated) against one pass.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../../src/models/tfjsRegistrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, gaussian } from '../../../../src/core/random';
import { registerWasmTrainingKernels } from '../../../../src/models/wasmKernels';
import {
  batchLoss, classRows, createDenoiser, createTrainer, denoiserOf, deserialize, DIGIT_UNET, disposeDenoiser, forward, heldoutProfile, makeBatch, nullClass,
  paramCount, paramShapes, readImageSet, serialize, type Denoiser, type DenoiserConfig,
} from '../../../../src/models/diffusion';
import { groupNorm } from '../../../../src/models/diffusion/unet';
import { groupNormAffine } from '../../../../src/models/groupNormKernel';
import { CHECKPOINT_EVERY } from '../../../../src/models/training';

/** A U-Net small enough for many test steps: 8 px, two levels, 8 and 16 channels, 3 classes (2 = null). */
const SMALL: DenoiserConfig = { arch: 'unet', side: 8, channels: 1, classes: 3, width: 8, blocks: 1, embed: 8, fourier: 4, mults: [1, 2] };

const noise = (n: number, seed: number) => {
  const g = gaussian(mulberry32(seed));
  return Float32Array.from({ length: n }, () => g());
};

let digit: Denoiser;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
  digit = createDenoiser(DIGIT_UNET, 7);
});

afterAll(() => disposeDenoiser(digit));

/** The shipped architecture's output for x_in, λ and class rows (labels; 10 = null). */
function out(x: Float32Array, lambda: number[], labels: number[]): Float32Array {
  return tf.tidy(() => forward(digit, tf.tensor2d(x, [lambda.length, 784]), tf.tensor1d(lambda), classRows(labels, 11)).dataSync() as Float32Array);
}

const rms = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length);

describe('the U-Net digit denoiser', () => {
  it('maps [B, 784] to [B, 784] through 28 → 14 → 7 px, with the parameters its shapes list', () => {
    const y = out(noise(3 * 784, 1), [-3, 0, 4], [1, 5, 10]);
    expect(y.length).toBe(3 * 784);
    expect(y.every(Number.isFinite)).toBe(true);
    const shapes = paramShapes(DIGIT_UNET);
    const w = DIGIT_UNET.width; // channels at 28 px; the multiplier's at 14 and 7 px (the shipped mults are [1, 2, 3])
    const deepest = w * DIGIT_UNET.mults![DIGIT_UNET.mults!.length - 1];
    expect(shapes.find(([n]) => n === 'in/w')![1]).toEqual([3, 3, 1, w]);
    expect(shapes.find(([n]) => n === 'mid/block/conv1/w')![1]).toEqual([3, 3, deepest, deepest]);
    expect(Object.keys(digit.params)).toEqual(shapes.map(([n]) => n));
    expect(paramCount(DIGIT_UNET)).toBe(Object.values(digit.params).reduce((n, v) => n + v.size, 0));
    // The weight file stays small (float32).
    expect(paramCount(DIGIT_UNET) * 4).toBeLessThan(5 * 1024 * 1024);
  });

  it('normalises each group of channels to mean 0 and variance 1 (the defining formula, within 1e-4)', () => {
    const x = tf.tensor4d(noise(2 * 5 * 5 * 16, 2).map((v, i) => 3 * v + (i % 16)), [2, 5, 5, 16]);
    const y = groupNorm(x, 4);
    const v = y.dataSync();
    const xv = x.dataSync();
    for (let b = 0; b < 2; b++) {
      for (let g = 0; g < 4; g++) {
        const idx: number[] = [];
        for (let p = 0; p < 25; p++) for (let c = 4 * g; c < 4 * g + 4; c++) idx.push((b * 25 + p) * 16 + c);
        const mean = idx.reduce((s, i) => s + xv[i], 0) / idx.length;
        const variance = idx.reduce((s, i) => s + (xv[i] - mean) ** 2, 0) / idx.length;
        for (const i of idx) expect(Math.abs(v[i] - (xv[i] - mean) / Math.sqrt(variance + 1e-5))).toBeLessThan(1e-4);
      }
    }
    tf.dispose([x, y]);
  });

  it('differentiates group normalisation as the tape differentiates its formula (within 1e-5)', () => {
    const x = tf.tensor4d(noise(2 * 4 * 4 * 8, 3), [2, 4, 4, 8]);
    const w = tf.tensor4d(noise(2 * 4 * 4 * 8, 4), [2, 4, 4, 8]);
    const reference = (t: tf.Tensor) => {
      const g = t.reshape([2, 16, 2, 4]);
      const { mean, variance } = tf.moments(g, [1, 3], true);
      return tf.sum(tf.mul(tf.div(tf.sub(g, mean), tf.sqrt(tf.add(variance, 1e-5))).reshape([2, 4, 4, 8]), w));
    };
    const ours = (t: tf.Tensor) => tf.sum(tf.mul(groupNorm(t as tf.Tensor4D, 2), w));
    const a = tf.grad(ours)(x).dataSync();
    const b = tf.grad(reference)(x).dataSync();
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5);
    tf.dispose([x, w]);
  });

  it('is conditioned on the class and on λ: changing either changes the output', () => {
    const x = noise(784, 5);
    const base = out(x, [0], [3]);
    expect(rms(out(x, [0], [8]), base)).toBeGreaterThan(1e-3);
    expect(rms(out(x, [0], [10]), base)).toBeGreaterThan(1e-3);
    expect(rms(out(x, [2], [3]), base)).toBeGreaterThan(1e-3);
    // …and the same inputs give the same output.
    expect(rms(out(x, [0], [3]), base)).toBe(0);
  });

  it('guides with the null class: ε = ε_null + w·(ε_class − ε_null) (within 1e-5)', () => {
    const x = noise(784, 6);
    const level = { alpha: 0.8, sigma: 0.6 };
    const lambda = Math.log(0.8 ** 2 / 0.6 ** 2);
    const eCond = out(x, [lambda], [4]);
    const eNull = tf.tidy(() => forward(digit, tf.tensor2d(x, [1, 784]), tf.tensor1d([lambda]), nullClass(1, 11)).dataSync() as Float32Array);
    const guided = denoiserOf(digit, 'eps', { labels: [4], guidance: 2.5 })(x, level).eps;
    for (let i = 0; i < 784; i++) expect(Math.abs(guided[i] - (eNull[i] + 2.5 * (eCond[i] - eNull[i])))).toBeLessThan(1e-5);
    // guidance 0 is the unconditional model, the null class.
    const uncond = denoiserOf(digit, 'eps', { labels: [4], guidance: 0 })(x, level).eps;
    expect(rms(uncond, eNull)).toBeLessThan(1e-6);
  });

  it('saves and loads bit-exactly: the same weights and the same outputs', async () => {
    const { json, weights } = await serialize('diffusion-denoiser', digit, { parameterization: 'eps' });
    const copy = deserialize('diffusion-denoiser', JSON.parse(JSON.stringify(json)), weights.slice(0));
    try {
      expect(copy.config).toEqual(DIGIT_UNET);
      for (const [name, v] of Object.entries(digit.params)) expect(copy.params[name].dataSync()).toEqual(v.dataSync());
      const x = noise(2 * 784, 8);
      const run = (m: Denoiser) => tf.tidy(() => forward(m, tf.tensor2d(x, [2, 784]), tf.tensor1d([-1, 5]), classRows([2, 10], 11)).dataSync());
      expect(run(copy)).toEqual(run(digit));
    } finally {
      disposeDenoiser(copy);
    }
  });

  it('leaks no tensors over 100 predictions', () => {
    const denoise = denoiserOf(digit, 'eps', { labels: [7], guidance: 2 });
    const x = noise(784, 9);
    denoise(x, { alpha: 0.6, sigma: 0.8 });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) denoise(x, { alpha: 0.6, sigma: 0.8 });
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});

describe('scale-and-shift (FiLM) conditioning', () => {
  const film: DenoiserConfig = { ...SMALL, film: true };

  it('projects the conditioning to a scale and a shift per channel: twice the additive projection', () => {
    const additive = new Map(paramShapes(SMALL));
    for (const [name, shape] of paramShapes(film)) {
      const before = additive.get(name)!;
      expect(shape).toEqual(name.endsWith('/e') ? [before[0], 2 * before[1]] : before);
    }
  });

  it('is the additive network when the projections are zero (scale 1, shift 0; within 1e-6), and not otherwise', () => {
    const a = createDenoiser(SMALL, 3);
    const f = createDenoiser(film, 3);
    for (const [name, v] of Object.entries(a.params)) {
      if (name.endsWith('/e')) {
        a.params[name].assign(tf.zerosLike(v));
        f.params[name].assign(tf.zerosLike(f.params[name]));
      } else f.params[name].assign(v);
    }
    const run = (m: Denoiser) => tf.tidy(() => forward(m, tf.tensor2d(noise(2 * 64, 5), [2, 64]), tf.tensor1d([-2, 3]), classRows([0, 1], 3)).dataSync() as Float32Array);
    const [ya, yf] = [run(a), run(f)];
    expect(rms(ya, yf)).toBeLessThan(1e-6);
    // A non-zero scale projection (each block's first channel) moves the output.
    for (const [name, v] of Object.entries(f.params)) if (name.endsWith('/e')) v.assign(tf.tidy(() => tf.zerosLike(v).add(tf.oneHot([0], v.shape[1]!).mul(0.5))));
    expect(rms(run(f), ya)).toBeGreaterThan(1e-3);
    disposeDenoiser(a);
    disposeDenoiser(f);
  });
});

describe('the inference kernels (no gradient tape, wasm)', () => {
  it('normalise, then scale and shift, by the defining formula (within 1e-5), with and without the terms', () => {
    const [b, p, c, g] = [2, 9, 8, 4];
    const x = noise(b * p * c, 11).map((v, i) => 2 * v + (i % c) - 3);
    const pre = noise(b * c, 12);
    const film = noise(2 * b * c, 13).map((v) => 0.5 * v);
    for (const [usePre, useFilm] of [[false, false], [true, false], [false, true]]) {
      const out = new Float32Array(x.length);
      groupNormAffine(x, out, b, c, g, 1e-5, usePre ? pre : undefined, useFilm ? film : undefined);
      for (let i = 0; i < b; i++) {
        for (let k = 0; k < g; k++) {
          const idx: [number, number][] = [];
          for (let q = 0; q < p; q++) for (let ch = k * (c / g); ch < (k + 1) * (c / g); ch++) idx.push([(i * p + q) * c + ch, ch]);
          const v = idx.map(([o, ch]) => x[o] + (usePre ? pre[i * c + ch] : 0));
          const mean = v.reduce((s, u) => s + u, 0) / v.length;
          const variance = v.reduce((s, u) => s + (u - mean) ** 2, 0) / v.length;
          idx.forEach(([o, ch], j) => {
            const y = (v[j] - mean) / Math.sqrt(variance + 1e-5);
            const want = useFilm ? y * (1 + film[2 * i * c + ch]) + film[(2 * i + 1) * c + ch] : y;
            expect(Math.abs(out[o] - want)).toBeLessThan(1e-5);
          });
        }
      }
    }
  });

  it('give the outputs of the tape layers (within 1e-5 of their scale), for FiLM and additive conditioning', () => {
    for (const config of [DIGIT_UNET, SMALL]) {
      const model = createDenoiser(config, 21);
      // Seeded noise in every weight, so that every term (bias, projection, FiLM) reaches the output.
      Object.values(model.params).forEach((v, i) => v.assign(tf.tensor(noise(v.size, 100 + i).map((u) => 0.2 * u), v.shape)));
      const d = config.side * config.side;
      const xin = tf.tensor2d(noise(3 * d, 22), [3, d]);
      const out = (x: tf.Tensor) => forward(model, x as tf.Tensor2D, tf.tensor1d([-4, 0, 5]), classRows([0, 1, config.classes - 1], config.classes));
      const fast = tf.tidy(() => out(xin).dataSync() as Float32Array);
      // The same pass under a gradient tape takes the tape's layers.
      let tape: Float32Array = new Float32Array(0);
      tf.tidy(() => tf.grad((x) => {
        const y = out(x);
        tape = Float32Array.from(y.dataSync());
        return y.sum();
      })(xin));
      xin.dispose();
      const scale = Math.sqrt(tape.reduce((s, v) => s + v * v, 0) / tape.length);
      expect(scale).toBeGreaterThan(0.01);
      expect(rms(fast, tape) / scale).toBeLessThan(1e-5);
      disposeDenoiser(model);
    }
  });
});

describe('a small U-Net', () => {
  it('trains on wasm: gradients reach every parameter and a few Adam steps lower the loss on a fixed batch', async () => {
    const model = createDenoiser(SMALL, 3);
    const trainer = createTrainer(Object.values(model.params), { lr: 3e-3, warmup: 1, total: 100, minLr: 3e-3 });
    const rand = mulberry32(4);
    const x0 = Float32Array.from({ length: 8 * 64 }, (_, i) => (((i % 64) >> 3) + (i % 8)) % 4 < 2 ? 0.8 : -0.8);
    const batch = makeBatch(x0, [0, 1, 0, 1, 0, 1, 0, 1], 64, { parameterization: 'eps', weighting: 'eps-mse', labelDropout: 0.25 }, rand, 2);
    const grads = tf.variableGrads(() => batchLoss(model, batch), Object.values(model.params));
    // Every parameter gets a gradient (skip/w and the conditioning rows may be small, but none is missing).
    expect(Object.keys(grads.grads).sort()).toEqual(Object.values(model.params).map((v) => v.name).sort());
    tf.dispose([grads.value, ...Object.values(grads.grads)]);
    const first = await trainer.step(() => batchLoss(model, batch));
    let last = first;
    // The trainer keeps a copy of the weights every CHECKPOINT_EVERY steps (to restore after a divergence): count
    // tensors at the same point of that cycle, once a checkpoint exists.
    for (let i = 0; i < CHECKPOINT_EVERY; i++) last = await trainer.step(() => batchLoss(model, batch));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3 * CHECKPOINT_EVERY; i++) last = await trainer.step(() => batchLoss(model, batch));
    expect(tf.memory().numTensors).toBe(before);
    expect(last).toBeLessThan(0.8 * first);
    trainer.dispose();
    disposeDenoiser(model);
  }, 60_000);

  it('gives the same held-out profile in image chunks as in one pass (within 1e-6)', () => {
    const model = createDenoiser(SMALL, 5);
    const pixels = Uint8Array.from({ length: 12 * 64 }, (_, i) => (i * 37) % 256);
    const set = readImageSet(pixels, 8, 1, Uint8Array.from({ length: 12 }, (_, i) => i % 2));
    const whole = heldoutProfile(model, 'eps', set, { bins: 6, seed: 3, chunkRows: 1000 });
    const chunked = heldoutProfile(model, 'eps', set, { bins: 6, seed: 3, chunkRows: 5 });
    for (let b = 0; b < 6; b++) expect(Math.abs(chunked.loss[b] - whole.loss[b])).toBeLessThan(1e-6);
    disposeDenoiser(model);
  });
});
