import { describe, expect, it } from 'vitest';
import { fixedRateBits, entropyRateBits } from '../../../../src/core/depth/rate';
import { initialResidualEnergy, scaleGrid, scalePyramid, VAR_SCALES, varScalesFor } from '../../../../src/core/depth/scales';
import { createImage, resizeArea, type RgbImage } from '../../../../src/core/image';
import { mse, psnr } from '../../../../src/core/metrics';
import { mulberry32 } from '../../../../src/core/random';

function synth(w: number, h: number, f: (x: number, y: number, c: number) => number): RgbImage {
  const img = createImage(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) img.data[(y * w + x) * 3 + c] = f(x, y, c);
  return img;
}

/** A photo-like test image: smooth shading, an edge, and seeded texture. */
function photoLike(n: number, seed: number): RgbImage {
  const r = mulberry32(seed);
  return synth(n, n, (x, y, c) => 0.45 + 0.25 * Math.sin(x / 9 + c) * Math.cos(y / 7) + (x > n / 3 ? 0.15 : 0) + 0.08 * (r() - 0.5));
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('VAR scales', () => {
  it('are VAR’s ten token maps per side', () => {
    expect(VAR_SCALES).toEqual([1, 2, 3, 4, 5, 6, 8, 10, 13, 16]);
  });

  it('varScalesFor(size) keeps the VAR scales below size, doubles from 32, and ends at size', () => {
    expect(varScalesFor(128)).toEqual([1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 32, 64, 128]);
    expect(varScalesFor(32)).toEqual([1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 32]);
    expect(varScalesFor(16)).toEqual([1, 2, 3, 4, 5, 6, 8, 10, 13, 16]);
    expect(varScalesFor(12)).toEqual([1, 2, 3, 4, 5, 6, 8, 10, 12]);
  });

  it('scaleGrid puts k tokens along the longer side', () => {
    expect(scaleGrid(16, 64, 64)).toEqual({ width: 16, height: 16 });
    expect(scaleGrid(16, 64, 32)).toEqual({ width: 16, height: 8 });
    expect(scaleGrid(1, 64, 32)).toEqual({ width: 1, height: 1 });
  });
});

describe('scalePyramid', () => {
  const img = photoLike(64, 1);
  const steps = scalePyramid(img, varScalesFor(64));

  it('is exact at full depth when the last scale is the image size (to 1e-6)', () => {
    const last = steps[steps.length - 1];
    expect(maxAbsDiff(last.reconstruction.data, img.data)).toBeLessThan(1e-6);
    expect(last.residualEnergy).toBeLessThan(1e-12);
  });

  it('starts with the image mean: scale 1 is the 1×1 area average, up-sampled (to 1e-6)', () => {
    const mean = resizeArea(img, 1, 1).data;
    for (let p = 0; p < 64 * 64; p += 97) for (let c = 0; c < 3; c++) expect(steps[0].reconstruction.data[3 * p + c]).toBeCloseTo(mean[c], 6);
  });

  it('adds, at each scale, exactly what the step reports (reconstruction_d = reconstruction_{d−1} + added to 1e-6; energy = MSE to relative 1e-12, PSNR as metrics.psnr)', () => {
    for (let d = 1; d < steps.length; d++) {
      const sum = steps[d - 1].reconstruction.data.map((v, i) => v + steps[d].added.data[i]);
      expect(maxAbsDiff(sum, steps[d].reconstruction.data)).toBeLessThan(1e-6);
      const m = mse(steps[d].reconstruction, img);
      expect(Math.abs(steps[d].residualEnergy - m)).toBeLessThanOrEqual(1e-12 * m);
      if (m > 0) expect(steps[d].psnr).toBeCloseTo(psnr(steps[d].reconstruction, img), 9);
    }
  });

  it('has non-increasing residual energy on photo-like images (relative 1e-9)', () => {
    for (const seed of [1, 2, 3]) {
      const im = photoLike(64, seed);
      let prev = initialResidualEnergy(im);
      for (const s of scalePyramid(im, varScalesFor(64))) {
        expect(s.residualEnergy).toBeLessThanOrEqual(prev * (1 + 1e-9));
        prev = s.residualEnergy;
      }
    }
  });

  it('is not guaranteed to lower the residual: a 4-pixel checkerboard raises it at some scale (bicubic ∘ area is no projection)', () => {
    const board = synth(64, 64, (x, y) => ((x >> 2) + (y >> 2)) % 2);
    let prev = initialResidualEnergy(board);
    let rises = 0;
    for (const s of scalePyramid(board, varScalesFor(64))) {
      if (s.residualEnergy > prev * (1 + 1e-9)) rises++;
      prev = s.residualEnergy;
    }
    expect(rises).toBeGreaterThan(0);
  });

  it('with a quantizer step: tokens are level·step, the final error is ≤ step/2, and the rate is as stated', () => {
    const step = 1 / 64;
    const q = scalePyramid(img, varScalesFor(64), { step });
    let cumFixed = 0;
    for (const s of q) {
      s.levels!.forEach((l, i) => expect(s.tokens.data[i]).toBeCloseTo(l * step, 6));
      const fixed = fixedRateBits(s.levels!) / (64 * 64);
      expect(s.rate!.fixedBpp).toBeCloseTo(fixed, 12);
      expect(s.rate!.entropyBpp).toBeCloseTo(entropyRateBits(s.levels!) / (64 * 64), 12);
      cumFixed += fixed;
      expect(s.cumulativeRate!.fixedBpp).toBeCloseTo(cumFixed, 12);
    }
    expect(maxAbsDiff(q[q.length - 1].reconstruction.data, img.data)).toBeLessThanOrEqual(step / 2 + 1e-6);
  });

  it('works on non-square images (k along the longer side) and stays exact at full size (to 1e-6)', () => {
    const im = synth(40, 24, (x, y, c) => 0.5 + 0.4 * Math.sin(x / 5 + y / 3 + c));
    const s = scalePyramid(im, varScalesFor(40));
    expect(s[0].tokens.width).toBe(1);
    expect(s[s.length - 1].tokens.width).toBe(40);
    expect(s[s.length - 1].tokens.height).toBe(24);
    expect(maxAbsDiff(s[s.length - 1].reconstruction.data, im.data)).toBeLessThan(1e-6);
  });
});
