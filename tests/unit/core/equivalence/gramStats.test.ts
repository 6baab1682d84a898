// The lab's statistics from a Gram matrix agree with the same measures computed on the vectors themselves.
import { describe, expect, it } from 'vitest';
import { alignmentFromGram, crossSpread, meanAbsOffDiagonal, meanOffDiagonal, subtaskStats } from '../../../../src/core/equivalence/gramStats';
import { alignmentWithUpdate, cosineMatrix } from '../../../../src/core/equivalence/matrices';
import { conflictSummary } from '../../../../src/core/equivalence/summary';
import { gaussian, mulberry32 } from '../../../../src/core/random';

const P = 64;
const vec = (rand: () => number) => Float64Array.from({ length: P }, () => rand());
const add = (a: Float64Array, b: Float64Array) => a.map((v, i) => v + b[i]);
const gramOf = (vs: Float64Array[]) => {
  const m = vs.length;
  const out = new Float64Array(m * m);
  for (let p = 0; p < m; p++) for (let q = 0; q < m; q++) out[p * m + q] = vs[p].reduce((s, v, i) => s + v * vs[q][i], 0);
  return out;
};

/** K sub-tasks sharing a common direction `shared` (strength s) plus independent noise per half. */
function toy(k: number, s: number, seed: number) {
  const rand = gaussian(mulberry32(seed));
  const common = vec(rand);
  const own = Array.from({ length: k }, () => vec(rand));
  const A = own.map((o) => add(o.map((v) => v * s), vec(rand)));
  const B = own.map((o) => add(o.map((v) => v * s), vec(rand)));
  const C = Array.from({ length: k }, () => add(common.map((v) => v * s), vec(rand)));
  return { A, B, C };
}

describe('subtaskStats', () => {
  it('matches cosines computed on the vectors: cross from disjoint halves, shared from the sums, control among C', () => {
    const k = 4;
    const { A, B, C } = toy(k, 1, 7);
    const st = subtaskStats(gramOf([...A, ...B, ...C]), k);
    const ab = cosineMatrix([...A, ...B]);
    const sums = cosineMatrix(A.map((a, i) => add(a, B[i])));
    const ctrl = cosineMatrix(C);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const expectCross = (ab[i * 2 * k + k + j] + ab[(k + i) * 2 * k + j]) / 2;
        expect(st.cross[i * k + j]).toBeCloseTo(expectCross, 12);
        expect(st.shared[i * k + j]).toBeCloseTo(sums[i * k + j], 12);
        expect(st.control[i * k + j]).toBeCloseTo(ctrl[i * k + j], 12);
      }
      expect(st.self[i]).toBeCloseTo(ab[i * 2 * k + k + i], 12);
    }
  });

  it('finds sub-tasks with their own directions apart (cross near 0) while each agrees with itself, and corrects only where agreement is clear', () => {
    const k = 3;
    const { A, B, C } = toy(k, 3, 11); // a strong own direction per sub-task, unit noise
    const st = subtaskStats(gramOf([...A, ...B, ...C]), k);
    for (let i = 0; i < k; i++) expect(st.self[i]).toBeGreaterThan(0.7);
    expect(Math.abs(meanOffDiagonal(st.cross, k))).toBeLessThan(0.2);
    expect(meanOffDiagonal(st.control, k)).toBeGreaterThan(0.7); // the control's parts share one direction
    expect(st.corrected[0 * k + 1]).toBeCloseTo(st.cross[1] / Math.sqrt(st.self[0] * st.self[1]), 12);
    expect(st.corrected[0]).toBeNaN();
    // Pure noise: no self-agreement, so no corrected value.
    const noise = toy(k, 0, 12);
    const sn = subtaskStats(gramOf([...noise.A, ...noise.B, ...noise.C]), k);
    expect([...sn.corrected].every((v, idx) => Number.isNaN(v) || sn.self[Math.floor(idx / k)] >= 0.1)).toBe(true);
  });

  it('refuses a Gram matrix of the wrong size', () => {
    expect(() => subtaskStats(new Float64Array(16), 2)).toThrow(RangeError);
  });
});

describe('alignmentFromGram', () => {
  it('equals alignmentWithUpdate on the summed halves', () => {
    const k = 3;
    const { A, B, C } = toy(k, 1, 5);
    const w = [1, 0.25, 2];
    const fromGram = alignmentFromGram(gramOf([...A, ...B, ...C]), k, w);
    const direct = alignmentWithUpdate(A.map((a, i) => add(a, B[i])), w);
    for (let i = 0; i < k; i++) expect(fromGram[i]).toBeCloseTo(direct[i], 12);
  });
});

describe('crossSpread', () => {
  it('is |cos(A_i, B_j) − cos(B_i, A_j)| per pair, 0 on the diagonal, and its mean over the off-diagonal pairs', () => {
    const k = 3;
    const { A, B, C } = toy(k, 1, 21);
    const { spread, mean } = crossSpread(gramOf([...A, ...B, ...C]), k);
    const ab = cosineMatrix([...A, ...B]);
    let sum = 0;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const expected = i === j ? 0 : Math.abs(ab[i * 2 * k + k + j] - ab[(k + i) * 2 * k + j]);
        expect(spread[i * k + j]).toBeCloseTo(expected, 12);
        if (i !== j) sum += expected;
      }
    }
    expect(mean).toBeCloseTo(sum / (k * (k - 1)), 12);
  });

  it('shrinks as the halves agree: no noise, no spread', () => {
    const k = 3;
    const { A, C } = toy(k, 1, 4);
    // B = A: both halves carry the same vectors, so the swapped estimates are equal.
    expect(crossSpread(gramOf([...A, ...A, ...C]), k).mean).toBeCloseTo(0, 12);
    expect(() => crossSpread(new Float64Array(8), 1)).toThrow(RangeError);
    expect(crossSpread(new Float64Array(9), 1).mean).toBeNaN();
  });
});

describe('meanAbsOffDiagonal and the share of conflicting pairs', () => {
  it('read the off-diagonal entries only, leaving NaN out', () => {
    const m = [1, -0.5, 0.25, -0.5, 1, NaN, 0.25, NaN, 1];
    expect(meanAbsOffDiagonal(m, 3)).toBeCloseTo(0.375, 12);
    expect(conflictSummary(m, 3).negativeShare).toBeCloseTo(0.5, 12);
    expect(conflictSummary([1], 1).negativeShare).toBeNaN();
  });
});
