import { describe, expect, it } from 'vitest';
import { dequantizeUniform, entropyRateBits, fixedRateBits, levelRate, observedAlphabet, quantizeUniform } from '../../../../src/core/depth/rate';

describe('rate helpers', () => {
  it('fixed-length rate is (number of symbols)·log2(alphabet) (to 1e-12)', () => {
    expect(fixedRateBits([0, 1, 2, 3], 256)).toBeCloseTo(32, 12);
    expect(fixedRateBits(new Int32Array(10), 2)).toBeCloseTo(10, 12);
    // Default alphabet: the observed range of integer levels, −2…3 → 6 symbols.
    expect(observedAlphabet([-2, 0, 3])).toBe(6);
    expect(fixedRateBits([-2, 0, 3])).toBeCloseTo(3 * Math.log2(6), 12);
    expect(fixedRateBits([5, 5, 5])).toBe(0);
  });

  it('entropy rate is N·H of the empirical distribution (to 1e-12)', () => {
    expect(entropyRateBits([0, 1, 0, 1])).toBeCloseTo(4, 12);
    expect(entropyRateBits([7, 7, 7])).toBe(0);
    // p = (1/2, 1/4, 1/4): H = 1.5 bits, 4 symbols → 6 bits.
    expect(entropyRateBits([-1, -1, 2, 3])).toBeCloseTo(6, 12);
  });

  it('entropy rate never exceeds the fixed rate over the observed alphabet', () => {
    const s = [0, 3, 3, 1, 2, 2, 2, 0, -1];
    expect(entropyRateBits(s)).toBeLessThanOrEqual(fixedRateBits(s) + 1e-12);
  });

  it('quantizes uniformly to round(v/step), halves away from zero, with error ≤ step/2', () => {
    expect(Array.from(quantizeUniform([0, 0.24, 0.25, -0.25, 0.74, -1.1], 0.5))).toEqual([0, 0, 1, -1, 1, -2]);
    const values = Array.from({ length: 50 }, (_, i) => Math.sin(i) * 3);
    const back = dequantizeUniform(quantizeUniform(values, 0.3), 0.3);
    values.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(0.15 + 1e-12));
  });

  it('rejects a non-positive step and non-integer symbols', () => {
    expect(() => quantizeUniform([1], 0)).toThrow(RangeError);
    expect(() => entropyRateBits([0.5])).toThrow(RangeError);
  });

  it('levelRate divides total bits by pixels', () => {
    const r = levelRate([0, 1, 0, 1], 2);
    expect(r.fixedBpp).toBeCloseTo(2, 12);
    expect(r.entropyBpp).toBeCloseTo(2, 12);
  });
});
