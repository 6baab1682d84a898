import { describe, expect, it } from 'vitest';
import { fft, fft2, fftContiguous } from '../../../src/core/fft';
import { mulberry32 } from '../../../src/core/random';

const random = (n: number, seed: number) => {
  const r = mulberry32(seed);
  return Float64Array.from({ length: n }, () => r() - 0.5);
};

describe('fftContiguous (radix-2 stages two at a time)', () => {
  it.each([1, 2, 4, 8, 32, 128, 1024])('gives exactly the numbers fft() gives at n = %i, forward and inverse', (n) => {
    for (const inverse of [false, true]) {
      const re = random(n, n), im = random(n, n + 1);
      const re2 = re.slice(), im2 = im.slice();
      fft(re, im, inverse);
      fftContiguous(re2, im2, n, inverse);
      expect(re2).toEqual(re);
      expect(im2).toEqual(im);
    }
  });

  it('rejects lengths that are not powers of two or exceed the arrays', () => {
    expect(() => fftContiguous(new Float64Array(6), new Float64Array(6), 6)).toThrow(RangeError);
    expect(() => fftContiguous(new Float64Array(4), new Float64Array(4), 8)).toThrow(RangeError);
  });
});

describe('fft2 (columns gathered in blocks)', () => {
  it.each([2, 16, 64])('equals fft() along every row and then every column (strided), exactly, at %i×%i', (n) => {
    for (const inverse of [false, true]) {
      const re = random(n * n, 3), im = random(n * n, 4);
      const re2 = re.slice(), im2 = im.slice();
      for (let y = 0; y < n; y++) fft(re2, im2, inverse, n, y * n, 1);
      for (let x = 0; x < n; x++) fft(re2, im2, inverse, n, x, n);
      fft2(re, im, n, inverse);
      expect(re).toEqual(re2);
      expect(im).toEqual(im2);
    }
  });
});
