// The fast DCT paths (paired real FFTs with transposing passes, pruned inverses of low-pass corners, cached
// block coefficients) against the straightforward definitions written out here.
import { describe, expect, it } from 'vitest';
import { blockDctCode, blockDctCoefficients, blockDctFromCoefficients, wholeDctCoefficients, wholeDctFromCoefficients, zigzagOrder, zigzagOrderRect } from '../../../../src/core/depth/dct';
import { dct2Rect, idct2Lowpass } from '../../../../src/core/depth/dctTransform';
import { quantizeLevel } from '../../../../src/core/depth/rate';
import { createImage, type RgbImage } from '../../../../src/core/image';
import { mulberry32 } from '../../../../src/core/random';

/** C[k][i] = a_k cos(π(2i+1)k/(2n)), the orthonormal DCT-II matrix, from its definition. */
const matrices = new Map<number, Float64Array>();
function dctMatrix(n: number): Float64Array {
  if (matrices.has(n)) return matrices.get(n)!;
  const m = new Float64Array(n * n);
  matrices.set(n, m);
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) m[k * n + i] = (k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n)) * Math.cos((Math.PI * (2 * i + 1) * k) / (2 * n));
  return m;
}

/** Forward X = C_h·x·C_wᵀ or inverse x = C_hᵀ·X·C_w of a w×h row-major array, by plain matrix products. */
function matrixDct2(x: ArrayLike<number>, w: number, h: number, inverse: boolean): Float64Array {
  const cw = dctMatrix(w), ch = dctMatrix(h);
  const at = (m: Float64Array, n: number, r: number, c: number) => (inverse ? m[c * n + r] : m[r * n + c]);
  const tmp = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let k = 0; k < w; k++) {
    let s = 0;
    for (let i = 0; i < w; i++) s += at(cw, w, k, i) * x[y * w + i];
    tmp[y * w + k] = s;
  }
  const out = new Float64Array(w * h);
  for (let k = 0; k < h; k++) for (let c = 0; c < w; c++) {
    let s = 0;
    for (let i = 0; i < h; i++) s += at(ch, h, k, i) * tmp[i * w + c];
    out[k * w + c] = s;
  }
  return out;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

function randomArray(n: number, seed: number): Float64Array {
  const r = mulberry32(seed);
  return Float64Array.from({ length: n }, () => r());
}

function randomImage(w: number, h: number, seed: number): RgbImage {
  const img = createImage(w, h);
  img.data.set(randomArray(img.data.length, seed));
  return img;
}

describe('dct2Rect (paired real FFTs, transposing passes)', () => {
  // 128² and 64×32: FFT both ways; 32×33: an odd number of rows (one line without a partner);
  // 256×8 and 12×64: FFT one way, cosine matrix the other.
  it.each([[128, 128], [64, 32], [32, 33], [256, 8], [12, 64]])('equals the matrix DCT at %i×%i, forward and inverse (to 1e-9)', (w, h) => {
    const x = randomArray(w * h, w + h);
    expect(maxAbsDiff(dct2Rect(x, w, h), matrixDct2(x, w, h, false))).toBeLessThan(1e-9);
    expect(maxAbsDiff(dct2Rect(x, w, h, true), matrixDct2(x, w, h, true))).toBeLessThan(1e-9);
  });

  // The double sum of the definition itself, X[k][l] = a_k a_l Σ_y Σ_x x[y][x] cos(π(2x+1)l/(2w)) cos(π(2y+1)k/(2h)),
  // with no shared tables: at a non-power-of-two size (cosine matrix), at power-of-two sizes through the FFT
  // (64×40: 40 rows, a partial block of eight in the row pass; 32×64), and mixed (24×32).
  it.each([[12, 10], [64, 40], [32, 64], [24, 32]])('equals the DCT-II double-sum definition at %i×%i, and its inverse returns the input (to 1e-9)', (w, h) => {
    const x = randomArray(w * h, 7 * w + h);
    const a = (k: number, n: number) => (k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n));
    const X = dct2Rect(x, w, h);
    let worst = 0;
    for (let k = 0; k < h; k++) for (let l = 0; l < w; l++) {
      let s = 0;
      for (let y = 0; y < h; y++) for (let i = 0; i < w; i++) s += x[y * w + i] * Math.cos((Math.PI * (2 * i + 1) * l) / (2 * w)) * Math.cos((Math.PI * (2 * y + 1) * k) / (2 * h));
      worst = Math.max(worst, Math.abs(a(k, h) * a(l, w) * s - X[k * w + l]));
    }
    expect(worst).toBeLessThan(1e-9);
    expect(maxAbsDiff(dct2Rect(X, w, h, true), x)).toBeLessThan(1e-9);
  });

  it('gives the same numbers whatever ran before (its intermediate array is reused between calls)', () => {
    const x = randomArray(64 * 32, 5), y = randomArray(48 * 48, 6);
    const first = dct2Rect(x, 64, 32);
    const yFirst = dct2Rect(y, 48, 48, true);
    dct2Rect(randomArray(32 * 64, 7), 32, 64);
    expect(dct2Rect(x, 64, 32)).toEqual(first);
    dct2Rect(x, 64, 32, true);
    expect(dct2Rect(y, 48, 48, true)).toEqual(yFirst);
  });

  it('reads Float32Array input like the same values in a Float64Array', () => {
    const x = Float32Array.from(randomArray(64 * 64, 3));
    expect(maxAbsDiff(dct2Rect(x, 64, 64), dct2Rect(Float64Array.from(x), 64, 64))).toBe(0);
  });
});

describe('idct2Lowpass (inverse of a low-pass corner)', () => {
  it.each([[1, 1], [2, 3], [12, 12], [13, 20], [64, 64]])('equals the full inverse when only the top-left %i×%i coefficients are non-zero (to 1e-9)', (rows, cols) => {
    const w = 64, h = 64;
    const X = randomArray(w * h, rows * 100 + cols);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (y >= rows || x >= cols) X[y * w + x] = 0;
    expect(maxAbsDiff(idct2Lowpass(X, w, h, rows, cols), matrixDct2(X, w, h, true))).toBeLessThan(1e-9);
  });

  it('reads only the corner: whatever lies outside it changes nothing', () => {
    const X = randomArray(64 * 64, 21);
    const clean = X.slice();
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if (y >= 20 || x >= 7) clean[y * 64 + x] = 0;
    expect(idct2Lowpass(X, 64, 64, 20, 7)).toEqual(idct2Lowpass(clean, 64, 64, 20, 7));
  });

  it('works on non-square and non-power-of-two grids (to 1e-9)', () => {
    for (const [w, h] of [[128, 32], [48, 40]]) {
      const X = randomArray(w * h, w);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (y >= 5 || x >= 9) X[y * w + x] = 0;
      expect(maxAbsDiff(idct2Lowpass(X, w, h, 5, 9), matrixDct2(X, w, h, true))).toBeLessThan(1e-9);
    }
  });
});

/** Whole-image truncation written out: keep the first `keep` zig-zag coefficients, quantize, invert by matrices. */
function wholeReference(img: RgbImage, keep: number, step: number): { image: Float64Array; levels: number[] } {
  const { width: w, height: h } = img;
  const order = zigzagOrderRect(w, h);
  const image = new Float64Array(w * h * 3);
  const levels: number[] = [];
  for (let ch = 0; ch < 3; ch++) {
    const plane = Float64Array.from({ length: w * h }, (_, p) => img.data[3 * p + ch]);
    const X = matrixDct2(plane, w, h, false);
    const kept = new Float64Array(w * h);
    for (let j = 0; j < keep; j++) {
      const q = quantizeLevel(X[order[j]], step);
      levels.push(q | 0); // stored in an Int32Array: −0 becomes 0
      kept[order[j]] = q * step;
    }
    const rec = matrixDct2(kept, w, h, true);
    for (let p = 0; p < w * h; p++) image[3 * p + ch] = rec[p];
  }
  return { image, levels };
}

/** Block truncation written out per 8×8 tile (image sides multiples of 8). */
function blockReference(img: RgbImage, keep: number, step: number): { image: Float64Array; levels: number[] } {
  const { width: w, height: h } = img;
  const order = zigzagOrder(8);
  const image = new Float64Array(w * h * 3);
  const levels: number[] = [];
  for (let ch = 0; ch < 3; ch++) for (let ty = 0; ty < h / 8; ty++) for (let tx = 0; tx < w / 8; tx++) {
    const tile = Float64Array.from({ length: 64 }, (_, i) => img.data[((ty * 8 + Math.floor(i / 8)) * w + tx * 8 + (i % 8)) * 3 + ch]);
    const X = matrixDct2(tile, 8, 8, false);
    const kept = new Float64Array(64);
    for (let j = 0; j < keep; j++) {
      const q = quantizeLevel(X[order[j]], step);
      levels.push(q | 0); // stored in an Int32Array: −0 becomes 0
      kept[order[j]] = q * step;
    }
    const rec = matrixDct2(kept, 8, 8, true);
    for (let i = 0; i < 64; i++) image[((ty * 8 + Math.floor(i / 8)) * w + tx * 8 + (i % 8)) * 3 + ch] = rec[i];
  }
  return { image, levels };
}

// Reconstructions are stored as float32 images: equal to the reference up to float32 rounding (2⁻²³ relative).
const F32 = 1e-6;

describe('DCT truncations through the fast paths', () => {
  it('whole-image: every keep of the Depth view equals the written-out truncation (levels exactly, pixels to float32 rounding)', () => {
    const img = randomImage(64, 32, 5);
    const coeffs = wholeDctCoefficients(img);
    for (const keep of [0, 1, 2, 7, 64, 300, 1024, 2048]) {
      const fast = wholeDctFromCoefficients(coeffs, 64, 32, keep, 4 / 255);
      const ref = wholeReference(img, keep, 4 / 255);
      expect(Array.from(fast.levels!)).toEqual(ref.levels);
      expect(maxAbsDiff(fast.image.data, ref.image)).toBeLessThan(F32);
    }
  });

  it('block: every keep from 0 to 64 equals the written-out per-tile truncation, and the cached coefficients change nothing', () => {
    const img = randomImage(24, 16, 6);
    const coeffs = blockDctCoefficients(img, 8);
    for (let keep = 0; keep <= 64; keep++) {
      const fast = blockDctFromCoefficients(coeffs, 24, 16, 8, keep, 3 / 255);
      const ref = blockReference(img, keep, 3 / 255);
      expect(Array.from(fast.levels!)).toEqual(ref.levels);
      expect(maxAbsDiff(fast.image.data, ref.image)).toBeLessThan(F32);
      expect(blockDctCode(img, 8, keep, 3 / 255).image.data).toEqual(fast.image.data);
    }
  });

  it('block: other block sizes (generic pruned inverse) match the full inverse at every keep (to float32 rounding)', () => {
    const img = randomImage(20, 12, 8);
    for (const block of [4, 5]) {
      const coeffs = blockDctCoefficients(img, block);
      const full = blockDctFromCoefficients(coeffs, 20, 12, block, block * block).image.data;
      expect(maxAbsDiff(full, img.data)).toBeLessThan(F32);
      for (let keep = 0; keep < block * block; keep++) {
        const order = zigzagOrder(block);
        // The pruned result must equal zeroing the dropped coefficients and inverting everything.
        const zeroed = coeffs.slice();
        for (let t = 0; t < zeroed.length; t += block * block) for (let j = keep; j < block * block; j++) zeroed[t + order[j]] = 0;
        const viaFull = blockDctFromCoefficients(zeroed, 20, 12, block, block * block).image.data;
        expect(maxAbsDiff(blockDctFromCoefficients(coeffs, 20, 12, block, keep).image.data, viaFull)).toBeLessThan(F32);
      }
    }
  });

  it('rejects coefficients of the wrong size', () => {
    expect(() => blockDctFromCoefficients(new Float64Array(10), 16, 16, 8, 4)).toThrow(RangeError);
  });
});
