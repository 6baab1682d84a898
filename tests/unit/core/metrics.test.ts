import { describe, expect, it } from 'vitest';
import { createImage } from '../../../src/core/image';
import { entropyBits, mse, psnr } from '../../../src/core/metrics';

describe('mse and psnr', () => {
  it('match the definitions: mean over all values, 10·log10(1/MSE) with peak 1', () => {
    const a = createImage(2, 1);
    const b = createImage(2, 1);
    b.data.set([0.1, 0, 0, 0, 0.2, 0]);
    const expected = (0.1 ** 2 + 0.2 ** 2) / 6;
    expect(mse(a, b)).toBeCloseTo(expected, 7);
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10(1 / expected), 4);
  });

  it('gives 20 dB for a uniform error of 0.1', () => {
    const a = createImage(3, 3);
    const b = createImage(3, 3);
    b.data.fill(0.1);
    expect(psnr(a, b)).toBeCloseTo(20, 4);
  });

  it('is Infinity for identical images', () => {
    const a = createImage(4, 4);
    expect(psnr(a, { ...a, data: a.data.slice() })).toBe(Infinity);
  });

  it('refuses images of different sizes', () => {
    expect(() => mse(createImage(2, 2), createImage(2, 3))).toThrow(RangeError);
  });
});

describe('entropyBits', () => {
  it('is 1 bit for a fair coin, 0 for a constant and log2(n) for n equal bins', () => {
    expect(entropyBits([5, 5])).toBeCloseTo(1, 12);
    expect(entropyBits([0, 9])).toBe(0);
    expect(entropyBits([3, 3, 3, 3, 3, 3, 3, 3])).toBeCloseTo(3, 12);
    expect(entropyBits([1, 3])).toBeCloseTo(-(0.25 * Math.log2(0.25) + 0.75 * Math.log2(0.75)), 12);
  });
});
