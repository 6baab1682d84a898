import { describe, expect, it } from 'vitest';
import { modelToPixel, pixelToModel, stepOfT, tOfStep } from '../../../src/core/conventions';
import { gaussian, mulberry32 } from '../../../src/core/random';

describe('conventions', () => {
  it('maps pixels [0,1] to model space [−1,1] and back', () => {
    expect(pixelToModel(0)).toBe(-1);
    expect(pixelToModel(1)).toBe(1);
    expect(modelToPixel(pixelToModel(0.37))).toBeCloseTo(0.37, 12);
  });

  it('puts step i at t = (i+1)/N and maps every step back to itself', () => {
    expect(tOfStep(0, 1000)).toBeCloseTo(0.001, 12);
    expect(tOfStep(999, 1000)).toBe(1);
    for (const i of [0, 1, 499, 998, 999]) expect(stepOfT(tOfStep(i, 1000), 1000)).toBe(i);
    expect(stepOfT(0, 1000)).toBe(0);
    expect(stepOfT(0.0015, 1000)).toBe(1);
  });
});

describe('seeded random', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const sa = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(sa);
    expect([c(), c(), c()]).not.toEqual(sa);
  });

  it('draws standard normals with mean ≈ 0 and variance ≈ 1', () => {
    const g = gaussian(mulberry32(1));
    let s = 0, s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = g();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });
});
