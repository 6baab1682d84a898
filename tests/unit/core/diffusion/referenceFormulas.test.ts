// The schedule and weighting functions named after diffusers, k-diffusion and SD3, against their defining
// formulas written out here again (plain loops in float64) and against published values.
import { describe, expect, it } from 'vitest';
import { ddpmAlphasCumprod, karrasSigmas, shiftTimestep } from '../../../../src/core/diffusion/schedules';
import { minSnrWeight } from '../../../../src/core/diffusion/weighting';

// diffusers, src/diffusers/schedulers/scheduling_ddpm.py:
//   linear:        betas = torch.linspace(beta_start, beta_end, N)
//   scaled_linear: betas = torch.linspace(beta_start**0.5, beta_end**0.5, N) ** 2
//   alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)
//   rescale_zero_terminal_snr(betas): s = sqrt(cumprod(1 − betas)); s −= s[-1]; s *= s[0]/(s[0] − s[-1]) (the
//   old ends); alphas_bar = s²; betas = 1 − alphas_bar[i]/alphas_bar[i − 1] (1 − alphas_bar[0] first)
const ref = {
  linspace: (a: number, b: number, n: number) => Array.from({ length: n }, (_, i) => (n === 1 ? a : a + (i * (b - a)) / (n - 1))),
  cumprod(betas: number[]): number[] {
    let p = 1;
    return betas.map((b) => (p *= 1 - b));
  },
  betas(kind: 'linear' | 'scaled_linear', n: number, start: number, end: number): number[] {
    return kind === 'linear' ? ref.linspace(start, end, n) : ref.linspace(Math.sqrt(start), Math.sqrt(end), n).map((b) => b * b);
  },
  rescaleBetas(betas: number[]): number[] {
    const s = ref.cumprod(betas).map(Math.sqrt);
    const s0 = s[0];
    const sT = s[s.length - 1];
    const ab = s.map((v) => (((v - sT) * s0) / (s0 - sT)) ** 2);
    return ab.map((a, i) => 1 - (i === 0 ? a : a / ab[i - 1]));
  },
  // k-diffusion, k_diffusion/sampling.py get_sigmas_karras (before append_zero):
  //   ramp = torch.linspace(0, 1, n); sigmas = (max_inv_rho + ramp * (min_inv_rho - max_inv_rho)) ** rho
  karras(n: number, sigmaMin: number, sigmaMax: number, rho: number): number[] {
    const lo = sigmaMin ** (1 / rho);
    const hi = sigmaMax ** (1 / rho);
    return ref.linspace(0, 1, n).map((r) => (hi + r * (lo - hi)) ** rho);
  },
  // diffusers' train_text_to_image.py: min(snr, γ), then / snr (epsilon) or / (snr + 1) (v_prediction).
  minSnr(snr: number, gamma: number, type: 'epsilon' | 'sample' | 'v_prediction'): number {
    const m = Math.min(snr, gamma);
    return type === 'epsilon' ? m / snr : type === 'v_prediction' ? m / (snr + 1) : m;
  },
};

const maxRelDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1e-300));
  return m;
};

describe('ddpmAlphasCumprod', () => {
  it('is the cumulative product of 1 − β for linear (1e-4 → 0.02) and scaled_linear ((√0.00085 → √0.012)²), 1000 steps', () => {
    const lin = ddpmAlphasCumprod('linear');
    const sd = ddpmAlphasCumprod('scaled_linear');
    expect(lin).toHaveLength(1000);
    expect(sd).toHaveLength(1000);
    expect(maxRelDiff(lin, ref.cumprod(ref.betas('linear', 1000, 1e-4, 0.02)))).toBeLessThan(1e-12);
    expect(maxRelDiff(sd, ref.cumprod(ref.betas('scaled_linear', 1000, 0.00085, 0.012)))).toBeLessThan(1e-12);
    expect(lin[0]).toBeCloseTo(1 - 1e-4, 15);
    expect(sd[0]).toBeCloseTo(1 - 0.00085, 15);
  });

  // Lin et al. 2023, Table 1: terminal √ᾱ of DDPM's linear schedule 0.006353, of Stable Diffusion's 0.068265.
  it('ends at the published terminal values: linear ᾱ_999 ≈ 4.04e-5, scaled_linear ᾱ_999 ≈ 0.00466 (√ = 0.068)', () => {
    const lin = ddpmAlphasCumprod('linear');
    const sd = ddpmAlphasCumprod('scaled_linear');
    expect(Math.sqrt(lin[999])).toBeCloseTo(0.006353, 6);
    expect(Math.abs(lin[999] / 4.04e-5 - 1)).toBeLessThan(0.005);
    expect(Math.sqrt(sd[999])).toBeCloseTo(0.068265, 6);
    expect(sd[999]).toBeCloseTo(0.0047, 4);
  });

  it('takes the step count and β range, and the app’s names for the same schedules', () => {
    const a = ddpmAlphasCumprod('scaled_linear', 50, { betaStart: 0.001, betaEnd: 0.03 });
    expect(a).toHaveLength(50);
    expect(maxRelDiff(a, ref.cumprod(ref.betas('scaled_linear', 50, 0.001, 0.03)))).toBeLessThan(1e-12);
    expect(ddpmAlphasCumprod('ddpm-linear', 300)).toEqual(ddpmAlphasCumprod('linear', 300));
    expect(ddpmAlphasCumprod('scaled-linear', 300)).toEqual(ddpmAlphasCumprod('scaled_linear', 300));
    expect(Array.from(ddpmAlphasCumprod('linear', 1))).toEqual([1 - 1e-4]);
  });

  it('with zero terminal SNR ends at exactly 0, keeps the first value exactly, and matches diffusers’ rescale', () => {
    for (const kind of ['linear', 'scaled_linear'] as const) {
      for (const steps of [1000, 20, 2]) {
        const plain = ddpmAlphasCumprod(kind, steps);
        const z = ddpmAlphasCumprod(kind, steps, { rescaleZeroTerminalSnr: true });
        const [start, end] = kind === 'linear' ? [1e-4, 0.02] : [0.00085, 0.012];
        const expected = ref.cumprod(ref.rescaleBetas(ref.betas(kind, steps, start, end)));
        expect(z).toHaveLength(steps);
        expect(z[steps - 1]).toBe(0);
        expect(z[0]).toBe(plain[0]);
        for (let i = 0; i < steps - 1; i++) expect(Math.abs(z[i] - expected[i])).toBeLessThan(1e-12 * expected[i] + 1e-15);
        for (let i = 1; i < steps; i++) expect(z[i]).toBeLessThan(z[i - 1]);
      }
    }
  });

  it('refuses step counts below 1 (or not whole), unknown schedules, β outside [0, 1], and one rescaled step', () => {
    for (const steps of [0, -3, 2.5, NaN]) expect(() => ddpmAlphasCumprod('linear', steps)).toThrow(RangeError);
    expect(() => ddpmAlphasCumprod('quadratic' as never)).toThrow(RangeError);
    expect(() => ddpmAlphasCumprod('linear', 10, { betaStart: -1e-4 })).toThrow(RangeError);
    expect(() => ddpmAlphasCumprod('scaled_linear', 10, { betaEnd: 1.5 })).toThrow(RangeError);
    expect(() => ddpmAlphasCumprod('linear', 1, { rescaleZeroTerminalSnr: true })).toThrow(RangeError);
  });
});

describe('karrasSigmas', () => {
  it('runs from σ_max = 80 down to σ_min = 0.002 in n values, without a trailing 0, as k-diffusion computes them', () => {
    for (const n of [2, 3, 18, 100]) {
      const s = karrasSigmas(n);
      expect(s).toHaveLength(n);
      expect(s[0]).toBe(80);
      expect(s[n - 1]).toBe(0.002);
      for (let i = 1; i < n; i++) expect(s[i]).toBeLessThan(s[i - 1]);
      expect(maxRelDiff(s, ref.karras(n, 0.002, 80, 7))).toBeLessThan(1e-12);
    }
    expect(maxRelDiff(karrasSigmas(12, 0.03, 14.6, 5), ref.karras(12, 0.03, 14.6, 5))).toBeLessThan(1e-12);
  });

  it('is evenly spaced in σ^{1/ρ}: linear for ρ = 1, squares of evenly spaced roots for ρ = 2', () => {
    expect(Array.from(karrasSigmas(5, 0, 4, 1))).toEqual([4, 3, 2, 1, 0]);
    expect(Array.from(karrasSigmas(3, 1, 9, 2))).toEqual([9, 4, 1]);
    expect(Array.from(karrasSigmas(1))).toEqual([80]);
  });

  it('refuses fewer than one level, negative or inverted σ, and a non-positive ρ', () => {
    for (const n of [0, -1, 1.5]) expect(() => karrasSigmas(n)).toThrow(RangeError);
    expect(() => karrasSigmas(10, -0.002)).toThrow(RangeError);
    expect(() => karrasSigmas(10, 1, -80)).toThrow(RangeError);
    expect(() => karrasSigmas(10, 80, 0.002)).toThrow(RangeError);
    expect(() => karrasSigmas(10, 0.002, 80, 0)).toThrow(RangeError);
  });
});

describe('shiftTimestep', () => {
  it('is s·t/(1 + (s − 1)·t): 0.5 ↦ 0.75 at s = 3, the identity at s = 1, undone by 1/s', () => {
    expect(shiftTimestep(0.5, 3)).toBeCloseTo(0.75, 15);
    for (const t of [0.1, 0.25, 0.5, 0.9]) {
      expect(shiftTimestep(t, 1)).toBe(t);
      for (const s of [0.5, 3, 7.3]) {
        expect(shiftTimestep(t, s)).toBeCloseTo((s * t) / (1 + (s - 1) * t), 15);
        expect(shiftTimestep(shiftTimestep(t, s), 1 / s)).toBeCloseTo(t, 14);
        if (s > 1) expect(shiftTimestep(t, s)).toBeGreaterThan(t);
      }
    }
  });

  it('keeps 0 and 1 fixed for every shift', () => {
    for (const s of [0.1, 0.5, 1, 3, 7.3]) {
      expect(shiftTimestep(0, s)).toBe(0);
      expect(shiftTimestep(1, s)).toBe(1);
    }
  });

  it('refuses t outside [0, 1] and a shift that is not positive', () => {
    for (const t of [-0.1, 1.1, NaN]) expect(() => shiftTimestep(t, 3)).toThrow(RangeError);
    for (const s of [0, -2, NaN, Infinity]) expect(() => shiftTimestep(0.5, s)).toThrow(RangeError);
  });
});

describe('minSnrWeight', () => {
  it('is min(SNR, γ)/SNR for epsilon, min(SNR, γ) for sample and min(SNR, γ)/(SNR + 1) for v_prediction', () => {
    expect(minSnrWeight(10, 5, 'epsilon')).toBe(0.5);
    expect(minSnrWeight(10, 5, 'sample')).toBe(5);
    expect(minSnrWeight(10, 5, 'v_prediction')).toBeCloseTo(5 / 11, 15);
    expect(minSnrWeight(2, 5, 'epsilon')).toBe(1);
    expect(minSnrWeight(2, 5, 'v_prediction')).toBeCloseTo(2 / 3, 15);
    for (const type of ['epsilon', 'sample', 'v_prediction'] as const) {
      for (const gamma of [1, 5, 20]) {
        for (const snr of [1e-3, 0.5, 1, 4.9, 5, 5.1, 100, 1e4]) expect(minSnrWeight(snr, gamma, type)).toBeCloseTo(ref.minSnr(snr, gamma, type), 14);
      }
    }
  });

  it('refuses an unknown prediction type, a negative SNR and γ ≤ 0', () => {
    expect(() => minSnrWeight(1, 5, 'x0' as never)).toThrow(RangeError);
    expect(() => minSnrWeight(-1, 5, 'epsilon')).toThrow(RangeError);
    expect(() => minSnrWeight(1, 0, 'sample')).toThrow(RangeError);
  });
});
