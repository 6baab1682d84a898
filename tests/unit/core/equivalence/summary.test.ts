import { describe, expect, it } from 'vitest';
import { conflictSummary, noisyPairs } from '../../../../src/core/equivalence/summary';

// Four sub-tasks: neighbours agree (0.6, 0.3, 0.8), the far pairs (|i − j| ≥ 2) split, and 0 and 3 conflict most.
const M4 = [
  1, 0.6, -0.2, -0.5,
  0.6, 1, 0.3, 0.1,
  -0.2, 0.3, 1, 0.8,
  -0.5, 0.1, 0.8, 1,
];

describe('conflictSummary', () => {
  it('reads neighbour and far-apart means, the share of conflicting pairs and the worst pair off a hand-made matrix', () => {
    const s = conflictSummary(M4, 4);
    expect(s.neighbourMean).toBeCloseTo((0.6 + 0.3 + 0.8) / 3, 12);
    expect(s.neighbourPairs).toBe(3);
    expect(s.farGap).toBe(2);
    expect(s.farMean).toBeCloseTo((-0.2 + 0.1 - 0.5) / 3, 12);
    expect(s.farPairs).toBe(3);
    expect(s.pairs).toBe(6);
    expect(s.negativeShare).toBeCloseTo(2 / 6, 12);
    expect(s.mostConflicting).toEqual({ i: 0, j: 3, cos: -0.5 });
    expect(s.undefinedTasks).toEqual([]);
  });

  it('counts levels at least K/2 apart as far for odd K too (⌈K/2⌉)', () => {
    const k = 5;
    const m = Array.from({ length: k * k }, (_, n) => {
      const i = Math.floor(n / k);
      const j = n % k;
      return i === j ? 1 : 1 - Math.abs(i - j) / 4;
    });
    const s = conflictSummary(m, k);
    expect(s.farGap).toBe(3);
    // Pairs 3 apart (0–3, 1–4) at 0.25 and 4 apart (0–4) at 0.
    expect(s.farPairs).toBe(3);
    expect(s.farMean).toBeCloseTo((0.25 + 0.25 + 0) / 3, 12);
    expect(s.negativeShare).toBe(0);
    expect(s.mostConflicting).toEqual({ i: 0, j: 4, cos: 0 });
  });

  it('leaves a zero gradient’s NaN row out of every number and names it', () => {
    const m = [
      1, -0.4, NaN,
      -0.4, 1, NaN,
      NaN, NaN, NaN,
    ];
    const s = conflictSummary(m, 3);
    expect(s.pairs).toBe(1);
    expect(s.neighbourMean).toBeCloseTo(-0.4, 12);
    expect(s.farPairs).toBe(0);
    expect(s.farMean).toBeNaN();
    expect(s.negativeShare).toBe(1);
    expect(s.mostConflicting).toEqual({ i: 0, j: 1, cos: -0.4 });
    expect(s.undefinedTasks).toEqual([2]);
  });

  it('has no worst pair and NaN shares when nothing is finite, and rejects a matrix of the wrong size', () => {
    const s = conflictSummary([NaN], 1);
    expect(s.mostConflicting).toBeNull();
    expect(s.negativeShare).toBeNaN();
    expect(() => conflictSummary([1, 0, 0], 2)).toThrow(RangeError);
  });
});

describe('noisyPairs', () => {
  it('lists the pairs whose halves disagree by more than the threshold, largest first, without NaN or the diagonal', () => {
    const spread = [
      0, 1.2, 0.3, NaN,
      1.2, 0, 0.1, NaN,
      0.3, 0.1, 0, 0.26,
      NaN, NaN, 0.26, 0,
    ];
    expect(noisyPairs(spread, 4)).toEqual([{ i: 0, j: 1, spread: 1.2 }, { i: 0, j: 2, spread: 0.3 }, { i: 2, j: 3, spread: 0.26 }]);
    expect(noisyPairs(spread, 4, 0.5)).toEqual([{ i: 0, j: 1, spread: 1.2 }]);
    expect(() => noisyPairs([0], 2)).toThrow(RangeError);
  });
});
