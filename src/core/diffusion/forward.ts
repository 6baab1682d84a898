// The forward (noising) process and the regression targets a model can be trained on (docs/conventions.md,
// "Noise levels" and "Targets and ε-MSE units"). Images are in model space [−1,1] (conventions.pixelToModel).
import { gaussian, mulberry32 } from '../random';
import { logSnrAt, scheduleAt, discreteOf, isDiscrete, tOfLogSnr, type ScheduleOptions, type ScheduleSpec } from './schedules';
import { tOfStep } from '../conventions';

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`x0 and eps differ in length: ${a.length} vs ${b.length}`);
}

/** x_t = α·x0 + σ·ε, elementwise. */
export function noisyImage(x0: Float32Array, eps: Float32Array, alpha: number, sigma: number): Float32Array {
  checkSameLength(x0, eps);
  const out = new Float32Array(x0.length);
  for (let i = 0; i < x0.length; i++) out[i] = alpha * x0[i] + sigma * eps[i];
  return out;
}

/**
 * x_t = α·x0 + σ·ε straight into 8-bit RGBA for display, in one pass with no intermediate arrays: each value v
 * becomes round(255·(0.5 + k·v)), clamped to 0…255, alpha 255. With k = scale/(2·range) these are exactly the
 * bytes of noisyImage → a float32 image 0.5 + k·v → toRgba (the float32 roundings are kept), at a fraction of
 * the cost: a dragged t slider redraws x_t every frame.
 */
export function noisyRgba(x0: Float32Array, eps: Float32Array, alpha: number, sigma: number, k: number, out?: Uint8ClampedArray): Uint8ClampedArray {
  checkSameLength(x0, eps);
  const n = x0.length / 3;
  const rgba = out ?? new Uint8ClampedArray(n * 4);
  const f = Math.fround;
  // (v·255 + 0.5) | 0 is Math.round(v·255) here: v·255 + 0.5 is exact in a double (v is a float32), negatives
  // truncate to 0 or below and the clamped array stores 0 (as it does for Math.round), and it is 3× faster
  // (valid while v·255 < 2³¹, i.e. |v| < 8·10⁶: x0 in [−1, 1], ε Gaussian and EDM σ ≤ 80 stay far below).
  for (let p = 0, i = 0, q = 0; p < n; p++, i += 3, q += 4) {
    rgba[q] = (f(0.5 + k * f(alpha * x0[i] + sigma * eps[i])) * 255 + 0.5) | 0;
    rgba[q + 1] = (f(0.5 + k * f(alpha * x0[i + 1] + sigma * eps[i + 1])) * 255 + 0.5) | 0;
    rgba[q + 2] = (f(0.5 + k * f(alpha * x0[i + 2] + sigma * eps[i + 2])) * 255 + 0.5) | 0;
    rgba[q + 3] = 255;
  }
  return rgba;
}

/** n standard-normal samples from a seed (mulberry32 + Box–Muller, random.ts): the same seed, the same noise. */
export function seededNoise(n: number, seed: number): Float32Array {
  const g = gaussian(mulberry32(seed));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = g();
  return out;
}

/**
 * seededNoise with memory: one seed's noise of length n is the start of its noise of any greater length (the
 * generator's sequence does not depend on n), so the longest draw of the last seed is kept and a shorter one is a
 * view of its start (or the view of an earlier, shorter draw already handed out for that length). A working size just left, or a smaller one, costs neither a draw nor a copy (a fresh 3 MB
 * array alone is about 9 ms of page faults on a busy machine). The arrays are shared: callers must not write them.
 */
export function seededNoiseMemo(): (n: number, seed: number) => Float32Array {
  let kept: { seed: number; noise: Float32Array; views: Map<number, Float32Array> } | null = null;
  return (n, seed) => {
    if (!kept || kept.seed !== seed) kept = { seed, noise: seededNoise(n, seed), views: new Map() };
    // A longer draw of the same seed starts with the values of the shorter one: the views handed out so far stay
    // (the working size the page opened with, then a larger one, keeps its ε array and what is remembered of it).
    else if (kept.noise.length < n) kept = { seed, noise: seededNoise(n, seed), views: kept.views };
    // The same view for the same length while the seed is kept, so what is remembered per array stays valid.
    let view = kept.views.get(n);
    if (!view) kept.views.set(n, (view = kept.noise.subarray(0, n)));
    return view;
  };
}

export type Targets = {
  /** ε-prediction target. */
  eps: Float32Array;
  /** x0-prediction target. */
  x0: Float32Array;
  /** v = α·ε − σ·x0 (Salimans & Ho 2022, §4; for VP, x0 = α·x_t − σ·v). */
  v: Float32Array;
  /** Rectified-flow velocity u = dx_t/dt = ε − x0 (Liu et al. 2022; SD3 eq. 3 with a_t = 1 − t, b_t = t). */
  velocity: Float32Array;
};

/**
 * The four targets for one (x0, ε) at noise level (α, σ). Only v depends on (α, σ); none depends on t itself,
 * so there is no t argument.
 */
export function targets(x0: Float32Array, eps: Float32Array, alpha: number, sigma: number): Targets {
  checkSameLength(x0, eps);
  const n = x0.length;
  const v = new Float32Array(n);
  const velocity = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    v[i] = alpha * eps[i] - sigma * x0[i];
    velocity[i] = eps[i] - x0[i];
  }
  return { eps: Float32Array.from(eps), x0: Float32Array.from(x0), v, velocity };
}

export type StripOptions = ScheduleOptions & {
  /** λ at either end is clamped to [−lambdaClip, lambdaClip] (default 10: σ_EDM from 0.0067 to 148). */
  lambdaClip?: number;
};

export type StripEntry = { t: number; logSnr: number };

/**
 * `count` noise levels evenly spaced in λ, from the schedule's least noisy end to its noisiest: the ends are
 * λ(0) and λ(1) clamped to ±lambdaClip (so the infinite ends of rectified flow, SD3 and zero-terminal-SNR are
 * finite), and each λ_k is mapped back to t with tOfLogSnr. For a discrete schedule each entry is snapped to the
 * step with the nearest λ (t = tOfStep(i)), so scheduleAt(t) returns that step exactly. `logSnr` is the
 * schedule's actual λ at the returned t.
 */
export function logSnrStrip(kind: ScheduleSpec, count = 8, opts: StripOptions = {}): StripEntry[] {
  if (!Number.isInteger(count) || count < 2) throw new RangeError(`count must be an integer ≥ 2, got ${count}`);
  const clip = opts.lambdaClip ?? 10;
  const clamp = (l: number) => Math.min(clip, Math.max(-clip, l));
  const hi = clamp(logSnrAt(kind, 0, opts));
  const lo = clamp(logSnrAt(kind, 1, opts));
  const out: StripEntry[] = [];
  for (let k = 0; k < count; k++) {
    const target = hi + ((lo - hi) * k) / (count - 1);
    let t: number;
    if (typeof kind !== 'function' && isDiscrete(kind)) {
      const { logSnr: l, steps } = discreteOf(kind, opts);
      let best = 0;
      for (let i = 1; i < steps; i++) if (Math.abs(l[i] - target) < Math.abs(l[best] - target)) best = i;
      t = tOfStep(best, steps);
    } else {
      t = tOfLogSnr(kind, target, opts);
    }
    out.push({ t, logSnr: scheduleAt(kind, t, opts).logSnr });
  }
  return out;
}
