// Sampler updates on plain Float32Arrays for any schedule given as noise levels (α, σ): DDPM (ancestral), DDIM
// (η = 0) and its inversion, the Euler step of the rectified-flow ODE, conversions between the four things a
// network may predict, and classifier-free guidance with a guidance interval. Pure: no tfjs; the models feed
// their predictions in, the worker runs the loop.
//
// A network here sees the variance-preserving input x_t / r with r = √(α² + σ²) and the log-SNR λ, so every
// schedule drives it alike: its VP coefficients are α' = α/r, σ' = σ/r (α'² + σ'² = 1).
import { tOfStep } from '../conventions';
import type { GuidancePlacement, Parameterization, SamplerKind } from './kinds';
import { scheduleAt, type ScheduleOptions, type ScheduleSpec } from './schedules';

export { PARAMETERIZATIONS, SAMPLER_KINDS, type Parameterization, type SamplerKind } from './kinds';

/** α and σ of one noise level (x_t = α·x0 + σ·ε), of any schedule. */
export type NoiseLevel = { alpha: number; sigma: number };

/** The clean-image estimate x̂0 and the noise estimate ε̂ that explain x_t = α·x̂0 + σ·ε̂ at one level. */
export type Denoised = { x0: Float32Array; eps: Float32Array };

/** A denoiser: (x_t, level) → x̂0 and ε̂ (consistent: x_t = α·x̂0 + σ·ε̂ where α, σ > 0). */
export type Denoiser = (x: Float32Array, level: NoiseLevel) => Denoised;

/** The VP coefficients α' = α/r, σ' = σ/r with r = √(α² + σ²). */
export function vpCoefficients(level: NoiseLevel): { alpha: number; sigma: number; r: number } {
  const r = Math.hypot(level.alpha, level.sigma);
  if (!(r > 0)) throw new RangeError(`a noise level needs α² + σ² > 0, got α = ${level.alpha}, σ = ${level.sigma}`);
  return { alpha: level.alpha / r, sigma: level.sigma / r, r };
}

/**
 * x̂0 and ε̂ from a network output `out` of parameterization `p` at x_t (all in model space), with the VP
 * coefficients (a, s) of the level and x_in = x_t/r (so x_in = a·x0 + s·ε):
 * - ε: x̂0 = (x_in − s·ε̂)/a;   - x0: ε̂ = (x_in − a·x̂0)/s;
 * - v = a·ε − s·x0 (Salimans & Ho 2022): x̂0 = a·x_in − s·v, ε̂ = s·x_in + a·v;
 * - velocity u = ε − x0 (rectified flow): x_in = (a + s)·x0 + s·u, so x̂0 = (x_in − s·u)/(a + s), ε̂ = u + x̂0.
 * Where a = 0 (ε-prediction) or s = 0 (x0-prediction) the other estimate is undefined; it is set to 0.
 */
export function fromPrediction(p: Parameterization, out: Float32Array, x: Float32Array, level: NoiseLevel): Denoised {
  if (out.length !== x.length) throw new RangeError(`prediction and x_t differ in length: ${out.length} vs ${x.length}`);
  const { alpha: a, sigma: s, r } = vpCoefficients(level);
  const n = x.length;
  const x0 = new Float32Array(n);
  const eps = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const xin = x[i] / r;
    const o = out[i];
    switch (p) {
      case 'eps':
        eps[i] = o;
        x0[i] = a > 0 ? (xin - s * o) / a : 0;
        break;
      case 'x0':
        x0[i] = o;
        eps[i] = s > 0 ? (xin - a * o) / s : 0;
        break;
      case 'v':
        x0[i] = a * xin - s * o;
        eps[i] = s * xin + a * o;
        break;
      case 'velocity':
        x0[i] = (xin - s * o) / (a + s);
        eps[i] = o + x0[i];
        break;
    }
  }
  return { x0, eps };
}

/** The target of parameterization `p` for (x0, ε) at a level (v with the VP coefficients, as the network sees it). */
export function predictionTarget(p: Parameterization, x0: Float32Array, eps: Float32Array, level: NoiseLevel): Float32Array {
  const { alpha: a, sigma: s } = vpCoefficients(level);
  const out = new Float32Array(x0.length);
  for (let i = 0; i < x0.length; i++) {
    out[i] = p === 'eps' ? eps[i] : p === 'x0' ? x0[i] : p === 'v' ? a * eps[i] - s * x0[i] : eps[i] - x0[i];
  }
  return out;
}

/**
 * Clips x̂0 to [−1, 1] and re-derives ε̂ = (x_t − α·x̂0)/σ so the pair stays consistent (diffusers' clip_sample).
 * At σ = 0 ε̂ is kept.
 */
export function clipDenoised(d: Denoised, x: Float32Array, level: NoiseLevel): Denoised {
  const x0 = new Float32Array(d.x0.length);
  const eps = Float32Array.from(d.eps);
  for (let i = 0; i < x0.length; i++) {
    x0[i] = Math.min(1, Math.max(-1, d.x0[i]));
    if (level.sigma > 0) eps[i] = (x[i] - level.alpha * x0[i]) / level.sigma;
  }
  return { x0, eps };
}

/** DDIM with η = 0 (Song et al. 2021, eq. 12) to level `to`: x = α_to·x̂0 + σ_to·ε̂. */
export function ddimStep(d: Denoised, to: NoiseLevel): Float32Array {
  const out = new Float32Array(d.x0.length);
  for (let i = 0; i < out.length; i++) out[i] = to.alpha * d.x0[i] + to.sigma * d.eps[i];
  return out;
}

/**
 * DDPM ancestral step from level `from` (noisier) to `to`: a draw from q(x_to | x_from, x̂0) (Kingma et al.
 * 2021, VDM eq. 31–33, valid for any α, σ): with α_ts = α_from/α_to and σ²_ts = σ²_from − α_ts²·σ²_to,
 * mean = (α_ts·σ²_to/σ²_from)·x_from + (α_to·σ²_ts/σ²_from)·x̂0 and variance σ²_ts·σ²_to/σ²_from. `noise` is
 * standard normal, one value per pixel. At σ_to = 0 it returns x̂0.
 */
export function ddpmStep(x: Float32Array, d: Denoised, from: NoiseLevel, to: NoiseLevel, noise: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  if (to.sigma === 0) {
    out.set(d.x0);
    return out;
  }
  const ats = from.alpha / to.alpha;
  const s2from = from.sigma ** 2;
  const s2ts = Math.max(0, s2from - ats * ats * to.sigma ** 2);
  const cx = (ats * to.sigma ** 2) / s2from;
  const c0 = (to.alpha * s2ts) / s2from;
  const std = Math.sqrt((s2ts * to.sigma ** 2) / s2from);
  for (let i = 0; i < x.length; i++) out[i] = cx * x[i] + c0 * d.x0[i] + std * noise[i];
  return out;
}

/**
 * Euler step of the rectified-flow ODE dz/dτ = ε̂ − x̂0 (Liu et al. 2022; SD3) in flow coordinates z = x/(α+σ),
 * τ = σ/(α+σ) (any schedule maps to these: same λ), then back to the level `to`. With consistent x̂0, ε̂ it
 * coincides with the DDIM step — both are first-order with the prediction frozen over the step.
 */
export function eulerFlowStep(x: Float32Array, d: Denoised, from: NoiseLevel, to: NoiseLevel): Float32Array {
  const kFrom = from.alpha + from.sigma;
  const kTo = to.alpha + to.sigma;
  const dTau = to.sigma / kTo - from.sigma / kFrom;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = kTo * (x[i] / kFrom + dTau * (d.eps[i] - d.x0[i]));
  return out;
}

/** σ/α of a level (σ_EDM = e^{−λ/2}); ∞ where α = 0. */
export function sigmaOverAlpha(level: NoiseLevel): number {
  return level.alpha > 0 ? level.sigma / level.alpha : Infinity;
}

/** Whether guidance applies at this level: σ/α within [lo, hi] (Kynkäänniemi et al. 2024); no interval = always. */
export function guidanceActive(level: NoiseLevel, interval?: readonly [number, number]): boolean {
  if (!interval) return true;
  const s = sigmaOverAlpha(level);
  return s >= interval[0] && s <= interval[1];
}

/** Kynkäänniemi et al. 2024: EDM2's guidance interval, σ ∈ (0.28, 5.42] (the panel's "middle noise only" preset). */
export const EDM2_INTERVAL: readonly [number, number] = [0.28, 5.42];

/**
 * Guidance w at a placement as a sampler's conditioning: everywhere (σ/α in [0, ∞]), only in EDM2_INTERVAL, or
 * nowhere (w = 1: the conditional prediction alone).
 */
export function placedGuidance(placement: GuidancePlacement, w: number): { guidance: number; interval?: [number, number] } {
  if (placement === 'nowhere') return { guidance: 1 };
  return { guidance: w, interval: placement === 'middle' ? [EDM2_INTERVAL[0], EDM2_INTERVAL[1]] : [0, Infinity] };
}

/**
 * Classifier-free guidance (Ho & Salimans 2022): ε̃ = ε_null + w·(ε_cond − ε_null) inside the interval, ε_cond
 * outside. Works on any linear prediction (ε, x0, v, velocity): the combination is the same.
 */
export function guidedPrediction(cond: Float32Array, uncond: Float32Array, scale: number, level: NoiseLevel, interval?: readonly [number, number]): Float32Array {
  if (cond.length !== uncond.length) throw new RangeError(`the two predictions differ in length: ${cond.length} vs ${uncond.length}`);
  if (!guidanceActive(level, interval)) return Float32Array.from(cond);
  const out = new Float32Array(cond.length);
  for (let i = 0; i < out.length; i++) out[i] = uncond[i] + scale * (cond[i] - uncond[i]);
  return out;
}

export type SampleOptions = {
  /** For DDPM: standard normal noise of step k (one value per pixel). */
  noise?: (step: number) => Float32Array;
  /** Clip x̂0 to [−1, 1] before each update (not for inversion). */
  clip?: boolean;
  /** Called after each step with the step index and that step's (possibly clipped) prediction. */
  onStep?: (step: number, d: Denoised) => void;
};

/** Runs a sampler from x at levels[0] through levels[1…]; returns x at the last level. */
export function sample(kind: SamplerKind, x: Float32Array, levels: readonly NoiseLevel[], denoise: Denoiser, opts: SampleOptions = {}): Float32Array {
  let cur = x;
  for (let k = 0; k + 1 < levels.length; k++) {
    const from = levels[k];
    const to = levels[k + 1];
    let d = denoise(cur, from);
    if (opts.clip) d = clipDenoised(d, cur, from);
    opts.onStep?.(k, d);
    if (kind === 'ddim') cur = ddimStep(d, to);
    else if (kind === 'euler') cur = eulerFlowStep(cur, d, from, to);
    else {
      if (!opts.noise) throw new Error('DDPM needs a noise source');
      cur = ddpmStep(cur, d, from, to, opts.noise(k));
    }
  }
  return cur;
}

/**
 * Inverts one DDIM step: finds x_from with ddimStep(denoise(x_from, from), to) = x_to by fixed-point iteration
 * x ← (α_from/α_to)·(x_to − (σ_to − α_to·σ_from/α_from)·ε̂(x)) (exact for an exact denoiser when it converges,
 * unlike the usual one-evaluation inversion, whose error is O(step²)). Needs α_from, α_to > 0.
 */
export function ddimInvertStep(xTo: Float32Array, from: NoiseLevel, to: NoiseLevel, denoise: Denoiser, iterations = 30): Float32Array {
  if (!(from.alpha > 0 && to.alpha > 0)) throw new RangeError('DDIM inversion needs α > 0 at both levels');
  const ratio = from.alpha / to.alpha;
  const c = to.sigma - (to.alpha * from.sigma) / from.alpha;
  let x = Float32Array.from(xTo, (v) => v * ratio); // start from the step with ε̂ = 0
  for (let it = 0; it < iterations; it++) {
    const { eps } = denoise(x, from);
    const next = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) next[i] = ratio * (xTo[i] - c * eps[i]);
    x = next;
  }
  return x;
}

/** DDIM inversion along `levels` (noisiest first, as sampled), from x at the last level back to the first. */
export function ddimInvert(x: Float32Array, levels: readonly NoiseLevel[], denoise: Denoiser, iterations = 30): Float32Array {
  let cur = x;
  for (let k = levels.length - 1; k > 0; k--) cur = ddimInvertStep(cur, levels[k - 1], levels[k], denoise, iterations);
  return cur;
}

/**
 * The exact posterior mean E[x0 | x_t] of a finite data set with equal weights (a softmax over the points of
 * −‖x_t − α·x0‖²/(2σ²)): the ideal denoiser, for tests and demonstrations. `points` is count × dim.
 */
export function analyticDenoiser(points: Float32Array, dim: number): Denoiser {
  const count = points.length / dim;
  return (x, level) => {
    const { alpha, sigma } = level;
    const x0 = new Float32Array(dim);
    if (sigma === 0) {
      x0.set(x.map((v) => v / alpha));
      return { x0, eps: new Float32Array(dim) };
    }
    const logits = new Float64Array(count);
    for (let j = 0; j < count; j++) {
      let d2 = 0;
      for (let i = 0; i < dim; i++) d2 += (x[i] - alpha * points[j * dim + i]) ** 2;
      logits[j] = -d2 / (2 * sigma * sigma);
    }
    const max = Math.max(...logits);
    let z = 0;
    for (let j = 0; j < count; j++) z += logits[j] = Math.exp(logits[j] - max);
    for (let j = 0; j < count; j++) for (let i = 0; i < dim; i++) x0[i] += (logits[j] / z) * points[j * dim + i];
    const eps = new Float32Array(dim);
    for (let i = 0; i < dim; i++) eps[i] = (x[i] - alpha * x0[i]) / sigma;
    return { x0, eps };
  };
}

/**
 * A sampler's levels on a schedule, noisiest first, then the clean level α = 1, σ = 0 (steps + 1 levels;
 * docs/conventions.md, "Sampler levels").
 * 'trailing': t = 1, 1 − 1/steps, …, 1/steps (starts at the schedule's end, α ≈ 0 for cosine: an ε-predicting
 * model's first x̂0 is then noise). 'leading' (diffusers' default for DDIM, `DDIMScheduler.set_timesteps`):
 * timesteps k·⌊N/steps⌋ for k = 0 … steps − 1 (integer division first), reversed, steps_offset 0, on the
 * N-step grid (N = opts.steps, default 1000); timestep i sits at t = (i + 1)/N.
 */
export function scheduleLevels(kind: ScheduleSpec, steps: number, opts: ScheduleOptions = {}, spacing: 'trailing' | 'leading' = 'trailing'): NoiseLevel[] {
  if (!(Number.isInteger(steps) && steps >= 1)) throw new RangeError(`steps must be an integer ≥ 1, got ${steps}`);
  const levels: NoiseLevel[] = [];
  const n = opts.steps ?? 1000;
  for (let k = 0; k < steps; k++) {
    const t = spacing === 'trailing' ? 1 - k / steps : tOfStep((steps - 1 - k) * Math.floor(n / steps), n);
    const { alpha, sigma } = scheduleAt(kind, t, opts);
    levels.push({ alpha, sigma });
  }
  levels.push({ alpha: 1, sigma: 0 });
  return levels;
}
