import { describe, expect, it } from 'vitest';
import { createImage, type RgbImage } from '../../../../src/core/image';
import { luma, psnr, ssim, ssimGray } from '../../../../src/core/metrics';

// Reference values from scikit-image 0.19.3 (Debian python3-skimage), numpy 1.24.2:
//
//   import numpy as np
//   from skimage.metrics import structural_similarity, peak_signal_noise_ratio
//   def img(f, H, W):  # stored as float32 like RgbImage, then read as float64
//       a = np.array([[[f(x, y, c) for c in range(3)] for x in range(W)] for y in range(H)], dtype=np.float64)
//       return a.astype(np.float32).astype(np.float64)
//   def luma(a): return 0.299 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]
//   def s(a, b): return structural_similarity(luma(a), luma(b), gaussian_weights=True, sigma=1.5,
//                                             use_sample_covariance=False, data_range=1.0)
//   H, W = 18, 20
//   A = img(lambda x, y, c: ((x * 7 + y * 13 + c * 5) % 17) / 16, H, W)
//   B = img(lambda x, y, c: ((x * x * 31 + y * 17 + c * 101) % 97) / 96, H, W)
//   C = img(lambda x, y, c: (x + y + c) / 40, H, W)
//   D = img(lambda x, y, c: (x + y + c) / 40 + 0.05 * ((x * 3 + y * 5 + c) % 4 - 1.5), H, W)
//   s(A, B), s(C, D), s(A, C)                 # -0.017991764011, 0.870776908339, 0.029006510623
//   s(A11, B11)  # A, B at 11×11:             -0.425745959187
//   peak_signal_noise_ratio(A, B, data_range=1.0), peak_signal_noise_ratio(C, D, data_range=1.0)
//                                             # 7.437302627154, 25.051499515710

type F = (x: number, y: number, c: number) => number;
const fA: F = (x, y, c) => ((x * 7 + y * 13 + c * 5) % 17) / 16;
const fB: F = (x, y, c) => ((x * x * 31 + y * 17 + c * 101) % 97) / 96;
const fC: F = (x, y, c) => (x + y + c) / 40;
const fD: F = (x, y, c) => (x + y + c) / 40 + 0.05 * (((x * 3 + y * 5 + c) % 4) - 1.5);

function img(f: F, w: number, h: number): RgbImage {
  const out = createImage(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) out.data[(y * w + x) * 3 + c] = f(x, y, c);
  return out;
}

describe('ssim (scikit-image structural_similarity, Gaussian σ = 1.5, on BT.601 luma)', () => {
  it('matches scikit-image on fixed 20×18 arrays (to 1e-4)', () => {
    expect(Math.abs(ssim(img(fA, 20, 18), img(fB, 20, 18)) - -0.017991764011)).toBeLessThan(1e-4);
    expect(Math.abs(ssim(img(fC, 20, 18), img(fD, 20, 18)) - 0.870776908339)).toBeLessThan(1e-4);
    expect(Math.abs(ssim(img(fA, 20, 18), img(fC, 20, 18)) - 0.029006510623)).toBeLessThan(1e-4);
  });

  it('matches scikit-image at the smallest size, 11×11 (one valid window; to 1e-4)', () => {
    expect(Math.abs(ssim(img(fA, 11, 11), img(fB, 11, 11)) - -0.425745959187)).toBeLessThan(1e-4);
  });

  it('is 1 for identical images and symmetric in its arguments (to 1e-12)', () => {
    const a = img(fA, 16, 16);
    const b = img(fD, 16, 16);
    expect(ssim(a, { ...a, data: a.data.slice() })).toBeCloseTo(1, 12);
    expect(ssim(a, b)).toBeCloseTo(ssim(b, a), 12);
  });

  it('uses luma only: swapping colour at equal luma changes nothing (to 1e-12)', () => {
    const a = img(fC, 12, 12);
    const y = luma(a);
    const grey = img((x, yy) => y[yy * 12 + x], 12, 12);
    expect(ssim(a, grey)).toBeCloseTo(1, 12);
    expect(ssimGray(y, y, 12, 12)).toBeCloseTo(1, 12);
  });

  it('throws a RangeError below 11×11 and for images of different sizes', () => {
    expect(() => ssim(createImage(10, 11), createImage(10, 11))).toThrow(RangeError);
    expect(() => ssim(createImage(11, 10), createImage(11, 10))).toThrow(RangeError);
    expect(() => ssim(createImage(11, 11), createImage(12, 11))).toThrow(RangeError);
  });
});

describe('psnr on the same fixed arrays', () => {
  it('matches scikit-image peak_signal_noise_ratio(data_range=1) and the definition 10·log10(1/MSE) (to 1e-4 dB)', () => {
    expect(Math.abs(psnr(img(fA, 20, 18), img(fB, 20, 18)) - 7.437302627154)).toBeLessThan(1e-4);
    expect(Math.abs(psnr(img(fC, 20, 18), img(fD, 20, 18)) - 25.05149951571)).toBeLessThan(1e-4);
  });
});
