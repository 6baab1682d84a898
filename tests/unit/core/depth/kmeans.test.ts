import { describe, expect, it } from 'vitest';
import { assignNearest, kmeans, kmeansPlusPlus } from '../../../../src/core/depth/kmeans';
import { mulberry32 } from '../../../../src/core/random';

/** n points of dimension dim around `centres` random centres, plus uniform noise. */
function blobs(n: number, dim: number, centres: number, seed: number): Float32Array {
  const r = mulberry32(seed);
  const mu = Array.from({ length: centres * dim }, () => r());
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(r() * centres);
    for (let d = 0; d < dim; d++) out[i * dim + d] = mu[c * dim + d] + 0.15 * (r() - 0.5);
  }
  return out;
}

const dist2 = (data: ArrayLike<number>, i: number, c: ArrayLike<number>, j: number, dim: number) => {
  let s = 0;
  for (let d = 0; d < dim; d++) s += (data[i * dim + d] - c[j * dim + d]) ** 2;
  return s;
};

describe('kmeans', () => {
  it('never increases the inertia from one Lloyd iteration to the next (relative 1e-12)', () => {
    for (const [n, dim, k, seed] of [[500, 6, 16, 1], [300, 48, 64, 2], [64, 3, 40, 3]]) {
      const data = blobs(n, dim, 8, seed);
      const { inertiaHistory } = kmeans(data, dim, k, { iters: 15, seed });
      expect(inertiaHistory.length).toBeGreaterThan(1);
      for (let t = 1; t < inertiaHistory.length; t++) expect(inertiaHistory[t]).toBeLessThanOrEqual(inertiaHistory[t - 1] * (1 + 1e-12));
    }
  });

  it('reports the exact inertia Σ‖x − c_a(x)‖² of its final centroids and assignments (relative 1e-12)', () => {
    const dim = 5;
    const data = blobs(200, dim, 4, 4);
    const res = kmeans(data, dim, 7, { iters: 5, seed: 4 });
    let s = 0;
    for (let i = 0; i < 200; i++) s += dist2(data, i, res.centroids, res.assignments[i], dim);
    expect(Math.abs(res.inertia - s) / s).toBeLessThan(1e-12);
  });

  it('assigns every point to a nearest centroid, as brute force does (Elkan bounds skip nothing; to 1e-12)', () => {
    const dim = 48;
    const data = blobs(600, dim, 20, 5);
    const res = kmeans(data, dim, 32, { iters: 6, seed: 5 });
    const brute = assignNearest(data, dim, res.centroids, 32);
    for (let i = 0; i < 600; i++) {
      expect(dist2(data, i, res.centroids, res.assignments[i], dim)).toBeLessThanOrEqual(dist2(data, i, res.centroids, brute[i], dim) + 1e-12);
    }
  });

  it('gives the same iterations with and without Elkan bounds (inertia histories equal to relative 1e-9)', () => {
    const dim = 12;
    const data = blobs(400, dim, 10, 6);
    const a = kmeans(data, dim, 24, { iters: 10, seed: 6 });
    const b = kmeans(data, dim, 24, { iters: 10, seed: 6, maxBounds: 0 });
    expect(a.inertiaHistory.length).toBe(b.inertiaHistory.length);
    a.inertiaHistory.forEach((v, t) => expect(Math.abs(v - b.inertiaHistory[t]) / v).toBeLessThan(1e-9));
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
  });

  it('matches the brute-force optimum on 6 points, k = 2 (all 31 two-way partitions enumerated; to 1e-9)', () => {
    const pts = [0, 0, 1, 0, 0, 1.2, 3.5, 3, 4.2, 4, 2, 2.4];
    const data = Float32Array.from(pts);
    let best = Infinity;
    for (let mask = 1; mask < 2 ** 6 - 1; mask++) {
      let sse = 0;
      for (const side of [0, 1]) {
        const members = [0, 1, 2, 3, 4, 5].filter((i) => ((mask >> i) & 1) === side);
        const mx = members.reduce((s, i) => s + data[2 * i], 0) / members.length;
        const my = members.reduce((s, i) => s + data[2 * i + 1], 0) / members.length;
        for (const i of members) sse += (data[2 * i] - mx) ** 2 + (data[2 * i + 1] - my) ** 2;
      }
      best = Math.min(best, sse);
    }
    const found = Math.min(...[0, 1, 2, 3, 4].map((seed) => kmeans(data, 2, 2, { iters: 20, seed }).inertia));
    expect(Math.abs(found - best)).toBeLessThan(1e-9);
  });

  it('converges to centroids that are the means of their clusters (to 1e-9)', () => {
    const dim = 4;
    const data = blobs(120, dim, 3, 7);
    const res = kmeans(data, dim, 3, { iters: 100, seed: 7 });
    for (let j = 0; j < 3; j++) {
      const members = [...res.assignments.keys()].filter((i) => res.assignments[i] === j);
      for (let d = 0; d < dim; d++) {
        const mean = members.reduce((s, i) => s + data[i * dim + d], 0) / members.length;
        expect(res.centroids[j * dim + d]).toBeCloseTo(mean, 9);
      }
    }
  });

  it('is reproducible for a seed, and k-means++ seeds are distinct data points', () => {
    const data = blobs(100, 3, 5, 8);
    const a = kmeans(data, 3, 5, { iters: 4, seed: 9 });
    const b = kmeans(data, 3, 5, { iters: 4, seed: 9 });
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    const seeds = kmeansPlusPlus(data, 3, 5, 9);
    const keys = new Set<string>();
    for (let j = 0; j < 5; j++) {
      const row = Array.from(seeds.subarray(j * 3, j * 3 + 3));
      keys.add(row.join(','));
      const isPoint = [...Array(100).keys()].some((i) => row.every((v, d) => v === data[i * 3 + d]));
      expect(isPoint).toBe(true);
    }
    expect(keys.size).toBe(5);
  });

  it('handles duplicate points and k equal to the number of distinct points (inertia 0)', () => {
    const data = Float32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 5, 5]);
    const res = kmeans(data, 2, 3, { iters: 5, seed: 1 });
    expect(res.inertia).toBe(0);
  });

  it('rejects k larger than the number of points and ragged data', () => {
    expect(() => kmeans(new Float32Array(6), 2, 4, { iters: 1, seed: 1 })).toThrow(RangeError);
    expect(() => kmeans(new Float32Array(5), 2, 1, { iters: 1, seed: 1 })).toThrow(RangeError);
  });
});
