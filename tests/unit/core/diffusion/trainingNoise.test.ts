import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../../src/core/random';
import { lossWeight, sampleTrainingLogSnr, TRAINING_LAMBDA_LIMIT } from '../../../../src/core/diffusion/trainingNoise';
import { PARAMETERIZATIONS } from '../../../../src/core/diffusion/kinds';
import { epsLossFactor, weightingCurve, WEIGHTING_KINDS } from '../../../../src/core/diffusion/weighting';

describe('sampleTrainingLogSnr', () => {
  const draw = (kind: Parameters<typeof sampleTrainingLogSnr>[0], n = 20000) => {
    const rand = mulberry32(5);
    return Array.from({ length: n }, () => sampleTrainingLogSnr(kind, rand));
  };
  const meanStd = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return { m, s: Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length) };
  };
  it('draws EDM λ from N(2.4, 2.4²) (within the ±10 clip)', () => {
    const { m, s } = meanStd(draw('edm'));
    expect(m).toBeCloseTo(2.4, 1);
    expect(s).toBeGreaterThan(2.25);
    expect(s).toBeLessThan(2.45);
  });
  it('draws SD3 λ from N(−2 ln 3, 2²)', () => {
    const { m, s } = meanStd(draw('sd3-logit-normal'));
    expect(m).toBeCloseTo(-2 * Math.log(3), 1);
    expect(s).toBeCloseTo(2, 1);
  });
  it('draws uniform-t cosine λ symmetric about ≈ 0 and clipped to ±10', () => {
    const xs = draw('eps-mse');
    expect(Math.max(...xs)).toBeLessThanOrEqual(TRAINING_LAMBDA_LIMIT);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-TRAINING_LAMBDA_LIMIT);
    const median = [...xs].sort((a, b) => a - b)[xs.length >> 1];
    expect(Math.abs(median)).toBeLessThan(0.2); // cosine: t = ½ sits near λ = 0
  });
});

describe('lossWeight', () => {
  it('times c_target gives the weighting curve’s c·m for every kind and parameterization', () => {
    for (const kind of WEIGHTING_KINDS) {
      for (const target of PARAMETERIZATIONS) {
        for (const l of [-6, -1, 0, 2.5, 7]) {
          const prediction = target === 'velocity' ? 'eps' : target;
          const cm = weightingCurve(kind, [l], { prediction }).cm[0];
          expect(lossWeight(kind, target, l) * epsLossFactor(target, l)).toBeCloseTo(Number.isFinite(cm) ? cm : 0, 8);
        }
      }
    }
  });
  it('is 1 for a parameterization trained with its own MSE', () => {
    expect(lossWeight('eps-mse', 'eps', 3)).toBe(1);
    expect(lossWeight('x0-mse', 'x0', -3)).toBeCloseTo(1, 12);
    expect(lossWeight('v-mse', 'v', 1)).toBeCloseTo(1, 12);
    expect(lossWeight('velocity-mse', 'velocity', 1)).toBeCloseTo(1, 12);
  });
});
