import { describe, expect, it } from 'vitest';
import {
  bestDepthHistogram, increaseFractionPerStep, LARGE_RISE, meanMsePerDepth, nonMonotoneFraction, nonMonotoneSamples, psnrPerDepth,
} from '../../../../src/models/rqae/depthMetrics';

// Four samples × three depths, made by hand:
//   0: 0.04 → 0.02 → 0.01   monotone
//   1: 0.04 → 0.05 → 0.01   increases at step 1→2
//   2: 0.03 → 0.02 → 0.02   flat at the end: not an increase
//   3: 0.02 → 0.01 → 0.01·(1 + 1e-7)   an increase below the 1e-6 relative tolerance: float noise, not counted
const table = { count: 4, depth: 3, mse: Float64Array.from([0.04, 0.02, 0.01, 0.04, 0.05, 0.01, 0.03, 0.02, 0.02, 0.02, 0.01, 0.01 * (1 + 1e-7)]) };

describe('per-depth metrics of an RQ auto-encoder', () => {
  it('flags a sample as non-monotone only when its error rises by more than 1e-6 relative', () => {
    expect(Array.from(nonMonotoneSamples(table))).toEqual([0, 1, 0, 0]);
    expect(nonMonotoneFraction(table)).toBe(0.25);
  });

  it('can count only rises above a larger relative tolerance', () => {
    // sample 1 rises from 0.04 to 0.05 (25 %): above 1 % and below 30 %
    expect(nonMonotoneFraction(table, LARGE_RISE)).toBe(0.25);
    expect(nonMonotoneFraction(table, 0.3)).toBe(0);
  });

  it('counts an increase at the step where it happens', () => {
    expect(Array.from(increaseFractionPerStep(table))).toEqual([0.25, 0]);
    const late = { count: 2, depth: 3, mse: Float64Array.from([0.1, 0.05, 0.06, 0.1, 0.2, 0.3]) };
    expect(Array.from(increaseFractionPerStep(late))).toEqual([0.5, 1]);
    expect(nonMonotoneFraction(late)).toBe(1); // sample 1 rises twice but counts once
  });

  it('computes PSNR per depth from the mean MSE over samples (peak 1)', () => {
    const mean = meanMsePerDepth(table);
    expect(mean[0]).toBeCloseTo(0.0325, 12);
    expect(psnrPerDepth(table)[0]).toBeCloseTo(10 * Math.log10(1 / 0.0325), 10);
    expect(psnrPerDepth({ count: 1, depth: 1, mse: Float64Array.from([0.01]) })[0]).toBeCloseTo(20, 10);
  });

  it('has nothing to compare at depth 1', () => {
    expect(nonMonotoneFraction({ count: 2, depth: 1, mse: Float64Array.from([0.1, 0.2]) })).toBe(0);
  });

  it('histograms the depth of each sample’s lowest error, ties going to the shallower depth', () => {
    expect(Array.from(bestDepthHistogram(table))).toEqual([0, 2, 2]);
  });

  it('rejects a table whose size does not match', () => {
    expect(() => nonMonotoneFraction({ count: 2, depth: 3, mse: new Float64Array(5) })).toThrow(RangeError);
  });
});
