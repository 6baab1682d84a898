// Running a tfjs denoiser inside the pure samplers of core/diffusion/samplers.ts: a batch of images travels as
// one flat Float32Array (count × pixels; the sampler updates are elementwise), each step is one forward pass
// (two rows per image under classifier-free guidance) in tf.tidy, read back synchronously (scripts, tests) or
// asynchronously (the worker: WebGPU has no synchronous read-back).
import * as tf from '@tensorflow/tfjs-core';
import { gaussian, mulberry32 } from '../../core/random';
import {
  clipDenoised, ddimStep, ddpmStep, eulerFlowStep, fromPrediction, guidanceActive, scheduleLevels, type Denoised, type Denoiser as DenoiseFn,
  type NoiseLevel, type SamplerKind,
} from '../../core/diffusion/samplers';
import { TRAINING_LAMBDA_LIMIT } from '../../core/diffusion/trainingNoise';
import { logSnrFromAlphaSigma } from '../../core/diffusion/schedules';
import { forward, pixelsOf, type Denoiser } from './denoiser';
import type { Parameterization } from './objective';

/** `steps` + 1 sampler levels on the cosine schedule, leading spacing (what the script, the tests and the quality measurement sample with). */
export function uniformLevels(steps: number): NoiseLevel[] {
  return scheduleLevels('cosine', steps, {}, 'leading');
}

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
  /** After each step's prediction: the step and its (clipped) x̂0 and ε̂. */
  onStep?: (step: number, d: Denoised) => void;
  /** Awaited before each step: where the worker lets a cancel in (it throws to stop) and reports progress. */
  between?: (step: number) => Promise<void>;
};

/**
 * Below the trained λ range (a schedule's very end, e.g. cosine at t = 1 where α ≈ 5e-5) x_t is noise to the
 * network, and an ε-prediction's x̂0 = (x − σ·ε̂)/α amplifies its error 10⁴-fold into a random ±1 pattern after
 * clipping, which DDIM then carries into the sample as speckle. There x̂0 is taken as the centre of the data
 * range, 0, and ε̂ = x/σ: the step keeps the noise and adds no fake signal.
 */
function priorCentre(x: Float32Array, level: NoiseLevel): Denoised {
  return { x0: new Float32Array(x.length), eps: x.map((v) => v / level.sigma) };
}

/**
 * The one sampler of the app, its scripts and its tests: `count` images (model space, count × pixels) from
 * seeded Gaussian noise at levels[0] through levels[1…] with DDIM, DDPM or Euler, x̂0 clipped at each step, the
 * prior centre below the trained λ range, and, when the last level is not clean, the model's x̂0 there.
 */
export async function sampleImages(model: Denoiser, parameterization: Parameterization, req: SampleRequest): Promise<Float32Array> {
  const d = pixelsOf(model.config);
  const n = req.count * d;
  const g = gaussian(mulberry32(req.seed));
  const first = req.levels[0];
  // x_T = α·x0 + σ·ε with x0 unknown: start from pure noise scaled to the level's total std √(α² + σ²)·ε, which
  // matches its marginal variance for data of unit scale. The signal is dropped: right only with zero terminal SNR
  // (α = 0); scaled-linear's last step still keeps α = 0.068 (α/√(α² + σ²)), and the panel says so.
  const scale = Math.hypot(first.alpha, first.sigma);
  let x: Float32Array = Float32Array.from({ length: n }, () => scale * g());
  const noiseRand = gaussian(mulberry32(req.seed ^ 0x5bd1e995));
  const denoise = denoiserOfAsync(model, parameterization, req);
  const clip = req.clip ?? true;
  const steps = req.levels.length - 1;
  for (let k = 0; k < steps; k++) {
    await req.between?.(k);
    const from = req.levels[k];
    const to = req.levels[k + 1];
    let p: Denoised;
    if (logSnrFromAlphaSigma(from.alpha, from.sigma) < -TRAINING_LAMBDA_LIMIT) p = priorCentre(x, from);
    else {
      p = await denoise(x, from);
      if (clip) p = clipDenoised(p, x, from);
    }
    req.onStep?.(k, p);
    if (req.sampler === 'ddim') x = ddimStep(p, to);
    else if (req.sampler === 'euler') x = eulerFlowStep(x, p, from, to);
    else x = ddpmStep(x, p, from, to, Float32Array.from({ length: n }, () => noiseRand()));
  }
  const last = req.levels[steps];
  if (!(last.sigma > 0)) return x;
  const p = await denoise(x, last);
  return (clip ? clipDenoised(p, x, last) : p).x0;
}
