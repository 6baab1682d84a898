import { describe, expect, it } from 'vitest';
import { fft, fft2, isPowerOfTwo } from '../../../src/core/fft';
import { mulberry32 } from '../../../src/core/random';

function randomArrays(n: number, seed: number): [Float64Array, Float64Array] {
  const r = mulberry32(seed);
  return [Float64Array.from({ length: n }, () => 2 * r() - 1), Float64Array.from({ length: n }, () => 2 * r() - 1)];
}

/** X_k = Σ_j x_j e^{−2πi jk/N}, straight from the definition. */
function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      outRe[k] += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      outIm[k] += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
  }
  return [outRe, outIm];
}

const maxDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('radix-2 FFT', () => {
  it('matches a naive DFT to 1e-9 for n = 1 … 256', () => {
    for (const n of [1, 2, 4, 8, 16, 64, 256]) {
      const [re, im] = randomArrays(n, n);
      const [dr, di] = naiveDft(re, im);
      fft(re, im);
      expect(maxDiff(re, dr), `n=${n}`).toBeLessThan(1e-9);
      expect(maxDiff(im, di), `n=${n}`).toBeLessThan(1e-9);
    }
  });

  it('inverse undoes forward (tol 1e-12)', () => {
    const [re, im] = randomArrays(128, 5);
    const [r0, i0] = [re.slice(), im.slice()];
    fft(re, im);
    fft(re, im, true);
    expect(maxDiff(re, r0)).toBeLessThan(1e-12);
    expect(maxDiff(im, i0)).toBeLessThan(1e-12);
  });

  it('satisfies Parseval: Σ|x|² = Σ|X|²/N, in 1D and 2D (relative tol 1e-12)', () => {
    const [re, im] = randomArrays(512, 9);
    const e0 = re.reduce((s, v, i) => s + v * v + im[i] * im[i], 0);
    fft(re, im);
    const e1 = re.reduce((s, v, i) => s + v * v + im[i] * im[i], 0) / 512;
    expect(Math.abs(e1 / e0 - 1)).toBeLessThan(1e-12);

    const n = 32;
    const [r2, i2] = randomArrays(n * n, 10);
    const f0 = r2.reduce((s, v, i) => s + v * v + i2[i] * i2[i], 0);
    fft2(r2, i2, n);
    const f1 = r2.reduce((s, v, i) => s + v * v + i2[i] * i2[i], 0) / (n * n);
    expect(Math.abs(f1 / f0 - 1)).toBeLessThan(1e-12);
  });

  it('fft2 equals the 2D DFT definition X[u,v] = Σ x[y,x] e^{−2πi(uy + vx)/n} (tol 1e-9, n = 8)', () => {
    const n = 8;
    const [re, im] = randomArrays(n * n, 3);
    const expRe = new Float64Array(n * n);
    const expIm = new Float64Array(n * n);
    for (let u = 0; u < n; u++) {
      for (let v = 0; v < n; v++) {
        for (let y = 0; y < n; y++) {
          for (let x = 0; x < n; x++) {
            const a = (-2 * Math.PI * (u * y + v * x)) / n;
            const i = y * n + x;
            expRe[u * n + v] += re[i] * Math.cos(a) - im[i] * Math.sin(a);
            expIm[u * n + v] += re[i] * Math.sin(a) + im[i] * Math.cos(a);
          }
        }
      }
    }
    fft2(re, im, n);
    expect(maxDiff(re, expRe)).toBeLessThan(1e-9);
    expect(maxDiff(im, expIm)).toBeLessThan(1e-9);
  });

  it('rejects lengths that are not powers of two', () => {
    expect(isPowerOfTwo(64)).toBe(true);
    expect(isPowerOfTwo(48)).toBe(false);
    expect(() => fft(new Float64Array(12), new Float64Array(12))).toThrow(RangeError);
    expect(() => fft2(new Float64Array(16), new Float64Array(16), 3)).toThrow(RangeError);
  });
});
