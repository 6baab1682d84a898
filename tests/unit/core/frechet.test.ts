// The Fréchet distance (docs/conventions.md, "Sample quality"): the Jacobi eigendecomposition against its
// definition, the distance against closed forms and against scipy's sqrtm on seeded 128-dimensional features.
import { describe, expect, it } from 'vitest';
import { featureStats, frechetDistance, sqrtPsd, symmetricEigen } from '../../../src/core/frechet';
import { gaussian, mulberry32 } from '../../../src/core/random';

/** A random symmetric positive semi-definite n × n matrix of rank `rank` (B·Bᵀ, B n × rank), seeded. */
function randomPsd(n: number, rank: number, seed: number): Float64Array {
  const g = gaussian(mulberry32(seed));
  const b = Float64Array.from({ length: n * rank }, () => g());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < rank; k++) a[i * n + j] += b[i * rank + k] * b[j * rank + k];
  return a;
}

function matMul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * n + k] * b[k * n + j];
  return c;
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** The feature sets of scripts/frechet_reference.py: x[i][j] = gain·(u − 0.5) + carry·x[i][j−1] + drift·j/dim. */
function featureSet(seed: number, count: number, dim: number, gain: number, carry: number, drift: number): Float64Array {
  const r = mulberry32(seed);
  const out = new Float64Array(count * dim);
  for (let i = 0; i < count; i++) {
    let prev = 0;
    for (let j = 0; j < dim; j++) {
      prev = gain * (r() - 0.5) + carry * prev + (drift * j) / dim;
      out[i * dim + j] = prev;
    }
  }
  return out;
}

describe('symmetricEigen (cyclic Jacobi)', () => {
  it('decomposes a 128 × 128 covariance: V·diag(λ)·Vᵀ = A and VᵀV = I within 1e-9 of the largest entry', () => {
    const n = 128;
    const a = randomPsd(n, n, 1);
    const { values, vectors } = symmetricEigen(a, n);
    const scale = Math.max(...Array.from(a, Math.abs));
    const rebuilt = new Float64Array(n * n);
    const gram = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let g = 0;
        for (let k = 0; k < n; k++) {
          s += vectors[i * n + k] * values[k] * vectors[j * n + k];
          g += vectors[k * n + i] * vectors[k * n + j];
        }
        rebuilt[i * n + j] = s;
        gram[i * n + j] = g - (i === j ? 1 : 0);
      }
    }
    expect(maxAbs(rebuilt, a) / scale).toBeLessThan(1e-9);
    expect(maxAbs(gram, new Float64Array(n * n))).toBeLessThan(1e-9);
    // The trace is the sum of the eigenvalues.
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 6);
  });

  it('finds the eigenvalues 1 and 3 of [[2, 1], [1, 2]]', () => {
    const { values } = symmetricEigen([2, 1, 1, 2], 2);
    expect(Array.from(values).sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
  });
});

describe('sqrtPsd', () => {
  it('squares back to the matrix, also for a rank-deficient one (within 1e-9 of the largest entry)', () => {
    for (const rank of [20, 5]) {
      const n = 20;
      const a = randomPsd(n, rank, 2 + rank);
      const r = sqrtPsd(a, n);
      const scale = Math.max(...Array.from(a, Math.abs));
      expect(maxAbs(matMul(r, r, n), a) / scale).toBeLessThan(1e-9);
    }
  });
});

describe('frechetDistance', () => {
  it('is 0 between a set and itself and symmetric in its arguments (within 1e-9)', () => {
    const a = featureStats(featureSet(3, 200, 16, 1, 0.5, 0), 16);
    const b = featureStats(featureSet(4, 200, 16, 1.2, 0.2, 0.3), 16);
    expect(frechetDistance(a, a).distance).toBeLessThan(1e-9);
    expect(frechetDistance(a, b).distance).toBeCloseTo(frechetDistance(b, a).distance, 9);
  });

  it('is (μ1 − μ2)² + (s1 − s2)² in one dimension, with s the standard deviations', () => {
    const a = featureStats([1, 2, 4, 7], 1);
    const b = featureStats([0, 3, 3, 10, 11], 1);
    const expected = (a.mean[0] - b.mean[0]) ** 2 + (Math.sqrt(a.cov[0]) - Math.sqrt(b.cov[0])) ** 2;
    expect(frechetDistance(a, b).distance).toBeCloseTo(expected, 12);
    // numpy's cov divides by count − 1: the variance of 1, 2, 4, 7 (mean 3.5) is 21/3.
    expect(a.cov[0]).toBeCloseTo(7, 12);
  });

  it('is ‖μ1 − μ2‖² + Σ(√a_i − √b_i)² for diagonal covariances', () => {
    const n = 6;
    const da = [1, 2, 3, 4, 5, 6];
    const db = [6, 1, 0.5, 4, 9, 0];
    const stats = (d: number[], shift: number) => ({
      dim: n, count: 10, mean: Float64Array.from({ length: n }, (_, i) => shift * i),
      cov: Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? d[k / (n + 1)] : 0)),
    });
    const expected = [0, 1, 2, 3, 4, 5].reduce((s, i) => s + (0.5 * i) ** 2 + (Math.sqrt(da[i]) - Math.sqrt(db[i])) ** 2, 0);
    const fd = frechetDistance(stats(da, 0), stats(db, 0.5));
    expect(fd.distance).toBeCloseTo(expected, 10);
  });

  // scripts/frechet_reference.py: numpy moments and scipy.linalg.sqrtm(S1·S2), as pytorch-fid computes FID.
  it.each([
    { dim: 4, count: 50, fd: 0.1427262931803011, mean: 0.05908382997019042, cov: 0.0836424632101107 },
    { dim: 128, count: 300, fd: 8.449894574317419, mean: 0.7224501552070994, cov: 7.72744441911032 },
  ])('matches scipy on seeded sets of $count vectors in $dim dimensions within 1e-8 relative', ({ dim, count, fd, mean, cov }) => {
    const a = featureStats(featureSet(11, count, dim, 1, 0.3, 0), dim);
    const b = featureStats(featureSet(12, count, dim, 1.3, 0.6, 0.05), dim);
    const got = frechetDistance(a, b);
    expect(Math.abs(got.distance - fd) / fd).toBeLessThan(1e-8);
    expect(Math.abs(got.meanTerm - mean) / mean).toBeLessThan(1e-10);
    expect(Math.abs(got.covTerm - cov) / cov).toBeLessThan(1e-8);
  });

  it('refuses sets of different dimensions and fewer than two vectors', () => {
    expect(() => featureStats([1, 2, 3], 3)).toThrow(/at least 2/);
    expect(() => frechetDistance(featureStats([1, 2, 3, 4], 2), featureStats([1, 2, 3], 1))).toThrow(/dimensions/);
  });
});
