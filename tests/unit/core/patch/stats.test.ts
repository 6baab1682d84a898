import { describe, expect, it } from 'vitest';
import { ORDERING_KINDS, patchOrder } from '../../../../src/core/orderings';
import { createImage } from '../../../../src/core/image';
import { mulberry32 } from '../../../../src/core/random';
import { patchGrid, type PatchGrid } from '../../../../src/core/patch/grid';
import { contextStats } from '../../../../src/core/patch/context';
import { LINEAR_RIDGE, predictorErrors } from '../../../../src/core/patch/predictors';
import { summarize } from '../../../../src/core/patch/stats';

/** A grid of constant patches: cell i has the colour colours[i] (a grey level or [r, g, b]). */
function constantGrid(rows: number, cols: number, colours: (number | [number, number, number])[], patch = 2): PatchGrid {
  const img = createImage(cols * patch, rows * patch);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = colours[Math.floor(y / patch) * cols + Math.floor(x / patch)];
      img.data.set(typeof v === 'number' ? [v, v, v] : v, (y * img.width + x) * 3);
    }
  }
  return patchGrid(img, patch);
}

function randomGrid(rows: number, cols: number, patch: number, seed: number): PatchGrid {
  const img = createImage(cols * patch, rows * patch);
  const rand = mulberry32(seed);
  for (let i = 0; i < img.data.length; i++) img.data[i] = rand();
  return patchGrid(img, patch);
}

describe('contextStats', () => {
  it('gives the hand-computed values for a 2×2 raster', () => {
    const st = contextStats(patchOrder('raster', 2, 2), 2, 2);
    expect(st.distance).toEqual([NaN, 1, 1, 1]);
    expect(st.nearest).toEqual([-1, 0, 0, 1]);
    expect(st.visibleNeighbours).toEqual([0, 1, 1, 2]);
    expect(st.jump[0]).toBeNaN();
    expect(st.jump.slice(1)).toEqual([1, Math.SQRT2, 1]);
    expect(st.breaks).toEqual([2]);
  });

  it('measures far jumps and nearest context on a 1×5 strip', () => {
    const st = contextStats([0, 4, 2, 1, 3], 1, 5);
    expect(st.distance).toEqual([NaN, 4, 2, 1, 1]);
    expect(st.nearest).toEqual([-1, 0, 0, 0, 2]);
    expect(st.visibleNeighbours).toEqual([0, 0, 0, 2, 2]);
    expect(st.jump).toEqual([NaN, 4, 2, 1, 2]);
    expect(st.breaks).toEqual([1, 2, 4]);
  });

  it('breaks raster at every row start and never breaks snake, spiral or Hilbert on 2^k squares', () => {
    expect(contextStats(patchOrder('raster', 3, 4), 3, 4).breaks).toEqual([4, 8]);
    expect(contextStats(patchOrder('column', 3, 4), 3, 4).breaks).toEqual([3, 6, 9]);
    for (const kind of ['snake', 'spiral'] as const) expect(contextStats(patchOrder(kind, 5, 7), 5, 7).breaks).toEqual([]);
    expect(contextStats(patchOrder('hilbert', 16, 16), 16, 16).breaks).toEqual([]);
  });

  it('has every later step of a connected ordering touch its context (distance 1)', () => {
    for (const kind of ['raster', 'snake', 'column', 'spiral', 'center-out'] as const) {
      const st = contextStats(patchOrder(kind, 6, 5), 6, 5);
      expect(st.distance.slice(1).every((d) => d === 1), kind).toBe(true);
      expect(st.visibleNeighbours.slice(1).every((k) => k >= 1), kind).toBe(true);
    }
  });

  it('finds the same nearest visible patch as a brute-force search, ties to the lowest index', () => {
    const rows = 13;
    const cols = 9;
    for (const seed of [1, 2, 3]) {
      const order = patchOrder('random', rows, cols, seed);
      const st = contextStats(order, rows, cols);
      for (let s = 1; s < order.length; s++) {
        const r = Math.floor(order[s] / cols);
        const c = order[s] % cols;
        let best = -1;
        let bestD2 = Infinity;
        for (let t = 0; t < s; t++) {
          const q = order[t];
          const d2 = (Math.floor(q / cols) - r) ** 2 + ((q % cols) - c) ** 2;
          if (d2 < bestD2 || (d2 === bestD2 && q < best)) {
            best = q;
            bestD2 = d2;
          }
        }
        expect(st.nearest[s]).toBe(best);
        expect(st.distance[s]).toBeCloseTo(Math.sqrt(bestD2), 12);
      }
    }
  });

  it('rejects an order that is not a permutation of the grid', () => {
    expect(() => contextStats([0, 1, 1, 2], 2, 2)).toThrow(RangeError);
    expect(() => contextStats([0, 1, 2], 2, 2)).toThrow(RangeError);
  });
});

describe('predictorErrors', () => {
  // 2×2 grid of constant grey patches: a = 0.2 (top-left), b = 0.4, c = 0.6, d = 1.0 (bottom-right).
  const grid = constantGrid(2, 2, [0.2, 0.4, 0.6, 1.0]);

  it('predicts grey 0.5 at step 0 and matches hand-computed MSEs for a 2×2 raster', () => {
    const e = predictorErrors(grid, patchOrder('raster', 2, 2));
    // s=0: (0.2−0.5)². s=1: copy/mean = a. s=2: nearest = a (distance 1 beats b at √2). s=3: copy = up (b), mean = (b+c)/2.
    const copy = [0.09, 0.04, 0.16, 0.36];
    const mean = [0.09, 0.04, 0.16, 0.25];
    copy.forEach((v, s) => expect(e.copy[s]).toBeCloseTo(v, 6));
    mean.forEach((v, s) => expect(e.mean[s]).toBeCloseTo(v, 6));
    // Too few training patches for any fit on a 2×2 grid: linear falls back to mean everywhere.
    expect(e.linearFitted).toEqual([false, false, false, false]);
    expect(e.linear).toEqual(e.mean);
  });

  it('falls back from mean to the nearest patch when no 4-neighbour is visible', () => {
    const g = constantGrid(2, 2, [0.2, 0.4, 0.6, 0.8]);
    const e = predictorErrors(g, [0, 3, 1, 2]);
    // s=1: d sees only a (diagonal): both predict 0.2. s=2: b between a (left) and d (down): copy = left = a,
    // mean = 0.5. s=3: c between a (up) and d (right): copy = up = a, mean = 0.5.
    [0.09, 0.36, 0.04, 0.16].forEach((v, s) => expect(e.copy[s]).toBeCloseTo(v, 6));
    [0.09, 0.36, 0.01, 0.01].forEach((v, s) => expect(e.mean[s]).toBeCloseTo(v, 6));
  });

  it('averages the MSE over all three channels', () => {
    const g = constantGrid(1, 2, [[0.2, 0.4, 0.6], [0.5, 0.4, 0.3]]);
    const e = predictorErrors(g, [0, 1]);
    expect(e.copy[0]).toBeCloseTo((0.09 + 0.01 + 0.01) / 3, 6);
    expect(e.copy[1]).toBeCloseTo((0.09 + 0 + 0.09) / 3, 6);
  });

  it('breaks copy ties among 4-neighbours in the order up, left, right, down', () => {
    // 3×3 grid, cell i has grey i/10; the centre (4) is predicted after some of its 4-neighbours.
    const g = constantGrid(3, 3, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    const rest = (first: number[]) => [...first, ...[0, 1, 2, 3, 4, 5, 6, 7, 8].filter((i) => !first.includes(i))];
    const cases: [number[], number][] = [[[7, 5, 3, 1, 4], 1], [[7, 5, 3, 4], 3], [[7, 5, 4], 5], [[7, 4], 7]];
    for (const [first, expected] of cases) {
      const order = rest(first);
      const s = first.length - 1;
      expect(contextStats(order, 3, 3).nearest[s]).toBe(expected);
      expect(predictorErrors(g, order).copy[s]).toBeCloseTo((0.4 - expected / 10) ** 2, 6);
    }
  });

  it('fits an exact linear relation of the up and left neighbours once enough patches are generated', () => {
    // Top row and left column random; every other value = 0.5·up + 0.3·left + 0.1 (per pixel and channel).
    const rows = 6;
    const cols = 6;
    const patch = 2;
    const img = createImage(cols * patch, rows * patch);
    const rand = mulberry32(5);
    const at = (x: number, y: number, ch: number) => (y * img.width + x) * 3 + ch;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        for (let ch = 0; ch < 3; ch++) {
          img.data[at(x, y, ch)] = y < patch || x < patch ? rand() : 0.5 * img.data[at(x, y - patch, ch)] + 0.3 * img.data[at(x - patch, y, ch)] + 0.1;
        }
      }
    }
    const e = predictorErrors(patchGrid(img, patch), patchOrder('raster', rows, cols));
    for (let r = 3; r < rows; r++) {
      for (let c = 1; c < cols; c++) {
        const s = r * cols + c;
        expect(e.linearFitted[s]).toBe(true);
        // Not exactly 0: the ridge towards `mean` leaves θ − θ* ≈ ρ·G⁻¹·(θ0 − θ*), and since the relation is
        // exact the mean predictor's error is that of θ0 − θ*, so linear/mean ≈ (ρ/λ(G))², ρ/λ(G) = O(1/count).
        // With ≥ 11 training patches here the ratio is at most 2.5e-5 (the smallest counts, row 3); 1e-4 is the
        // bound (ρ/λ ≤ 1%). The old plain least squares reached < 1e-10 absolute.
        expect(e.linear[s]).toBeLessThan(1e-4 * e.mean[s]);
        expect(e.mean[s]).toBeGreaterThan(1e-7); // the relation smooths the image, but mean stays clearly worse
      }
    }
    // (2, 1) has only 5 training patches with both neighbours for 3 unknowns: falls back to mean.
    expect(e.linearFitted[2 * cols + 1]).toBe(false);
    e.linearFitted.forEach((fitted, s) => {
      if (!fitted) expect(e.linear[s]).toBe(e.mean[s]);
    });
  });

  it('is exact for every predictor on a uniform image, falling back from the singular linear fit', () => {
    for (const v of [0.3, 0]) {
      const g = constantGrid(5, 5, Array(25).fill(v));
      const e = predictorErrors(g, patchOrder('random', 5, 5, 1));
      expect(e.copy[0]).toBeCloseTo((v - 0.5) ** 2, 6);
      for (const series of [e.copy, e.mean, e.linear]) expect(series.slice(1).every((x) => x < 1e-12)).toBe(true);
      expect(e.linearFitted.every((f) => !f)).toBe(true);
    }
  });

  it('matches a direct pixel-by-pixel evaluation of all three predictors on a random image', () => {
    const rows = 5;
    const cols = 6;
    const g = randomGrid(rows, cols, 2, 21);
    const P = g.patches[0].length;
    const dirs: [number, number][] = [[-1, 0], [0, -1], [0, 1], [1, 0]]; // up, left, right, down
    const at = (r: number, c: number) => (r >= 0 && r < rows && c >= 0 && c < cols ? r * cols + c : -1);
    const mseOf = (t: Float32Array, pred: (i: number) => number) => {
      let e = 0;
      for (let i = 0; i < P; i++) e += (t[i] - pred(i)) ** 2;
      return e / P;
    };
    const solve = (A: number[][], b: number[]) => {
      // Gaussian elimination with partial pivoting (A is small and well conditioned here).
      const m = b.length;
      const M = A.map((row, i) => [...row, b[i]]);
      for (let j = 0; j < m; j++) {
        let p = j;
        for (let i = j + 1; i < m; i++) if (Math.abs(M[i][j]) > Math.abs(M[p][j])) p = i;
        [M[j], M[p]] = [M[p], M[j]];
        for (let i = j + 1; i < m; i++) {
          const f = M[i][j] / M[j][j];
          for (let k = j; k <= m; k++) M[i][k] -= f * M[j][k];
        }
      }
      const w = Array(m).fill(0);
      for (let i = m - 1; i >= 0; i--) {
        let v = M[i][m];
        for (let k = i + 1; k < m; k++) v -= M[i][k] * w[k];
        w[i] = v / M[i][i];
      }
      return w;
    };
    for (const kind of ['raster', 'spiral', 'center-out', 'random'] as const) {
      const order = patchOrder(kind, rows, cols, 3);
      const got = predictorErrors(g, order);
      const nearest = contextStats(order, rows, cols).nearest;
      const visible = new Set<number>();
      for (let s = 0; s < order.length; s++) {
        const x = order[s];
        const t = g.patches[x];
        const r = Math.floor(x / cols);
        const c = x % cols;
        if (s > 0) {
          const copy = mseOf(t, (i) => g.patches[nearest[s]][i]);
          const D = [0, 1, 2, 3].filter((d) => visible.has(at(r + dirs[d][0], c + dirs[d][1])));
          const nb = D.map((d) => g.patches[at(r + dirs[d][0], c + dirs[d][1])]);
          const mean = nb.length ? mseOf(t, (i) => nb.reduce((a, p) => a + p[i], 0) / nb.length) : copy;
          // Training patches: visible Q whose neighbours in every direction of D are visible.
          const training = [...visible].filter((q) =>
            D.every((d) => visible.has(at(Math.floor(q / cols) + dirs[d][0], (q % cols) + dirs[d][1]))),
          );
          let linear = mean;
          if (D.length > 0 && training.length >= 2 * (D.length + 1)) {
            // Ridge towards the mean predictor θ0 = (1/k, …, 1/k, bias 0) with ρ = LINEAR_RIDGE · RSS_mean / count:
            // (XᵀX + ρI)·θ = Xᵀy + ρ·θ0, where RSS_mean is the mean predictor's squared error on the training values.
            const m = D.length + 1;
            const theta0 = [...D.map(() => 1 / D.length), 0];
            const A = Array.from({ length: m }, () => Array(m).fill(0));
            const b = Array(m).fill(0);
            let rssMean = 0;
            for (const q of training) {
              const qn = D.map((d) => g.patches[at(Math.floor(q / cols) + dirs[d][0], (q % cols) + dirs[d][1])]);
              for (let i = 0; i < P; i++) {
                const v = [...qn.map((p) => p[i]), 1];
                rssMean += (g.patches[q][i] - v.reduce((acc, x, a) => acc + theta0[a] * x, 0)) ** 2;
                for (let a = 0; a < m; a++) {
                  b[a] += v[a] * g.patches[q][i];
                  for (let bb = 0; bb < m; bb++) A[a][bb] += v[a] * v[bb];
                }
              }
            }
            const rho = (LINEAR_RIDGE * rssMean) / training.length;
            for (let a = 0; a < m; a++) {
              A[a][a] += rho;
              b[a] += rho * theta0[a];
            }
            const w = solve(A, b);
            linear = mseOf(t, (i) => nb.reduce((acc, p, k) => acc + w[k] * p[i], w[m - 1]));
            expect(got.linearFitted[s], `${kind} step ${s}`).toBe(true);
          } else {
            expect(got.linearFitted[s], `${kind} step ${s}`).toBe(false);
          }
          expect(got.copy[s], `${kind} copy ${s}`).toBeCloseTo(copy, 10);
          expect(got.mean[s], `${kind} mean ${s}`).toBeCloseTo(mean, 10);
          expect(got.linear[s], `${kind} linear ${s}`).toBeCloseTo(linear, 10);
        }
        visible.add(x);
      }
    }
  });

  it('keeps the linear predictor sensible on sparse digit-like images (mostly black, a few bright strokes)', () => {
    // 28×28 like MNIST, 4-pixel patches (7×7 grid): 2–3 thick anti-aliased strokes on black, so about two thirds
    // of the patches are exactly 0. Plain least squares fitted weights of ±10…100 to a few dim training
    // neighbours here (per-step MSE up to 1e4, mean over steps up to 200); the ridge towards `mean` must not.
    const side = 28;
    const digitLike = (seed: number): PatchGrid => {
      const img = createImage(side, side);
      const rand = mulberry32(seed);
      const strokes = 2 + Math.floor(rand() * 2);
      for (let k = 0; k < strokes; k++) {
        let x = 6 + rand() * (side - 12);
        let y = 6 + rand() * (side - 12);
        let angle = rand() * 2 * Math.PI;
        const len = 10 + Math.floor(rand() * 10);
        for (let t = 0; t < len; t++) {
          for (let py = 0; py < side; py++) {
            for (let px = 0; px < side; px++) {
              const v = Math.min(1, Math.max(0, 2 - Math.hypot(px + 0.5 - x, py + 0.5 - y)));
              const i = (py * side + px) * 3;
              if (v > img.data[i]) img.data.fill(v, i, i + 3);
            }
          }
          angle += (rand() - 0.5) * 0.8;
          x = Math.min(side - 2, Math.max(2, x + Math.cos(angle)));
          y = Math.min(side - 2, Math.max(2, y + Math.sin(angle)));
        }
      }
      return patchGrid(img, 4);
    };
    const contextMean = (series: number[]) => series.slice(1).reduce((a, b) => a + b, 0) / (series.length - 1);
    let linearSum = 0;
    let meanSum = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const g = digitLike(seed);
      expect(g.patches.filter((p) => p.every((v) => v === 0)).length).toBeGreaterThan(g.patches.length / 2);
      for (const kind of ORDERING_KINDS) {
        const e = predictorErrors(g, patchOrder(kind, 7, 7, seed));
        const linear = contextMean(e.linear);
        const mean = contextMean(e.mean);
        expect(linear, `seed ${seed} ${kind}`).toBeLessThan(mean + 0.02);
        expect(Math.max(...e.linear.slice(1)), `seed ${seed} ${kind}`).toBeLessThanOrEqual(1);
        expect(e.linearFitted.some((f) => f), `seed ${seed} ${kind}`).toBe(true);
        linearSum += linear;
        meanSum += mean;
      }
    }
    // Over all grids and orderings the fit helps (≈ 0.120 against 0.133).
    expect(linearSum).toBeLessThan(meanSum);
  });

  it('is deterministic and finite for every ordering on a random image', () => {
    const g = randomGrid(8, 6, 3, 9);
    for (const kind of ORDERING_KINDS) {
      const order = patchOrder(kind, 8, 6, 4);
      const a = predictorErrors(g, order);
      expect(predictorErrors(g, order)).toEqual(a);
      for (const series of [a.copy, a.mean, a.linear]) {
        expect(series).toHaveLength(48);
        expect(series.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
      }
    }
  });

  it('rejects an order that does not match the grid', () => {
    expect(() => predictorErrors(grid, [0, 1, 2])).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('gives mean, population std, min, max and count ignoring NaN', () => {
    expect(summarize([1, NaN, 3])).toEqual({ mean: 2, std: 1, min: 1, max: 3, n: 2 });
    expect(summarize(Float64Array.from([5]))).toEqual({ mean: 5, std: 0, min: 5, max: 5, n: 1 });
  });

  it('gives NaN statistics and n = 0 when there is nothing to summarize', () => {
    expect(summarize([])).toEqual({ mean: NaN, std: NaN, min: NaN, max: NaN, n: 0 });
    expect(summarize([NaN, NaN]).n).toBe(0);
  });
});
