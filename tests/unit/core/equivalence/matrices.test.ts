// The lab's measures against their definitions, on vectors with known structure and on seeded random ones
// checked against a direct float64 computation.
import { describe, expect, it } from 'vitest';
import { alignmentWithUpdate, correctedCosine, cosineMatrix, transferMatrix } from '../../../../src/core/equivalence/matrices';
import { gaussian, mulberry32 } from '../../../../src/core/random';

const randomVector = (n: number, seed: number) => {
  const g = gaussian(mulberry32(seed));
  return Float64Array.from({ length: n }, () => g());
};
const cos = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
};

describe('cosineMatrix', () => {
  it('is 0 between sub-tasks on disjoint parameters, 1 for the same loss twice and −1 for opposed losses', () => {
    const a = [1, 2, 0, 0];
    const b = [0, 0, 3, -1];
    const m = cosineMatrix([a, b, a, a.map((v) => -2 * v)]);
    expect(m[0 * 4 + 1]).toBe(0);
    expect(m[0 * 4 + 2]).toBeCloseTo(1, 15);
    expect(m[0 * 4 + 3]).toBeCloseTo(-1, 15);
    for (let i = 0; i < 4; i++) expect(m[i * 4 + i]).toBe(1);
  });

  it('matches cos(g_i, g_j) computed directly, symmetric, within 1e-12 (seeded random gradients)', () => {
    const grads = [1, 2, 3, 4, 5].map((s) => randomVector(257, s));
    const m = cosineMatrix(grads);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        expect(m[i * 5 + j]).toBeCloseTo(i === j ? 1 : cos(grads[i], grads[j]), 12);
        expect(m[i * 5 + j]).toBe(m[j * 5 + i]);
      }
    }
  });

  it('puts NaN in the row and column of a zero gradient, and only there', () => {
    const m = cosineMatrix([[1, 0], [0, 0], [1, 1]]);
    for (let j = 0; j < 3; j++) {
      expect(m[1 * 3 + j]).toBeNaN();
      expect(m[j * 3 + 1]).toBeNaN();
    }
    expect(m[0]).toBe(1);
    expect(m[0 * 3 + 2]).toBeCloseTo(Math.SQRT1_2, 15);
  });

  it('refuses gradients of different lengths', () => {
    expect(() => cosineMatrix([[1, 2], [1]])).toThrow(RangeError);
  });
});

describe('alignmentWithUpdate', () => {
  it('equals a hand computation: g = (1, 0), (0, 1), (−1, 0.5) under weights (1, 1, 1)', () => {
    // u = (0, 1.5): cos with (1, 0) is 0, with (0, 1) is 1, with (−1, 0.5) is 0.5/√1.25.
    const a = alignmentWithUpdate([[1, 0], [0, 1], [-1, 0.5]], [1, 1, 1]);
    expect(a[0]).toBeCloseTo(0, 15);
    expect(a[1]).toBeCloseTo(1, 15);
    expect(a[2]).toBeCloseTo(0.5 / Math.sqrt(1.25), 15);
  });

  it('sees a weighting that the cosines between sub-tasks cannot: a heavier weight turns an objector around', () => {
    const grads = [[1, 0.2], [-0.6, 1]];
    const even = alignmentWithUpdate(grads, [1, 1]);
    const heavy = alignmentWithUpdate(grads, [0.1, 1]);
    expect(cosineMatrix(grads)).toEqual(cosineMatrix(grads.map((g, i) => g.map((v) => v * [0.1, 1][i]))));
    expect(even[0]).toBeGreaterThan(0);
    expect(heavy[0]).toBeLessThan(0); // sub-task 0's loss would rise under the step that favours sub-task 1
  });

  it('is NaN for a zero gradient and for a zero update, and refuses a wrong number of weights', () => {
    expect(alignmentWithUpdate([[0, 0], [1, 0]], [1, 1])[0]).toBeNaN();
    expect([...alignmentWithUpdate([[1, 0], [-1, 0]], [1, 1])].every(Number.isNaN)).toBe(true);
    expect(() => alignmentWithUpdate([[1, 0]], [1, 1])).toThrow(RangeError);
  });
});

describe('transferMatrix', () => {
  it('is (after[i][j] − before[j]) / before[j], row-major', () => {
    const t = transferMatrix([2, 4], [[1, 4], [2, 5]]);
    expect([...t]).toEqual([-0.5, 0, 0, 0.25]);
  });

  it('has zero off-diagonal transfer for disjoint sub-tasks and equal rows for the same loss twice', () => {
    // Training on one of two disjoint sub-tasks leaves the other's loss where it was.
    const disjoint = transferMatrix([1, 1], [[0.5, 1], [1, 0.7]]);
    expect(disjoint[1]).toBe(0);
    expect(disjoint[2]).toBe(0);
    // The same loss twice: training on either changes both alike.
    const same = transferMatrix([1, 1], [[0.8, 0.8], [0.8, 0.8]]);
    expect([...same.subarray(0, 2)]).toEqual([...same.subarray(2, 4)]);
  });

  it('keeps a reference row (training on all sub-tasks) after the K rows, and is NaN where a loss was 0', () => {
    const t = transferMatrix([1, 0], [[0.5, 0], [1, 0], [0.9, 0.1]]);
    expect(t).toHaveLength(6);
    expect(t[4]).toBeCloseTo(-0.1, 15);
    expect(t[1]).toBeNaN();
    expect(() => transferMatrix([1, 2], [[1]])).toThrow(RangeError);
  });
});

describe('correctedCosine', () => {
  it('divides by √(a_i·a_j) and is undefined unless both self-agreements are clearly positive', () => {
    expect(correctedCosine(0.12, 0.13, 0.19)).toBeCloseTo(0.12 / Math.sqrt(0.13 * 0.19), 15);
    expect(correctedCosine(0.05, 0.02, 0.9)).toBeNaN();
    expect(correctedCosine(0.05, -0.75, 0.9)).toBeNaN();
  });
});
