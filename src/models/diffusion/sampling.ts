// Running a tfjs denoiser inside the pure samplers of core/diffusion/samplers.ts: a batch of images travels as
// one flat Float32Array (count × pixels; the sampler updates are elementwise), each step is one forward pass
// (two rows per image under classifier-free guidance) in tf.tidy, read back synchronously (scripts, tests) or
// asynchronously (the worker: WebGPU has no synchronous read-back).
import * as tf from '@tensorflow/tfjs-core';
import { gaussian, mulberry32 } from '../../core/random';
import {
  fromPrediction, guidanceActive, sample, type Denoised, type Denoiser as DenoiseFn, type NoiseLevel, type SamplerKind,
} from '../../core/diffusion/samplers';
import { logSnrFromAlphaSigma } from '../../core/diffusion/schedules';
import { forward, pixelsOf, type Denoiser } from './denoiser';
import type { Parameterization } from './objective';

export type Conditioning = {
  /** Class per image (digits); the null class for none. */
  labels?: ArrayLike<number>;
  /** Classifier-free guidance scale (1 = the conditional prediction alone). */
  guidance?: number;
  /** Apply guidance only where σ/α lies in this range. */
  interval?: readonly [number, number];
};

/** The network's raw output [count, pixels] at one level, x in model space at that level (count × pixels). */
function outputTensor(model: Denoiser, x: Float32Array, level: NoiseLevel, labels: Int32Array | null): tf.Tensor2D {
  const d = pixelsOf(model.config);
  const count = x.length / d;
  const r = Math.hypot(level.alpha, level.sigma);
  const lambda = logSnrFromAlphaSigma(level.alpha, level.sigma);
  return tf.tidy(() => {
    const xin = tf.div(tf.tensor2d(x, [count, d]), r) as tf.Tensor2D;
    const classes = labels && model.config.classes > 0 ? tf.oneHot(tf.tensor1d(labels, 'int32'), model.config.classes) as tf.Tensor2D : null;
    // λ = ±∞ (pure noise, clean image) is clamped inside the network anyway.
    return forward(model, xin, tf.fill([count], Number.isFinite(lambda) ? lambda : lambda > 0 ? 30 : -30) as tf.Tensor1D, classes);
  });
}

/** What one denoising call needs: the rows to run (conditional rows first, then null rows under guidance). */
type Plan = { x: Float32Array; rows: Int32Array | null; guided: boolean; w: number };

function plan(model: Denoiser, x: Float32Array, level: NoiseLevel, cond: Conditioning): Plan {
  const d = pixelsOf(model.config);
  const count = x.length / d;
  const nullLabel = model.config.classes - 1;
  const labels = model.config.classes > 0 ? Int32Array.from({ length: count }, (_, i) => {
    const l = cond.labels?.[i];
    return l !== undefined && Number.isInteger(l) && l >= 0 && l < nullLabel ? l : nullLabel;
  }) : null;
  const w = cond.guidance ?? 1;
  const guided = labels !== null && w !== 1 && labels.some((l) => l !== nullLabel) && guidanceActive(level, cond.interval);
  if (!guided) return { x, rows: labels, guided, w };
  // One pass over [conditional rows; null rows].
  const both = new Float32Array(2 * x.length);
  both.set(x);
  both.set(x, x.length);
  const rows = new Int32Array(2 * count).fill(nullLabel);
  rows.set(labels!);
  return { x: both, rows, guided, w };
}

/** Classifier-free guidance on the network's output: ε_null + w·(ε_cond − ε_null) (linear in any parameterization). */
function combine(p: Plan, o: Float32Array): Float32Array {
  if (!p.guided) return o;
  const n = o.length / 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = o[n + i] + p.w * (o[i] - o[n + i]);
  return out;
}

/**
 * A core Denoiser for the model: x̂0 and ε̂ of every image at a level, with classifier-free guidance. Reads
 * back synchronously (wasm, cpu, webgl); denoiserOfAsync is the WebGPU-safe twin.
 */
export function denoiserOf(model: Denoiser, parameterization: Parameterization, cond: Conditioning = {}): DenoiseFn {
  return (x, level) => {
    const p = plan(model, x, level, cond);
    const t = outputTensor(model, p.x, level, p.rows);
    try {
      return fromPrediction(parameterization, combine(p, t.dataSync() as Float32Array), x, level);
    } finally {
      t.dispose();
    }
  };
}

/** The same with an asynchronous read-back (await data(): WebGPU has no synchronous one). */
export function denoiserOfAsync(model: Denoiser, parameterization: Parameterization, cond: Conditioning = {}): (x: Float32Array, level: NoiseLevel) => Promise<Denoised> {
  return async (x, level) => {
    const p = plan(model, x, level, cond);
    const t = outputTensor(model, p.x, level, p.rows);
    try {
      return fromPrediction(parameterization, combine(p, (await t.data()) as Float32Array), x, level);
    } finally {
      t.dispose();
    }
  };
}

export type SampleRequest = Conditioning & {
  sampler: SamplerKind;
  /** Noisiest first; the last is normally α = 1, σ = 0. */
  levels: readonly NoiseLevel[];
  seed: number;
  count: number;
  /** Clip x̂0 to [−1, 1] at every step (default true). */
  clip?: boolean;
  onStep?: (step: number, d: Denoised) => void;
};

/** Samples `count` images (model space, count × pixels) from seeded Gaussian noise at levels[0]. */
export function sampleImages(model: Denoiser, parameterization: Parameterization, req: SampleRequest): Float32Array {
  const d = pixelsOf(model.config);
  const n = req.count * d;
  const g = gaussian(mulberry32(req.seed));
  const first = req.levels[0];
  // x_T = α·x0 + σ·ε with x0 unknown: start from σ·ε scaled to the level's total std √(α² + σ²)·ε — for the
  // noisiest level of any schedule the signal is negligible, and this matches its marginal variance for data of unit scale.
  const scale = Math.hypot(first.alpha, first.sigma);
  const x = Float32Array.from({ length: n }, () => scale * g());
  const noiseRand = gaussian(mulberry32(req.seed ^ 0x5bd1e995));
  return sample(req.sampler, x, req.levels, denoiserOf(model, parameterization, req), {
    clip: req.clip ?? true,
    noise: () => Float32Array.from({ length: n }, () => noiseRand()),
    onStep: req.onStep,
  });
}
