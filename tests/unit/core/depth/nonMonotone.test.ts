// The non-monotone fraction over the threshold agrees with the per-threshold definition used for the recorded
// numbers, falls as the threshold grows, and is exact on a hand-made table.
import { describe, expect, it } from 'vitest';
import { NON_MONOTONE_THRESHOLDS, nonMonotoneByThreshold } from '../../../../src/core/depth/nonMonotone';
import { nonMonotoneFraction } from '../../../../src/models/rqae/depthMetrics';
import { mulberry32 } from '../../../../src/core/random';

describe('nonMonotoneByThreshold', () => {
  it('spans 1e-6 to 5 % on a log scale', () => {
    expect(NON_MONOTONE_THRESHOLDS[0]).toBeCloseTo(1e-6, 15);
    expect(NON_MONOTONE_THRESHOLDS.at(-1)).toBeCloseTo(0.05, 12);
    const ratios = NON_MONOTONE_THRESHOLDS.slice(1).map((t, i) => t / NON_MONOTONE_THRESHOLDS[i]);
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0], 10);
  });

  it('counts a sample when any step rises by more than the threshold, relative', () => {
    // rises: sample 0 none; sample 1 by 0.5 %; sample 2 by 3 %; sample 3 by 10 % after a fall
    const mse = [4, 3, 2, 2, 2.01, 1, 1, 1.03, 1, 5, 1, 1.1];
    expect(nonMonotoneByThreshold(mse, 4, 3, [1e-6, 0.001, 0.01, 0.05, 0.2])).toEqual([0.75, 0.75, 0.5, 0.25, 0]);
  });

  it('equals nonMonotoneFraction at every threshold on random tables, and never rises with the threshold', () => {
    const r = mulberry32(3);
    const count = 200;
    const depth = 8;
    const mse = Float64Array.from({ length: count * depth }, (_, k) => (1 / (1 + (k % depth))) * (0.9 + 0.2 * r()));
    const curve = nonMonotoneByThreshold(mse, count, depth);
    NON_MONOTONE_THRESHOLDS.forEach((t, i) => expect(curve[i]).toBe(nonMonotoneFraction({ mse, count, depth }, t)));
    for (let i = 1; i < curve.length; i++) expect(curve[i]).toBeLessThanOrEqual(curve[i - 1]);
  });
});
