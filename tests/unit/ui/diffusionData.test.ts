import { describe, expect, it } from 'vitest';
import { logSnrStrip, noisyRgba, seededNoise } from '../../../src/core/diffusion/forward';
import { scheduleAt } from '../../../src/core/diffusion/schedules';
import { pairMoments, rmsOf, STRIP_SIDE, stripFrames } from '../../../src/ui/panels/diffusion/diffusionData';
import { enforceMonotone } from '../../../src/ui/panels/diffusion/ScheduleEditor';

describe('target scale from moments', () => {
  it('equals the RMS of a·ε + b·x₀ computed value by value', () => {
    const x0 = seededNoise(999, 1).map((v) => Math.tanh(v));
    const eps = seededNoise(999, 2);
    const m = pairMoments(x0, eps);
    for (const [a, b] of [[1, 0], [0, 1], [0.6, -0.8], [1, -1]]) {
      let s = 0;
      for (let i = 0; i < x0.length; i++) s += (a * eps[i] + b * x0[i]) ** 2;
      expect(rmsOf(m, a, b)).toBeCloseTo(Math.sqrt(s / x0.length), 5);
    }
  });
});

describe('custom schedule points', () => {
  it('are sorted, pinned at t = 0 and 1, and never increase in λ', () => {
    const out = enforceMonotone([{ t: 0.7, logSnr: 3 }, { t: 0.2, logSnr: -1 }, { t: 0.1, logSnr: 9 }, { t: 0.9, logSnr: -20 }]);
    expect(out.map((p) => p.t)).toEqual([0, 0.2, 0.7, 1]);
    for (let i = 1; i < out.length; i++) expect(out[i].logSnr).toBeLessThanOrEqual(out[i - 1].logSnr);
    expect(out.at(-1)!.logSnr).toBe(-15);
  });
});

describe('the strip of x_t thumbnails', () => {
  const frames = (side: number) => {
    const x0 = seededNoise(side * side * 3, 3).map((v) => Math.tanh(v));
    const eps = seededNoise(side * side * 3, 4);
    const entries = logSnrStrip('cosine', 8);
    return { x0, eps, entries, out: stripFrames(x0, eps, side, entries, 'cosine', {}) };
  };
  // x_t / √(α² + σ²) shown as (x + 1)/2, byte for byte as the panel's full-size images are made.
  const full = (x0: Float32Array, eps: Float32Array, t: number) => {
    const p = scheduleAt('cosine', t, {});
    return noisyRgba(x0, eps, p.alpha, p.sigma, 0.5 / Math.sqrt(p.alpha ** 2 + p.sigma ** 2));
  };

  it('is the full-size x_t itself up to STRIP_SIDE pixels a side', () => {
    const { x0, eps, entries, out } = frames(STRIP_SIDE);
    out.forEach((f, i) => {
      expect([f.width, f.height]).toEqual([STRIP_SIDE, STRIP_SIDE]);
      expect(f.data).toEqual(full(x0, eps, entries[i].t));
    });
  });

  it('above it, shows each thumbnail pixel as the full-size x_t at the pixel under its centre (as the page shows it, pixelated)', () => {
    const side = 512;
    const { x0, eps, entries, out } = frames(side);
    const step = side / STRIP_SIDE;
    out.forEach((f, i) => {
      expect([f.width, f.height]).toEqual([STRIP_SIDE, STRIP_SIDE]);
      const big = full(x0, eps, entries[i].t);
      for (const [x, y] of [[0, 0], [5, 9], [127, 127], [64, 3]]) {
        const src = ((Math.floor((y + 0.5) * step)) * side + Math.floor((x + 0.5) * step)) * 4;
        expect(Array.from(f.data.subarray((y * STRIP_SIDE + x) * 4, (y * STRIP_SIDE + x) * 4 + 4))).toEqual(Array.from(big.subarray(src, src + 4)));
      }
    });
  });
});
