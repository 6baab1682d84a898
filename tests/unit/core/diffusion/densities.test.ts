import { describe, expect, it } from 'vitest';
import {
  edmLogNormalDensityOfLogSnr,
  logitNormalDensityOfLogSnr,
  normalDensity,
  uniformTDensityOfLogSnr,
} from '../../../../src/core/diffusion/densities';
import { discreteOf, logSnrAt, monotoneLogSnr, type ScheduleSpec } from '../../../../src/core/diffusion/schedules';
import { gaussian, mulberry32 } from '../../../../src/core/random';

/** ∫ f over [a, b] by the midpoint rule with n cells. */
function integrate(f: (x: number) => number, a: number, b: number, n = 200000): number {
  const h = (b - a) / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += f(a + (i + 0.5) * h);
  return s * h;
}

const rfLogSnr = (t: number) => 2 * (Math.log1p(-t) - Math.log(t));
const logit = (t: number) => Math.log(t / (1 - t));

describe('training densities of λ', () => {
  it('EDM: ln σ ~ N(−1.2, 1.2²) gives λ = −2 ln σ ~ N(2.4, 2.4²) (change of variables, tol 1e-15)', () => {
    for (const l of [-6, 0, 2.4, 7, 12]) {
      const viaSigma = normalDensity(-l / 2, -1.2, 1.2) / 2; // p_λ(λ) = p_{ln σ}(−λ/2)·|d ln σ/dλ|
      expect(edmLogNormalDensityOfLogSnr(l)).toBeCloseTo(viaSigma, 15);
      expect(edmLogNormalDensityOfLogSnr(l)).toBeCloseTo(normalDensity(l, 2.4, 2.4), 15);
    }
  });

  it('SD3: logit(t) ~ N(m, s²) on the shifted rectified flow gives λ ~ N(−2m − 2 ln shift, 4s²) (vs. change of variables, tol 1e-7)', () => {
    for (const [m, s, shift] of [[0, 1, 1], [0, 1, 3], [0.5, 0.8, 3], [-0.3, 1.3, 2]]) {
      for (const l of [-8, -2.2, 0, 3, 9]) {
        // λ(t) = λ_RF(t') with t' = k·t/(1 + (k−1)t); invert numerically and differentiate numerically.
        const lambdaOfT = (t: number) => rfLogSnr((shift * t) / (1 + (shift - 1) * t));
        let lo = 1e-15, hi = 1 - 1e-15;
        for (let it = 0; it < 200; it++) {
          const mid = (lo + hi) / 2;
          if (lambdaOfT(mid) > l) lo = mid;
          else hi = mid;
        }
        const t = (lo + hi) / 2;
        const h = 1e-6 * t * (1 - t);
        const dldt = (lambdaOfT(t + h) - lambdaOfT(t - h)) / (2 * h);
        const pT = normalDensity(logit(t), m, s) / (t * (1 - t)); // logit-normal density of t
        expect(logitNormalDensityOfLogSnr(l, m, s, shift)).toBeCloseTo(pT / Math.abs(dldt), 7);
      }
    }
  });

  it('SD3: Monte Carlo λ of 200 000 logit-normal draws with shift 3 has mean −2 ln 3 (±0.02) and std 2 (±1 %)', () => {
    const g = gaussian(mulberry32(11));
    const shift = 3;
    let s1 = 0, s2 = 0;
    const n = 200000;
    for (let i = 0; i < n; i++) {
      const t = 1 / (1 + Math.exp(-g()));
      const l = rfLogSnr((shift * t) / (1 + (shift - 1) * t));
      s1 += l;
      s2 += l * l;
    }
    const mean = s1 / n;
    expect(Math.abs(mean + 2 * Math.log(3))).toBeLessThan(0.02);
    expect(Math.abs(Math.sqrt(s2 / n - mean * mean) / 2 - 1)).toBeLessThan(0.01);
  });
});

describe('density of λ under uniform t', () => {
  it('integrates to 1 for rectified flow, SD3 and EDM (tol 1e-4)', () => {
    for (const kind of ['rectified-flow', 'sd3', 'edm'] as const) {
      expect(integrate((l) => uniformTDensityOfLogSnr(kind, l), -60, 60), kind).toBeCloseTo(1, 4);
    }
  });

  it('rectified flow: p(λ) = 1/|dλ/dt| = ⅛·sech²(λ/4) (tol 1e-12), and SD3 is it shifted by 2 ln s', () => {
    for (const l of [-10, -1, 0, 2, 10]) {
      expect(uniformTDensityOfLogSnr('rectified-flow', l)).toBeCloseTo(1 / (8 * Math.cosh(l / 4) ** 2), 12);
      expect(uniformTDensityOfLogSnr('sd3', l, { shift: 3 })).toBeCloseTo(uniformTDensityOfLogSnr('rectified-flow', l + 2 * Math.log(3)), 12);
    }
  });

  it('EDM ρ-schedule: p = 1/|dλ/dt| by finite differences (tol 1e-6) and 0 outside [σ_min, σ_max]', () => {
    for (const t of [0.1, 0.5, 0.9]) {
      const h = 1e-6;
      const dldt = (logSnrAt('edm', t + h) - logSnrAt('edm', t - h)) / (2 * h);
      expect(uniformTDensityOfLogSnr('edm', logSnrAt('edm', t))).toBeCloseTo(1 / Math.abs(dldt), 6);
    }
    expect(uniformTDensityOfLogSnr('edm', -2 * Math.log(81))).toBe(0);
    expect(uniformTDensityOfLogSnr('edm', -2 * Math.log(0.0019))).toBe(0);
  });

  it('an editable λ(t) gets the numerical density; for λ_RF(t) it matches the closed form (tol 1e-6)', () => {
    const custom: ScheduleSpec = rfLogSnr;
    for (const l of [-6, -1, 0, 3, 7]) {
      expect(uniformTDensityOfLogSnr(custom, l)).toBeCloseTo(uniformTDensityOfLogSnr('rectified-flow', l), 6);
    }
    // A straight λ(t) from 6 to −6 is uniform in λ: p = 1/12 inside, 0 outside.
    const line = monotoneLogSnr([{ t: 0, logSnr: 6 }, { t: 1, logSnr: -6 }]);
    expect(uniformTDensityOfLogSnr(line, 1)).toBeCloseTo(1 / 12, 9);
    expect(uniformTDensityOfLogSnr(line, 7)).toBe(0);
  });

  it('discrete: p(λ_i) is step i’s own density 2/(N·(λ_{i−1} − λ_{i+1})) (one-sided at the ends), ln p linear in between (tol 1e-12)', () => {
    for (const kind of ['ddpm-linear', 'scaled-linear', 'cosine', 'cosine-zsnr'] as const) {
      const { logSnr: l, steps: n } = discreteOf(kind);
      const last = Number.isFinite(l[n - 1]) ? n - 1 : n - 2;
      const step = (i: number) => (i === 0 ? 1 / (n * (l[0] - l[1])) : i === last ? 1 / (n * (l[last - 1] - l[last])) : 2 / (n * (l[i - 1] - l[i + 1])));
      for (const i of [0, 1, 2, 100, 500, last - 1, last]) {
        expect(Math.abs(uniformTDensityOfLogSnr(kind, l[i]) / step(i) - 1), `${kind} ${i}`).toBeLessThan(1e-12);
      }
      for (const i of [0, 300, last - 1]) {
        const mid = (l[i] + l[i + 1]) / 2;
        expect(Math.abs(uniformTDensityOfLogSnr(kind, mid) / Math.sqrt(step(i) * step(i + 1)) - 1), `${kind} ${i}½`).toBeLessThan(1e-12);
      }
      expect(uniformTDensityOfLogSnr(kind, l[0] + 1e-9)).toBe(0);
      expect(uniformTDensityOfLogSnr(kind, l[last] - 1e-9)).toBe(0);
    }
  });

  it('discrete: p never rises with λ inside the first step (the old cubic’s end slope made it dip and rise by 6.8 % on scaled-linear)', () => {
    for (const kind of ['ddpm-linear', 'scaled-linear', 'cosine', 'cosine-zsnr'] as const) {
      const { logSnr: l } = discreteOf(kind);
      let prev = Infinity;
      for (let k = 0; k <= 400; k++) {
        const p = uniformTDensityOfLogSnr(kind, l[1] + ((l[0] - l[1]) * k) / 400);
        expect(p, `${kind} ${k}`).toBeLessThanOrEqual(prev * (1 + 1e-12));
        prev = p;
      }
    }
  });

  it('discrete: the mass between λ_last and λ_0 is (n−1)/N within 1e-3 relative; each interior step carries 1/N within 7 %', () => {
    for (const kind of ['ddpm-linear', 'scaled-linear', 'cosine', 'cosine-zsnr'] as const) {
      const { logSnr: l, steps: n } = discreteOf(kind);
      const last = Number.isFinite(l[n - 1]) ? n - 1 : n - 2;
      let total = 0;
      for (let i = 0; i < last; i++) {
        const mass = integrate((x) => uniformTDensityOfLogSnr(kind, x), l[i + 1], l[i], 50);
        if (i >= 2 && i < last - 2) expect(Math.abs(mass * n - 1), `${kind} ${i}`).toBeLessThan(0.07);
        total += mass;
      }
      expect(Math.abs(total / (last / n) - 1), kind).toBeLessThan(1e-3);
    }
    expect(uniformTDensityOfLogSnr('ddpm-linear', 20)).toBe(0);
  });
});
