import { describe, expect, it } from 'vitest';
import { seededNoise } from '../../../src/core/diffusion/forward';
import { pairMoments, rmsOf } from '../../../src/ui/panels/diffusion/diffusionData';
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
