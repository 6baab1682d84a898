import { describe, expect, it } from 'vitest';
import { stepOfT, tOfStep } from '../../../../src/core/conventions';
import {
  SCHEDULE_KINDS,
  discreteOf,
  edmSigmaOfT,
  isVariancePreserving,
  logSnrFromAlphaSigma,
  monotoneLogSnr,
  scheduleAt,
  scheduleCurve,
  tOfLogSnr,
  type ScheduleSpec,
} from '../../../../src/core/diffusion/schedules';

const edited = monotoneLogSnr([{ t: 0, logSnr: 9 }, { t: 0.4, logSnr: 1 }, { t: 1, logSnr: -9 }]);
const ALL: ScheduleSpec[] = [...SCHEDULE_KINDS, edited];
const name = (k: ScheduleSpec) => (typeof k === 'function' ? 'editable' : k);

describe('scheduleAt: one continuous view of every schedule', () => {
  it('variance-preserving schedules have α² + σ² = 1 (tol 1e-12) at every t', () => {
    for (const kind of ALL.filter(isVariancePreserving)) {
      for (let i = 0; i <= 200; i++) {
        const { alpha, sigma } = scheduleAt(kind, i / 200);
        expect(Math.abs(alpha * alpha + sigma * sigma - 1), name(kind)).toBeLessThan(1e-12);
      }
    }
  });

  it('λ is non-increasing in t for every schedule, and strictly decreasing for the continuous kinds', () => {
    for (const kind of ALL) {
      const c = scheduleCurve(kind, 2001);
      for (let i = 1; i < c.t.length; i++) {
        if (kind === 'rectified-flow' || kind === 'sd3' || kind === 'edm') expect(c.logSnr[i], name(kind)).toBeLessThan(c.logSnr[i - 1]);
        else expect(c.logSnr[i], name(kind)).toBeLessThanOrEqual(c.logSnr[i - 1]);
      }
    }
  });

  it('λ, α, σ and σ_EDM agree: λ = log(α²/σ²) and σ_EDM = e^{−λ/2} (relative tol 1e-12)', () => {
    for (const kind of ALL) {
      for (const t of [0.01, 0.3, 0.5, 0.77, 0.99]) {
        const p = scheduleAt(kind, t);
        expect(logSnrFromAlphaSigma(p.alpha, p.sigma), `${name(kind)} t=${t}`).toBeCloseTo(p.logSnr, 10);
        expect(Math.abs(p.sigmaEdm / Math.exp(-p.logSnr / 2) - 1)).toBeLessThan(1e-12);
      }
    }
  });

  it('discrete schedules read step stepOfT(t, N): t = (i+1)/N gives ᾱ_i exactly', () => {
    const s = discreteOf('scaled-linear');
    for (const i of [0, 1, 499, 998, 999]) {
      const p = scheduleAt('scaled-linear', tOfStep(i, 1000));
      expect(p.alpha * p.alpha).toBeCloseTo(s.alphasCumprod[i], 15);
      expect(stepOfT(tOfStep(i, 1000), 1000)).toBe(i);
    }
    expect(scheduleAt('scaled-linear', 0).logSnr).toBe(s.logSnr[0]);
  });

  it('handles the infinite ends explicitly: RF/SD3 λ(0) = +∞, λ(1) = −∞; zero-terminal-SNR λ(1) = −∞', () => {
    for (const kind of ['rectified-flow', 'sd3'] as const) {
      expect(scheduleAt(kind, 0)).toEqual({ alpha: 1, sigma: 0, logSnr: Infinity, sigmaEdm: 0 });
      expect(scheduleAt(kind, 1)).toEqual({ alpha: 0, sigma: 1, logSnr: -Infinity, sigmaEdm: Infinity });
    }
    expect(scheduleAt('cosine-zsnr', 1)).toEqual({ alpha: 0, sigma: 1, logSnr: -Infinity, sigmaEdm: Infinity });
    expect(Number.isFinite(scheduleAt('cosine', 1).logSnr)).toBe(true);
    expect(scheduleAt('cosine-zsnr', 0).logSnr).toBeCloseTo(scheduleAt('cosine', 0).logSnr, 9);
    expect(logSnrFromAlphaSigma(1, 0)).toBe(Infinity);
    expect(logSnrFromAlphaSigma(0, 1)).toBe(-Infinity);
    expect(() => logSnrFromAlphaSigma(0, 0)).toThrow(RangeError);
    expect(() => scheduleAt('edm', 1.5)).toThrow(RangeError);
  });

  it('EDM ρ-schedule: t = 0 is σ_min = 0.002, t = 1 is σ_max = 80 (tol 1e-12 relative), α = 1', () => {
    expect(Math.abs(scheduleAt('edm', 0).sigma / 0.002 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(scheduleAt('edm', 1).sigma / 80 - 1)).toBeLessThan(1e-12);
    expect(scheduleAt('edm', 0.5).alpha).toBe(1);
    expect(scheduleAt('edm', 1).logSnr).toBeCloseTo(-2 * Math.log(80), 12);
    // Karras et al. eq. 5 with n = 18 steps: σ_i = (σ_max^{1/ρ} + i/(n−1)(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ at t = 1 − i/(n−1).
    const n = 18;
    for (const i of [0, 5, 17]) {
      const karras = (80 ** (1 / 7) + (i / (n - 1)) * (0.002 ** (1 / 7) - 80 ** (1 / 7))) ** 7;
      expect(Math.abs(edmSigmaOfT(1 - i / (n - 1)) / karras - 1)).toBeLessThan(1e-12);
    }
  });

  it('rectified flow: α = 1 − t, σ = t, λ(0.5) = 0 exactly', () => {
    const p = scheduleAt('rectified-flow', 0.5);
    expect(p).toEqual({ alpha: 0.5, sigma: 0.5, logSnr: 0, sigmaEdm: 1 });
    expect(scheduleAt('rectified-flow', 0.2).logSnr).toBeCloseTo(2 * Math.log(4), 14);
  });

  it('SD3 with shift s = 1 equals rectified flow; shift s moves λ down by exactly 2 ln s (tol 1e-10: 1 − t′ loses digits near t = 1)', () => {
    for (const t of [0.001, 0.1, 0.5, 0.9, 0.999]) {
      expect(scheduleAt('sd3', t, { shift: 1 })).toEqual(scheduleAt('rectified-flow', t));
      expect(scheduleAt('sd3', t, { shift: 3 }).logSnr).toBeCloseTo(scheduleAt('rectified-flow', t).logSnr - 2 * Math.log(3), 10);
    }
    // t' = 3·0.5/(1 + 2·0.5) = 0.75.
    expect(scheduleAt('sd3', 0.5).sigma).toBeCloseTo(0.75, 15);
  });

  it('tOfLogSnr inverts λ(t) (tol 1e-9 in λ) for continuous, editable and discrete schedules', () => {
    for (const kind of ['rectified-flow', 'sd3', 'edm', edited] as ScheduleSpec[]) {
      for (const t of [0.05, 0.3, 0.6, 0.95]) {
        const l = scheduleAt(kind, t).logSnr;
        expect(scheduleAt(kind, tOfLogSnr(kind, l)).logSnr, name(kind)).toBeCloseTo(l, 9);
      }
    }
    // Discrete: the inverse lands on the node of step i when λ = λ_i.
    const s = discreteOf('ddpm-linear');
    for (const i of [0, 10, 500, 998]) expect(tOfLogSnr('ddpm-linear', s.logSnr[i])).toBeCloseTo(tOfStep(i, 1000), 9);
  });

  it('scheduleCurve samples n evenly spaced t from 0 to 1 inclusive', () => {
    const c = scheduleCurve('cosine', 11);
    expect(Array.from(c.t)).toEqual(Array.from({ length: 11 }, (_, i) => i / 10));
    expect(c.logSnr[0]).toBe(scheduleAt('cosine', 0).logSnr);
    expect(() => scheduleCurve('cosine', 1)).toThrow(RangeError);
  });
});
