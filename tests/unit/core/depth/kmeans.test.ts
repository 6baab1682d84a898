import fc from 'fast-check';
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

/**
 * Plain Lloyd written out from the definition, from the same k-means++ seeds: nearest centroid by the
 * exact squared distance (ties → lower index, the current centroid first), means, empty clusters re-seeded
 * with the points farthest from their centroids (as kmeans documents), stopping when nothing changes.
 */
function naiveLloyd(data: Float32Array, dim: number, k: number, iters: number, seed: number) {
  const n = data.length / dim;
  const c = Array.from(kmeansPlusPlus(data, dim, k, seed));
  const nearest = (i: number, current: number) => {
    let best = current < 0 ? 0 : current;
    let bd = dist2(data, i, c, best, dim);
    for (let j = 0; j < k; j++) {
      const d = dist2(data, i, c, j, dim);
      if (d < bd) { bd = d; best = j; }
    }
    return best;
  };
  let assign = Array.from({ length: n }, (_, i) => nearest(i, -1));
  const inertia = () => assign.reduce((s, j, i) => s + dist2(data, i, c, j, dim), 0);
  const history = [inertia()];
  for (let t = 1; t <= iters; t++) {
    const dist = assign.map((j, i) => dist2(data, i, c, j, dim));
    const sums = new Array(k * dim).fill(0), counts = new Array(k).fill(0);
    assign.forEach((j, i) => { counts[j]++; for (let d = 0; d < dim; d++) sums[j * dim + d] += data[i * dim + d]; });
    const empty: number[] = [];
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) empty.push(j);
      else for (let d = 0; d < dim; d++) c[j * dim + d] = sums[j * dim + d] / counts[j];
    }
    const far = [...Array(n).keys()].sort((a, b) => dist[b] - dist[a] || a - b);
    empty.forEach((j, e) => { for (let d = 0; d < dim; d++) c[j * dim + d] = data[far[e % n] * dim + d]; });
    const next = assign.map((j, i) => nearest(i, j));
    const changed = next.some((j, i) => j !== assign[i]);
    assign = next;
    history.push(inertia());
    if (!changed) break;
  }
  return { assign, history, c };
}

describe('kmeans against plain Lloyd written out (same seeds)', () => {
  // Blobs (well separated) and uniform noise in 48 dimensions with many centroids (the RQ regime, where the
  // bounds rule out little and clusters can empty).
  it.each([
    ['blobs', 400, 12, 10, 21],
    ['uniform, dim 48', 500, 48, 64, 22],
    ['uniform, dim 5, k 40', 300, 5, 40, 23],
  ])('%s: the same assignments, centroids (1e-12) and inertia history (relative 1e-12)', (_name, n, dim, k, seed) => {
    const r = mulberry32(seed as number);
    const data = _name === 'blobs' ? blobs(n as number, dim as number, 8, seed as number) : Float32Array.from({ length: (n as number) * (dim as number) }, () => r());
    const res = kmeans(data, dim as number, k as number, { iters: 12, seed: seed as number });
    const ref = naiveLloyd(data, dim as number, k as number, 12, seed as number);
    expect(Array.from(res.assignments)).toEqual(ref.assign);
    expect(res.inertiaHistory.length).toBe(ref.history.length);
    res.inertiaHistory.forEach((v, t) => expect(Math.abs(v - ref.history[t]) / ref.history[t]).toBeLessThan(1e-12));
    let worst = 0;
    res.centroids.forEach((v, q) => (worst = Math.max(worst, Math.abs(v - ref.c[q]))));
    expect(worst).toBeLessThan(1e-12);
  });
});

describe('kmeans against plain Lloyd on grid values (exact ties, clusters that empty and are re-seeded)', () => {
  it.each([3, 11, 17, 29])('case %i: the same assignments and inertia history', (seed) => {
    const r = mulberry32(seed * 7919);
    const n = 10 + Math.floor(r() * 30), dim = 1 + Math.floor(r() * 3), k = 3 + Math.floor(r() * Math.min(12, n - 3));
    const data = Float32Array.from({ length: n * dim }, () => Math.floor(r() * 6) / 5);
    const res = kmeans(data, dim, k, { iters: 12, seed });
    const ref = naiveLloyd(data, dim, k, 12, seed);
    expect(Array.from(res.assignments)).toEqual(ref.assign);
    expect(res.inertiaHistory.length).toBe(ref.history.length);
    res.inertiaHistory.forEach((v, t) => expect(Math.abs(v - ref.history[t])).toBeLessThanOrEqual(1e-12 * Math.max(1, ref.history[t])));
  });
});

describe('kmeans scratch', () => {
  it('gives the same fit with a reused scratch as with fresh memory, whatever ran before', () => {
    const a = blobs(300, 12, 6, 31), b = blobs(300, 12, 9, 32);
    const scratch = {};
    const fresh = kmeans(b, 12, 20, { iters: 8, seed: 3 });
    kmeans(a, 12, 20, { iters: 8, seed: 2, scratch });
    const reused = kmeans(b, 12, 20, { iters: 8, seed: 3, scratch });
    expect(Array.from(reused.assignments)).toEqual(Array.from(fresh.assignments));
    expect(reused.inertiaHistory).toEqual(fresh.inertiaHistory);
    expect(Array.from(reused.centroids)).toEqual(Array.from(fresh.centroids));
  });
});

/** The direct definition: for each point, argmin_j Σ_d (x_d − c_jd)² (ties → lower index) and that minimum. */
function nearestDirect(data: Float32Array, dim: number, c: Float64Array, k: number) {
  const n = data.length / dim;
  const arg: number[] = [], min: number[] = [], second: number[] = [];
  for (let i = 0; i < n; i++) {
    let b = Infinity, s2 = Infinity, a = 0;
    for (let j = 0; j < k; j++) {
      const d = dist2(data, i, c, j, dim);
      if (d < b) { s2 = b; b = d; a = j; } else if (d < s2) s2 = d;
    }
    arg.push(a); min.push(b); second.push(s2);
  }
  return { arg, min, second };
}

describe('assignNearest (the distance step as a matrix product ‖x‖² − 2x·c + ‖c‖²)', () => {
  // Rounding of the expansion is below ~dim·2⁻⁵³·(‖x‖² + ‖c‖²) (Higham §3.1); 1e-12 of that scale is far above it,
  // so two centroids closer than that are a tie, where either index is right.
  it.each([
    [4096, 48, 256, 1], [257, 48, 255, 2], [101, 7, 13, 3], [3, 5, 1, 4], [64, 192, 66, 5],
  ])('n %i, dim %i, k %i (seed %i): the direct definition\'s assignments, ties aside', (n, dim, k, seed) => {
    const r = mulberry32(seed);
    const data = Float32Array.from({ length: n * dim }, () => r());
    const c = Float64Array.from({ length: k * dim }, () => r());
    const got = assignNearest(data, dim, c, k);
    const ref = nearestDirect(data, dim, c, k);
    let ties = 0;
    for (let i = 0; i < n; i++) {
      const scale = 1e-12 * (ref.min[i] + 2 * dim);
      if (ref.second[i] - ref.min[i] > scale) expect(got[i]).toBe(ref.arg[i]);
      else {
        ties++;
        expect(dist2(data, i, c, got[i], dim)).toBeLessThanOrEqual(ref.min[i] + scale);
      }
    }
    expect(ties).toBeLessThan(n / 100 + 1);
  });

  it('picks a centroid at the minimum distance for any data, centroids and shape (fast-check)', () => {
    const shape = fc.record({ n: fc.integer({ min: 1, max: 9 }), dim: fc.integer({ min: 1, max: 6 }), k: fc.integer({ min: 1, max: 9 }) });
    const value = fc.double({ min: -4, max: 4, noNaN: true });
    const input = shape.chain(({ n, dim, k }) => fc.record({
      dim: fc.constant(dim), k: fc.constant(k),
      data: fc.array(value, { minLength: n * dim, maxLength: n * dim }),
      c: fc.array(value, { minLength: k * dim, maxLength: k * dim }),
    }));
    fc.assert(fc.property(input, ({ dim, k, data, c }) => {
      const x = Float32Array.from(data), cc = Float64Array.from(c);
      const got = assignNearest(x, dim, cc, k);
      const ref = nearestDirect(x, dim, cc, k);
      return ref.min.every((m, i) => got[i] >= 0 && got[i] < k && dist2(x, i, cc, got[i], dim) <= m + 1e-12 * (m + 2 * 16 * dim));
    }), { seed: 17, numRuns: 300 });
  });
});
