import { describe, expect, it } from 'vitest';
import { CLEAN_LEVEL, clampLevel, levelAt, levelLogSnr, levelSigmaEdm, samplerLevels } from '../../../../src/core/diffusion/levels';
import { monotoneLogSnr, scheduleAt, SCHEDULE_KINDS, type ScheduleSpec } from '../../../../src/core/diffusion/schedules';

const edited = monotoneLogSnr([{ t: 0, logSnr: 9 }, { t: 0.4, logSnr: 1 }, { t: 1, logSnr: -9 }]);
const ALL: ScheduleSpec[] = [...SCHEDULE_KINDS, edited];
const name = (k: ScheduleSpec) => (typeof k === 'function' ? 'editable' : k);

describe('levelAt and what a level says', () => {
  it('gives the schedule’s own α and σ at t, for every schedule', () => {
    for (const kind of ALL) {
      for (const t of [0.001, 0.25, 0.5, 0.999]) {
        const p = scheduleAt(kind, t, { shift: 3 });
        expect(levelAt(kind, t, { shift: 3 }), name(kind)).toEqual({ alpha: p.alpha, sigma: p.sigma });
      }
    }
  });

  it('reads λ and σ_EDM = σ/α = e^{−λ/2} off a level, with the clean and pure-noise ends explicit', () => {
    const l = { alpha: 0.6, sigma: 0.8 };
    expect(levelLogSnr(l)).toBeCloseTo(2 * Math.log(0.6 / 0.8), 12);
    expect(levelSigmaEdm(l)).toBeCloseTo(Math.exp(-levelLogSnr(l) / 2), 12);
    expect(levelSigmaEdm(CLEAN_LEVEL)).toBe(0);
    expect(levelLogSnr(CLEAN_LEVEL)).toBe(Infinity);
    expect(levelSigmaEdm({ alpha: 0, sigma: 1 })).toBe(Infinity);
  });
});

describe('clampLevel', () => {
  it('leaves a level inside the range alone', () => {
    const l = { alpha: 0.6, sigma: 0.8 };
    expect(clampLevel(l, [-10, 10])).toEqual({ level: l, clamped: false });
  });

  it('moves λ to the nearest edge and keeps the scale √(α² + σ²) (tol 1e-12)', () => {
    const rf = { alpha: 0, sigma: 1 }; // rectified flow at t = 1: λ = −∞
    const low = clampLevel(rf, [-12, 12]);
    expect(low.clamped).toBe(true);
    expect(levelLogSnr(low.level)).toBeCloseTo(-12, 10);
    expect(Math.hypot(low.level.alpha, low.level.sigma)).toBeCloseTo(1, 12);
    const edm = { alpha: 1, sigma: 80 }; // λ ≈ −8.76, scale ≈ 80
    const e = clampLevel(edm, [-5, 5]);
    expect(levelLogSnr(e.level)).toBeCloseTo(-5, 10);
    expect(Math.hypot(e.level.alpha, e.level.sigma)).toBeCloseTo(Math.hypot(1, 80), 9);
    const clean = clampLevel(CLEAN_LEVEL, [-10, 10]);
    expect(levelLogSnr(clean.level)).toBeCloseTo(10, 10);
  });

  it('refuses an empty range', () => {
    expect(() => clampLevel(CLEAN_LEVEL, [1, 0])).toThrow(RangeError);
  });
});

describe('samplerLevels: the sampler’s noise levels from the panel’s schedule', () => {
  it('has steps + 1 levels, from the schedule at t = 1 down to exactly α = 1, σ = 0, evenly spaced in t', () => {
    for (const kind of ['ddpm-linear', 'edm', 'sd3'] as const) {
      const levels = samplerLevels(kind, 10, { shift: 3 });
      expect(levels, kind).toHaveLength(11);
      expect(levels[0], kind).toEqual(levelAt(kind, 1, { shift: 3 }));
      expect(levels[5], kind).toEqual(levelAt(kind, 0.5, { shift: 3 }));
      expect(levels[10], kind).toEqual({ alpha: 1, sigma: 0 });
    }
  });

  it('goes from noisiest to cleanest: λ strictly increases along the levels, for every schedule', () => {
    for (const kind of ALL) {
      const lambdas = samplerLevels(kind, 50, { minLogSnr: -15 }).map(levelLogSnr);
      for (let i = 1; i < lambdas.length; i++) expect(lambdas[i], name(kind)).toBeGreaterThan(lambdas[i - 1]);
    }
  });

  it('a 1000-step sampler on a 1000-step DDPM schedule visits every training step once, last to first', () => {
    const levels = samplerLevels('cosine', 1000);
    expect(levels).toHaveLength(1001);
    for (const i of [0, 1, 500, 999]) expect(levels[999 - i]).toEqual(levelAt('cosine', (i + 1) / 1000));
  });

  it('one step goes from the noisiest level straight to clean', () => {
    expect(samplerLevels('cosine', 1)).toEqual([levelAt('cosine', 1), { alpha: 1, sigma: 0 }]);
  });

  it('starts where λ reaches minLogSnr when t = 1 is noisier (λ = −∞ for flows and zero terminal SNR), never below it', () => {
    for (const kind of ['rectified-flow', 'sd3', 'cosine-zsnr'] as const) {
      const levels = samplerLevels(kind, 20, { minLogSnr: -10, shift: 3 });
      expect(levelLogSnr(levels[0]), kind).toBeCloseTo(-10, 6);
      for (const l of levels) expect(levelLogSnr(l), kind).toBeGreaterThanOrEqual(-10 - 1e-9);
      expect(levels, kind).toHaveLength(21);
    }
    // EDM's noisiest level (σ 80, λ ≈ −8.76) is inside [−10, ∞): the start stays at t = 1.
    expect(samplerLevels('edm', 4, { minLogSnr: -10 })[0]).toEqual(levelAt('edm', 1));
  });

  it('drops repeated levels where a discrete schedule has fewer steps than the sampler in the range', () => {
    // Starting where λ = 5 leaves only the first few training steps of the cosine schedule for 100 steps.
    const levels = samplerLevels('cosine', 100, { minLogSnr: 5 });
    expect(levels.length).toBeLessThan(101);
    for (let i = 1; i < levels.length; i++) expect(levels[i]).not.toEqual(levels[i - 1]);
    expect(levels[levels.length - 1]).toEqual({ alpha: 1, sigma: 0 });
  });

  it('refuses a step count that is not a positive integer', () => {
    expect(() => samplerLevels('cosine', 0)).toThrow(RangeError);
    expect(() => samplerLevels('cosine', 2.5)).toThrow(RangeError);
  });
});
