import { describe, expect, it } from 'vitest';
import { combineHalves } from '../../../../src/core/equivalence/splitHalf';
import { mulberry32 } from '../../../../src/core/random';

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));
const cos = (a: number[], b: number[]) => dot(a, b) / (norm(a) * norm(b));

/** The cosines and norms of the half-batch gradients [a_0, b_0, a_1, b_1, …], as the model code reports them. */
function halves(a: number[][], b: number[][]) {
  const h = a.flatMap((ai, i) => [ai, b[i]]);
  const n = h.map(norm);
  const c = h.flatMap((p, i) => h.map((q, j) => (n[i] > 0 && n[j] > 0 ? dot(p, q) / (n[i] * n[j]) : NaN)));
  return { c, n };
}

function randomVectors(seed: number, count: number, dim: number): number[][] {
  const r = mulberry32(seed);
  return Array.from({ length: count }, () => Array.from({ length: dim }, () => 2 * r() - 1));
}

describe('combineHalves', () => {
  it('gives the cosines and norms of the full-batch gradients (a_i + b_i)/2', () => {
    const k = 4;
    const a = randomVectors(3, k, 7);
    const b = randomVectors(4, k, 7);
    const { c, n } = halves(a, b);
    const out = combineHalves(c, n, k);
    const g = a.map((ai, i) => ai.map((v, d) => (v + b[i][d]) / 2));
    for (let i = 0; i < k; i++) {
      expect(out.norms[i]).toBeCloseTo(norm(g[i]), 12);
      expect(out.cosines[i * k + i]).toBe(1);
      expect(out.spread[i * k + i]).toBe(0);
      for (let j = 0; j < k; j++) {
        if (i !== j) expect(out.cosines[i * k + j]).toBeCloseTo(cos(g[i], g[j]), 12);
        if (i !== j) expect(out.spread[i * k + j]).toBeCloseTo(Math.abs(cos(a[i], a[j]) - cos(b[i], b[j])), 12);
        expect(out.cosines[i * k + j]).toBe(out.cosines[j * k + i]);
        expect(out.spread[i * k + j]).toBe(out.spread[j * k + i]);
      }
    }
  });

  it('shows a cosine the two halves disagree on as a large spread, even when the full batch looks certain', () => {
    // Sub-task 0 along e1 in both halves; sub-task 1 shares e1 but adds noise of opposite sign in each half.
    const a = [[1, 0, 0], [1, 3, 0]];
    const b = [[2, 0, 0], [1, -3, 0]];
    const { c, n } = halves(a, b);
    const out = combineHalves(c, n, 2);
    expect(out.cosines[1]).toBeCloseTo(1, 12); // the full-batch gradients are both along e1
    expect(out.norms[1]).toBeCloseTo(1, 12);
    expect(out.spread[1]).toBeCloseTo(0, 12); // each half: cos = 1/√10 on both sides
    // Noise that is not mirrored: half A's sub-task 1 leans towards e2, half B's towards e3.
    const a2 = [[1, 1, 0], [0, 1, 0]];
    const b2 = [[1, 1, 0], [0, 0, 1]];
    const h2 = halves(a2, b2);
    const out2 = combineHalves(h2.c, h2.n, 2);
    expect(out2.spread[1]).toBeCloseTo(Math.SQRT1_2, 12); // cos 1/√2 in half A, 0 in half B
  });

  it('gives a NaN row and column and NaN agreement for a sub-task whose gradient is zero', () => {
    const k = 3;
    const a = randomVectors(5, k, 4);
    const b = randomVectors(6, k, 4);
    a[1] = [0, 0, 0, 0];
    b[1] = [0, 0, 0, 0];
    const { c, n } = halves(a, b);
    const out = combineHalves(c, n, k);
    expect(out.norms[1]).toBe(0);
    for (let j = 0; j < k; j++) {
      expect(out.cosines[k + j]).toBeNaN();
      expect(out.cosines[j * k + 1]).toBeNaN();
      expect(out.spread[k + j]).toBeNaN();
    }
    expect(out.cosines[0]).toBe(1);
    expect(Number.isFinite(out.cosines[2])).toBe(true);
  });

  it('rejects inputs of the wrong size', () => {
    expect(() => combineHalves([1], [1], 1)).toThrow(RangeError);
  });
});
