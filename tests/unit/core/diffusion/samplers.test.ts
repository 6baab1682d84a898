import { describe, expect, it } from 'vitest';
import {
  analyticDenoiser, clipDenoised, ddimInvert, ddimStep, ddpmStep, eulerFlowStep, fromPrediction, guidanceActive, guidedPrediction,
  PARAMETERIZATIONS, predictionTarget, sample, SAMPLER_KINDS, scheduleLevels, sigmaOverAlpha, vpCoefficients, type NoiseLevel,
} from '../../../../src/core/diffusion/samplers';
import { seededNoise } from '../../../../src/core/diffusion/forward';
import { discreteOf } from '../../../../src/core/diffusion/schedules';

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** VP levels evenly spaced in λ from lo to hi (noisiest first), then optionally the clean level. */
function lambdaLevels(steps: number, lo: number, hi: number, clean = true): NoiseLevel[] {
  const out: NoiseLevel[] = [];
  for (let k = 0; k <= steps; k++) {
    const l = lo + ((hi - lo) * k) / steps;
    out.push({ alpha: Math.sqrt(1 / (1 + Math.exp(-l))), sigma: Math.sqrt(1 / (1 + Math.exp(l))) });
  }
  if (clean) out.push({ alpha: 1, sigma: 0 });
  return out;
}

describe('prediction conversions', () => {
  const x0 = seededNoise(16, 1).map((v) => Math.tanh(v));
  const eps = seededNoise(16, 2);
  // A non-VP level (EDM-like α = 1) and a rectified-flow one: the conversions must hold for any schedule.
  const levels: NoiseLevel[] = [{ alpha: 1, sigma: 0.7 }, { alpha: 0.4, sigma: 0.6 }, { alpha: 0.8, sigma: 0.6 }];
  for (const level of levels) {
    for (const p of PARAMETERIZATIONS) {
      it(`recovers x0 and ε from the exact ${p} target at α=${level.alpha}, σ=${level.sigma}`, () => {
        const x = x0.map((v, i) => level.alpha * v + level.sigma * eps[i]);
        const d = fromPrediction(p, predictionTarget(p, x0, eps, level), x, level);
        expect(maxAbs(d.x0, x0)).toBeLessThan(1e-5);
        expect(maxAbs(d.eps, eps)).toBeLessThan(1e-5);
      });
    }
  }

  it('uses VP coefficients, so v obeys x0 = α·x_in − σ·v', () => {
    const level = { alpha: 1, sigma: 2 };
    const { alpha, sigma, r } = vpCoefficients(level);
    expect(alpha ** 2 + sigma ** 2).toBeCloseTo(1, 12);
    const x = x0.map((v, i) => level.alpha * v + level.sigma * eps[i]);
    const v = predictionTarget('v', x0, eps, level);
    expect(maxAbs(x0, x.map((xi, i) => alpha * (xi / r) - sigma * v[i]))).toBeLessThan(1e-5);
  });

  it('clipping keeps x̂0 in [−1, 1] and the pair consistent with x_t', () => {
    const level = { alpha: 0.6, sigma: 0.8 };
    const x = Float32Array.from([3, -3, 0.2]);
    const d = clipDenoised({ x0: Float32Array.from([2, -2, 0.1]), eps: new Float32Array(3) }, x, level);
    expect(Array.from(d.x0)).toEqual([1, -1, Math.fround(0.1)]);
    for (let i = 0; i < 3; i++) expect(level.alpha * d.x0[i] + level.sigma * d.eps[i]).toBeCloseTo(x[i], 5);
  });
});

describe('samplers with the analytic denoiser', () => {
  it('DDIM (η = 0) round-trips exactly: x_T → x0 → x_T within 1e-5', () => {
    const dim = 4;
    const points = Float32Array.from([0.8, -0.5, 0.3, 0.1, -0.6, 0.4, -0.2, 0.9]); // a 2-point data set
    const denoise = analyticDenoiser(points, dim);
    // 100 steps from λ = −6 to λ = 6 (inversion needs α > 0 and σ > 0 at the clean end: x̂0 of σ = 0 forgets x).
    const levels = lambdaLevels(100, -6, 6, false);
    const xT = seededNoise(dim, 7);
    const x0 = sample('ddim', xT, levels, denoise);
    const back = ddimInvert(x0, levels, denoise, 60);
    expect(maxAbs(back, xT)).toBeLessThan(1e-5);
  });

  it('DDPM, DDIM and Euler all land on the point of a 1-point data set', () => {
    const dim = 3;
    const point = Float32Array.from([0.5, -0.25, 0.9]);
    const denoise = analyticDenoiser(point, dim);
    const levels = scheduleLevels('cosine', 25);
    for (const kind of SAMPLER_KINDS) {
      let k = 0;
      const out = sample(kind, seededNoise(dim, 3), levels, denoise, { noise: () => seededNoise(dim, 100 + k++) });
      expect(maxAbs(out, point)).toBeLessThan(1e-5);
    }
    // Rectified flow too (α = 0 at the start: x̂0 of a point mass is the point whatever x is).
    const flow = scheduleLevels('rectified-flow', 25);
    expect(maxAbs(sample('euler', seededNoise(dim, 4), flow, denoise), point)).toBeLessThan(1e-5);
  });

  it('the Euler flow step equals the DDIM step for consistent predictions', () => {
    const x0 = Float32Array.from([0.3, -0.7]);
    const eps = Float32Array.from([1.2, 0.4]);
    const from = { alpha: 0.6, sigma: 0.8 };
    const to = { alpha: 0.9, sigma: Math.sqrt(1 - 0.81) };
    const x = x0.map((v, i) => from.alpha * v + from.sigma * eps[i]);
    expect(maxAbs(eulerFlowStep(x, { x0, eps }, from, to), ddimStep({ x0, eps }, to))).toBeLessThan(1e-6);
  });

  it('the DDPM step has the posterior mean and variance of q(x_s | x_t, x0)', () => {
    const from = { alpha: 0.6, sigma: 0.8 };
    const to = { alpha: 0.8, sigma: 0.6 };
    const x = Float32Array.from([0.5]);
    const x0 = Float32Array.from([0.2]);
    const d = { x0, eps: Float32Array.from([(0.5 - 0.6 * 0.2) / 0.8]) };
    const mean = ddpmStep(x, d, from, to, Float32Array.from([0]))[0];
    const plus = ddpmStep(x, d, from, to, Float32Array.from([1]))[0];
    // VP with ᾱ_t = 0.36, ᾱ_s = 0.64: ᾱ_{t|s} = 0.5625, β = 0.4375; DDPM eq. 7.
    const aT = 0.36;
    const aS = 0.64;
    const beta = 1 - aT / aS;
    const mu = (Math.sqrt(aS) * beta * 0.2) / (1 - aT) + (Math.sqrt(1 - beta) * (1 - aS) * 0.5) / (1 - aT);
    expect(mean).toBeCloseTo(mu, 6);
    expect(plus - mean).toBeCloseTo(Math.sqrt(((1 - aS) / (1 - aT)) * beta), 6);
  });
});

describe('classifier-free guidance', () => {
  const cond = Float32Array.from([1, 2]);
  const uncond = Float32Array.from([0, 1]);
  it('combines ε_null + w·(ε_cond − ε_null) inside the interval', () => {
    expect(Array.from(guidedPrediction(cond, uncond, 3, { alpha: 0.6, sigma: 0.8 }, [0.5, 2]))).toEqual([3, 4]);
  });
  it('equals the conditional prediction outside the interval', () => {
    const outside: NoiseLevel[] = [{ alpha: 0.99, sigma: 0.1 }, { alpha: 0.1, sigma: 0.99 }, { alpha: 0, sigma: 1 }];
    for (const level of outside) expect(Array.from(guidedPrediction(cond, uncond, 3, level, [0.5, 2]))).toEqual([1, 2]);
  });
  it('decides the interval on σ/α (σ_EDM)', () => {
    expect(sigmaOverAlpha({ alpha: 0.5, sigma: 1 })).toBe(2);
    expect(guidanceActive({ alpha: 0.5, sigma: 1 }, [0.28, 5.42])).toBe(true);
    expect(guidanceActive({ alpha: 1, sigma: 0.1 }, [0.28, 5.42])).toBe(false);
    expect(guidanceActive({ alpha: 1, sigma: 0.1 })).toBe(true);
  });
});

describe('scheduleLevels', () => {
  it('gives steps + 1 levels from the noisiest t = 1 down to the clean level', () => {
    const levels = scheduleLevels('rectified-flow', 4);
    expect(levels).toHaveLength(5);
    expect(levels[0]).toEqual({ alpha: 0, sigma: 1 });
    expect(levels[2].sigma).toBeCloseTo(0.5, 12);
    expect(levels[4]).toEqual({ alpha: 1, sigma: 0 });
  });
  it('with leading spacing starts at diffusers’ DDIM timesteps (20 steps: 950, 900, …, 0 of 1000)', () => {
    const levels = scheduleLevels('rectified-flow', 20, {}, 'leading');
    expect(levels).toHaveLength(21);
    expect(levels[0].sigma).toBeCloseTo(0.951, 12);
    expect(levels[1].sigma).toBeCloseTo(0.901, 12);
    expect(levels[19].sigma).toBeCloseTo(0.001, 12);
    expect(levels[20]).toEqual({ alpha: 1, sigma: 0 });
  });
  it('with leading spacing divides first, as diffusers: timesteps k·(N // steps) reversed, also when steps does not divide N', () => {
    // diffusers DDIMScheduler.set_timesteps, timestep_spacing 'leading' (steps_offset 0):
    //   step_ratio = num_train_timesteps // num_inference_steps
    //   timesteps = (np.arange(0, num_inference_steps) * step_ratio).round()[::-1]
    const diffusers = (n: number, steps: number) => Array.from({ length: steps }, (_, k) => (steps - 1 - k) * Math.floor(n / steps));
    expect(diffusers(1000, 7)).toEqual([852, 710, 568, 426, 284, 142, 0]);
    expect(diffusers(1000, 30).slice(0, 3)).toEqual([957, 924, 891]);
    const { alphasCumprod } = discreteOf('ddpm-linear');
    for (const steps of [7, 30, 20, 3]) {
      const levels = scheduleLevels('ddpm-linear', steps, {}, 'leading');
      diffusers(1000, steps).forEach((i, k) => expect(levels[k].alpha, `${steps} ${k}`).toBe(Math.sqrt(alphasCumprod[i])));
    }
    // On a 500-step schedule the grid is 500: 500 // 7 = 71.
    const short = discreteOf('ddpm-linear', { steps: 500 }).alphasCumprod;
    expect(scheduleLevels('ddpm-linear', 7, { steps: 500 }, 'leading')[0].alpha).toBe(Math.sqrt(short[6 * 71]));
  });
});
