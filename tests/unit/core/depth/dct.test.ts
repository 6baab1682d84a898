import { describe, expect, it } from 'vitest';
import { blockDctCode, blockDctKeep, dct2, dct2Rect, idct2, wholeDctCoefficients, wholeDctFromCoefficients, wholeDctKeep, zigzagOrder, zigzagOrderRect } from '../../../../src/core/depth/dct';
import { createImage } from '../../../../src/core/image';
import { mse } from '../../../../src/core/metrics';
import { mulberry32 } from '../../../../src/core/random';
import { randomImage } from '../../../randomImages';

function randomBlock(n: number, seed: number): Float64Array {
  const r = mulberry32(seed);
  return Float64Array.from({ length: n * n }, () => r());
}

/** The DCT-II definition, term by term: X[k,l] = a_k a_l Σ_i Σ_j x[i,j] cos(π(2i+1)k/2n) cos(π(2j+1)l/2n). */
function naiveCoefficient(x: Float64Array, n: number, k: number, l: number): number {
  const a = (f: number) => (f === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n));
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) s += x[i * n + j] * Math.cos((Math.PI * (2 * i + 1) * k) / (2 * n)) * Math.cos((Math.PI * (2 * j + 1) * l) / (2 * n));
  }
  return a(k) * a(l) * s;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('dct2 / idct2', () => {
  // n = 8 and 12 use the cosine matrix, 32 and 64 the FFT (Makhoul) path.
  it.each([8, 12, 32, 64])('matches the naive DCT-II definition at n = %i (to 1e-10)', (n) => {
    const x = randomBlock(n, n);
    const X = dct2(x, n);
    // Every coefficient for small n; 64 spread-out (k, l) pairs (including the corners) for large n.
    const r = mulberry32(n + 1);
    const pairs = n <= 12 ? Array.from({ length: n * n }, (_, i) => [Math.floor(i / n), i % n]) : [[0, 0], [0, n - 1], [n - 1, 0], [n - 1, n - 1], ...Array.from({ length: 60 }, () => [Math.floor(r() * n), Math.floor(r() * n)])];
    for (const [k, l] of pairs) expect(Math.abs(X[k * n + l] - naiveCoefficient(x, n, k, l))).toBeLessThan(1e-10);
  });

  it.each([8, 12, 64, 512])('round-trips idct2(dct2(x)) = x at n = %i (to 1e-6)', (n) => {
    const x = randomBlock(n, 100 + n);
    expect(maxAbsDiff(idct2(dct2(x, n), n), x)).toBeLessThan(1e-6);
  });

  it.each([8, 64])('is orthonormal: Parseval Σx² = ΣX² at n = %i (relative 1e-9)', (n) => {
    const x = randomBlock(n, 7);
    const X = dct2(x, n);
    const e = x.reduce((s, v) => s + v * v, 0);
    const E = X.reduce((s, v) => s + v * v, 0);
    expect(Math.abs(E - e) / e).toBeLessThan(1e-9);
  });

  it('puts a constant block entirely into the DC coefficient, n·value (to 1e-12)', () => {
    for (const n of [8, 64]) {
      const X = dct2(new Float64Array(n * n).fill(0.3), n);
      expect(X[0]).toBeCloseTo(n * 0.3, 12);
      expect(maxAbsDiff(X.subarray(1), new Float64Array(n * n - 1))).toBeLessThan(1e-12);
    }
  });

  it('matches scipy.fft.dctn(norm="ortho") reference values (to 1e-12)', () => {
    // Reference (Python 3, scipy 1.10.1):
    //   from scipy.fft import dctn; import numpy as np
    //   x = np.array([[((i*8+j)*37 % 23)/22 for j in range(8)] for i in range(8)]); X = dctn(x, norm='ortho')
    //   X[0,0], X[1,2], X[7,7], X[3,0]
    //   y = np.array([[((i*64+j)*37 % 23)/22 for j in range(64)] for i in range(8)]); Y = dctn(y, norm='ortho')
    //   Y[0,0], Y[1,2], Y[7,63], Y[3,17]
    const x = Float64Array.from({ length: 64 }, (_, i) => ((i * 37) % 23) / 22);
    const X = dct2(x, 8);
    expect(X[0]).toBeCloseTo(3.9375000000000004, 12);
    expect(X[1 * 8 + 2]).toBeCloseTo(-0.09162290803029058, 12);
    expect(X[7 * 8 + 7]).toBeCloseTo(0.4362280748996634, 12);
    expect(X[3 * 8 + 0]).toBeCloseTo(-0.1428427331220341, 12);
    // A 64-wide, 8-high array: FFT along rows, matrix along columns.
    const y = Float64Array.from({ length: 8 * 64 }, (_, i) => ((i * 37) % 23) / 22);
    const Y = dct2Rect(y, 64, 8);
    expect(Y[0]).toBeCloseTo(11.279558455575184, 12);
    expect(Y[1 * 64 + 2]).toBeCloseTo(-0.041194863678167735, 12);
    expect(Y[7 * 64 + 63]).toBeCloseTo(0.012725379304579787, 12);
    expect(Y[3 * 64 + 17]).toBeCloseTo(-0.18510648275150648, 12);
  });

  it('transforms a 512² block and back in well under a second', () => {
    const x = randomBlock(512, 3);
    const t0 = performance.now();
    idct2(dct2(x, 512), 512);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('zigzagOrder', () => {
  it('starts 0, 1, n, 2n, n+1, 2, 3, n+2 (JPEG order)', () => {
    const n = 8;
    expect(Array.from(zigzagOrder(n).slice(0, 8))).toEqual([0, 1, n, 2 * n, n + 1, 2, 3, n + 2]);
  });

  it('equals the JPEG zig-zag table for 8×8 (ITU-T T.81, Figure 5)', () => {
    // prettier-ignore
    const jpeg = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6,
      7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60,
      61, 54, 47, 55, 62, 63];
    expect(Array.from(zigzagOrder(8))).toEqual(jpeg);
  });

  it('is a permutation whose anti-diagonal index r + c never decreases (also on w×h grids)', () => {
    for (const [w, h] of [[8, 8], [5, 3], [2, 7]]) {
      const order = zigzagOrderRect(w, h);
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: w * h }, (_, i) => i));
      for (let i = 1; i < order.length; i++) {
        const s0 = Math.floor(order[i - 1] / w) + (order[i - 1] % w);
        const s1 = Math.floor(order[i] / w) + (order[i] % w);
        expect(s1).toBeGreaterThanOrEqual(s0);
      }
    }
  });
});

describe('blockDctKeep and wholeDctKeep', () => {
  it('are exact when every coefficient is kept (to 1e-6), including partial edge blocks', () => {
    const img = randomImage(20, 13, 5);
    expect(maxAbsDiff(blockDctKeep(img, 8, 64).data, img.data)).toBeLessThan(1e-6);
    expect(maxAbsDiff(wholeDctKeep(img, 20 * 13).data, img.data)).toBeLessThan(1e-6);
  });

  it('keep = 1 gives each block its mean (the DC term) and the whole image its channel means (to 1e-6)', () => {
    const img = randomImage(16, 16, 6);
    const block = blockDctKeep(img, 8, 1);
    const whole = wholeDctKeep(img, 1);
    for (let ch = 0; ch < 3; ch++) {
      let s = 0;
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) s += img.data[(y * 16 + x) * 3 + ch];
      expect(block.data[ch]).toBeCloseTo(s / 64, 6);
      let t = 0;
      for (let p = 0; p < 256; p++) t += img.data[3 * p + ch];
      expect(whole.data[ch]).toBeCloseTo(t / 256, 6);
    }
  });

  it('never gets worse as more coefficients are kept (orthonormal truncation; MSE non-increasing to 1e-12)', () => {
    const img = randomImage(16, 16, 8);
    let prevBlock = Infinity;
    let prevWhole = Infinity;
    const coeffs = wholeDctCoefficients(img);
    for (let keep = 0; keep <= 64; keep += 4) {
      const b = mse(blockDctKeep(img, 8, keep), img);
      const w = mse(wholeDctFromCoefficients(coeffs, 16, 16, keep * 4).image, img);
      expect(b).toBeLessThanOrEqual(prevBlock + 1e-12);
      expect(w).toBeLessThanOrEqual(prevWhole + 1e-12);
      prevBlock = b;
      prevWhole = w;
    }
  });

  it('quantizes kept coefficients with error at most step/2 per coefficient and reports their levels', () => {
    const img = randomImage(8, 8, 9);
    const step = 0.05;
    const code = blockDctCode(img, 8, 64, step);
    expect(code.levels).toHaveLength(3 * 64);
    // Orthonormal: the pixel-domain squared error equals the coefficient-domain one, ≤ (step/2)² per value.
    expect(mse(code.image, img)).toBeLessThanOrEqual((step / 2) ** 2 + 1e-9);
    expect(code.rate!.entropyBpp).toBeLessThanOrEqual(code.rate!.fixedBpp + 1e-9);
  });

  it('rejects keep outside 0…block²', () => {
    expect(() => blockDctKeep(createImage(8, 8), 8, 65)).toThrow(RangeError);
    expect(() => wholeDctKeep(createImage(4, 4), -1)).toThrow(RangeError);
  });
});
