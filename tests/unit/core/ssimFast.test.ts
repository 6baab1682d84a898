import { describe, expect, it } from 'vitest';
import { createImage, type RgbImage } from '../../../src/core/image';
import { luma, ssim, ssimGray } from '../../../src/core/metrics';
import { mulberry32 } from '../../../src/core/random';
import { ssimAgainst, ssimGrayAgainst, ssimGrayReference, ssimReference } from '../../../src/core/ssimFast';
import { randomImage } from '../../randomImages';

/** `img` plus seeded noise of amplitude `a`: similar enough that SSIM is far from 0 (a realistic step). */
function noisy(img: RgbImage, a: number, seed: number): RgbImage {
  const r = mulberry32(seed);
  const out = createImage(img.width, img.height);
  for (let i = 0; i < out.data.length; i++) out.data[i] = img.data[i] + a * (r() - 0.5);
  return out;
}

/** A smooth image (gradients and a slow sinusoid), where the local variances are small and cancellation bites. */
function smoothImage(w: number, h: number): RgbImage {
  const img = createImage(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) img.data[(y * w + x) * 3 + c] = 0.5 + 0.3 * Math.sin(x / 9 + c) * Math.cos(y / 13);
  return img;
}

describe('ssimAgainst (a prepared reference)', () => {
  it.each([[11, 11], [20, 18], [64, 48], [37, 100]])('equals metrics.ssim on random and related images at %i×%i (to 1e-9)', (w, h) => {
    const ref = randomImage(w, h, w * h);
    const prepared = ssimReference(ref);
    for (const [i, img] of [randomImage(w, h, 1), noisy(ref, 0.1, 2), noisy(ref, 0.01, 3), ref].entries()) {
      expect(Math.abs(ssimAgainst(prepared, img) - ssim(img, ref)), `image ${i}`).toBeLessThan(1e-9);
    }
  });

  it('equals metrics.ssim on a smooth image and its slightly perturbed copies (to 1e-9)', () => {
    const ref = smoothImage(96, 80);
    const prepared = ssimReference(ref);
    for (const a of [0.2, 0.02, 0.002]) expect(Math.abs(ssimAgainst(prepared, noisy(ref, a, 7)) - ssim(noisy(ref, a, 7), ref))).toBeLessThan(1e-9);
  });

  it('gives the same answer whatever was scored before (the scratch space carries nothing over)', () => {
    const ref = randomImage(40, 30, 9);
    const prepared = ssimReference(ref);
    const a = noisy(ref, 0.05, 10);
    const first = ssimAgainst(prepared, a);
    ssimAgainst(prepared, randomImage(40, 30, 11));
    expect(ssimAgainst(prepared, a)).toBe(first);
    expect(ssimAgainst(prepared, ref)).toBeCloseTo(1, 12);
  });

  it('equals ssimGray on single-channel data, with the reference as the second argument (to 1e-9)', () => {
    const y = luma(randomImage(33, 21, 12));
    const x = luma(noisy(randomImage(33, 21, 12), 0.2, 13));
    expect(Math.abs(ssimGrayAgainst(ssimGrayReference(y, 33, 21), x) - ssimGray(x, y, 33, 21))).toBeLessThan(1e-9);
  });

  it('rejects images under 11×11 and size mismatches, as metrics.ssim does', () => {
    expect(() => ssimReference(randomImage(10, 12, 1))).toThrow(RangeError);
    const prepared = ssimReference(randomImage(12, 12, 1));
    expect(() => ssimAgainst(prepared, randomImage(12, 13, 2))).toThrow(RangeError);
    expect(() => ssimGrayAgainst(ssimGrayReference(new Float64Array(144), 12, 12), new Float64Array(143))).toThrow(RangeError);
  });
});
