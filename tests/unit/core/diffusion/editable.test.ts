import { describe, expect, it } from 'vitest';
import { monotoneCubic, monotoneLogSnr, vpFromLogSnr } from '../../../../src/core/diffusion/editable';
import { mulberry32 } from '../../../../src/core/random';

/** Largest increase of f between consecutive points of a fine t grid (0 for a non-increasing f). */
function worstIncrease(f: (t: number) => number, n = 5000): number {
  let worst = 0;
  let prev = f(-0.1);
  for (let i = 0; i <= n; i++) {
    const y = f(-0.1 + (1.2 * i) / n);
    worst = Math.max(worst, y - prev);
    prev = y;
  }
  return worst;
}

describe('monotoneLogSnr (user-editable schedule)', () => {
  it('passes through monotone control points exactly (tol 1e-12)', () => {
    const pts = [{ t: 0, logSnr: 10 }, { t: 0.25, logSnr: 4 }, { t: 0.5, logSnr: 0 }, { t: 1, logSnr: -10 }];
    const f = monotoneLogSnr(pts);
    for (const p of pts) expect(f(p.t)).toBeCloseTo(p.logSnr, 12);
  });

  it('stays monotone non-increasing (exactly, no tolerance) for adversarial control points', () => {
    const rand = mulberry32(7);
    const cases = [
      // increasing λ, zig-zag, duplicates in t, unsorted, a near-vertical drop, one flat stretch
      [{ t: 0, logSnr: -5 }, { t: 0.5, logSnr: 0 }, { t: 1, logSnr: 5 }],
      [{ t: 0, logSnr: 5 }, { t: 0.2, logSnr: 8 }, { t: 0.4, logSnr: -2 }, { t: 0.6, logSnr: 3 }, { t: 1, logSnr: -6 }],
      [{ t: 0.5, logSnr: 1 }, { t: 0.5, logSnr: 3 }, { t: 0.5, logSnr: -1 }, { t: 0, logSnr: 2 }, { t: 1, logSnr: -4 }],
      [{ t: 0.9, logSnr: -3 }, { t: 0.1, logSnr: 6 }, { t: 0.3, logSnr: 6 }, { t: 0.31, logSnr: -8 }, { t: 0.7, logSnr: -8.5 }],
      [{ t: 0, logSnr: 12 }, { t: 1e-9, logSnr: -12 }, { t: 1, logSnr: -12.0001 }],
      Array.from({ length: 40 }, () => ({ t: rand(), logSnr: 20 * rand() - 10 })),
    ];
    for (const pts of cases) expect(worstIncrease(monotoneLogSnr(pts))).toBe(0);
  });

  it('enforces monotonicity by a running minimum after sorting by t', () => {
    const f = monotoneLogSnr([{ t: 1, logSnr: -4 }, { t: 0, logSnr: 2 }, { t: 0.5, logSnr: 5 }]);
    // sorted: (0, 2), (0.5, 5 → clamped to 2), (1, −4)
    expect(f(0)).toBe(2);
    expect(f(0.5)).toBe(2);
    expect(f(0.25)).toBe(2);
    expect(f(1)).toBe(-4);
  });

  it('holds the end values outside the control range, and a single point is a constant', () => {
    const f = monotoneLogSnr([{ t: 0.2, logSnr: 3 }, { t: 0.8, logSnr: -3 }]);
    expect(f(0)).toBe(3);
    expect(f(1)).toBe(-3);
    expect(monotoneLogSnr([{ t: 0.3, logSnr: 1.5 }])(0.9)).toBe(1.5);
  });

  it('rejects non-finite control points and an empty list', () => {
    expect(() => monotoneLogSnr([])).toThrow(RangeError);
    expect(() => monotoneLogSnr([{ t: 0, logSnr: Infinity }])).toThrow(RangeError);
    expect(() => monotoneLogSnr([{ t: NaN, logSnr: 0 }])).toThrow(RangeError);
  });

  it('reproduces a straight line exactly (Fritsch–Carlson keeps linear data linear, tol 1e-12)', () => {
    const f = monotoneLogSnr([{ t: 0, logSnr: 8 }, { t: 0.3, logSnr: 3.2 }, { t: 1, logSnr: -8 }]);
    for (const t of [0.1, 0.45, 0.8]) expect(f(t)).toBeCloseTo(8 - 16 * t, 12);
  });
});

describe('monotoneCubic slope', () => {
  it('matches a central difference of the value (tol 1e-6)', () => {
    const xs = [0, 0.1, 0.35, 0.6, 1];
    const ys = [9, 5, 1, -2, -9];
    const f = monotoneCubic(xs, ys);
    for (const x of [0.05, 0.2, 0.5, 0.8]) {
      const h = 1e-6;
      expect(f.slope(x)).toBeCloseTo((f.value(x + h) - f.value(x - h)) / (2 * h), 6);
    }
  });
});

describe('vpFromLogSnr', () => {
  it('gives α² = sigmoid(λ), σ² = sigmoid(−λ), α² + σ² = 1 (tol 1e-15) and the exact ends at ±∞', () => {
    for (const l of [-30, -2, 0, 1.5, 30]) {
      const { alpha, sigma } = vpFromLogSnr(l);
      expect(alpha * alpha).toBeCloseTo(1 / (1 + Math.exp(-l)), 15);
      expect(Math.abs(alpha * alpha + sigma * sigma - 1)).toBeLessThan(1e-15);
    }
    expect(vpFromLogSnr(Infinity)).toEqual({ alpha: 1, sigma: 0 });
    expect(vpFromLogSnr(-Infinity)).toEqual({ alpha: 0, sigma: 1 });
  });
});
