// The Depth views score every step through shared, precomputed state (the image's SSIM statistics, its
// 8-bit codes, cached block coefficients): each step must still carry exactly what the plain definitions give.
import { describe, expect, it } from 'vitest';
import { analyzeBitplanes, keepTopBits } from '../../../../src/core/depth/bitplanes';
import { imageCodes, knownBitsImage, planeEntropy } from '../../../../src/core/depth/bitOrders';
import { depthSteps, type DepthSpec } from '../../../../src/core/depth/views';
import { createImage, type RgbImage } from '../../../../src/core/image';
import { psnr, ssim } from '../../../../src/core/metrics';
import { mulberry32 } from '../../../../src/core/random';

/** A smooth picture with a little seeded noise, on 8-bit codes like an uploaded image. */
function picture(w: number, h: number, seed: number): RgbImage {
  const r = mulberry32(seed);
  const img = createImage(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    const v = 0.5 + 0.3 * Math.sin(x / 5 + c) * Math.cos(y / 7) + 0.1 * (r() - 0.5);
    img.data[(y * w + x) * 3 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255) / 255;
  }
  return img;
}

const SPECS: DepthSpec[] = [
  { kind: 'bitplanes' }, { kind: 'bit-order', order: 'interleaved' }, { kind: 'channels', space: 'ycbcr' },
  { kind: 'scales', step: 4 / 255 }, { kind: 'dct-block', step: 4 / 255 }, { kind: 'dct-whole', step: 4 / 255 },
];

describe('depthSteps scores', () => {
  it.each(SPECS.map((s) => [s.kind, s] as const))('%s: every step\'s PSNR and SSIM equal metrics.psnr and metrics.ssim of its reconstruction (SSIM to 1e-9)', (_, spec) => {
    const img = picture(32, 24, 1);
    for (const step of depthSteps(img, spec)) {
      expect(step.psnr).toBe(psnr(step.reconstruction, img));
      expect(Math.abs(step.ssim - ssim(step.reconstruction, img))).toBeLessThan(1e-9);
    }
  });

  it.each(SPECS.map((s) => [s.kind, s] as const))('%s without SSIM: the same steps, PSNR and rates, and SSIM NaN', (_, spec) => {
    const img = picture(32, 24, 2);
    const full = depthSteps(img, spec);
    const lean = depthSteps(img, spec, undefined, { ssim: false });
    expect(lean.map(({ ssim: _s, ...rest }) => rest)).toEqual(full.map(({ ssim: _s, ...rest }) => rest));
    expect(lean.every((s) => Number.isNaN(s.ssim))).toBe(true);
    expect(full.every((s) => Number.isFinite(s.ssim))).toBe(true);
  });

  it('bit-planes: step k rebuilds exactly keepTopBits(img, k), also for values off the 8-bit grid', () => {
    const r = mulberry32(5);
    const img = createImage(13, 12);
    for (let i = 0; i < img.data.length; i++) img.data[i] = r() * 1.2 - 0.1;
    depthSteps(img, { kind: 'bitplanes' }).forEach((step, i) => expect(step.reconstruction.data).toEqual(keepTopBits(img, i + 1).data));
  });

  it('gives NaN SSIM (and still PSNR) for images under 11×11', () => {
    const img = picture(8, 8, 2);
    for (const step of depthSteps(img, { kind: 'bitplanes' })) {
      expect(step.ssim).toBeNaN();
      expect(step.psnr).toBe(psnr(step.reconstruction, img));
    }
  });
});

describe('one-sweep bit-plane analysis and precomputed codes', () => {
  it('analyzeBitplanes reports exactly psnr(keepTopBits(img, k), img), also on values off the 8-bit grid', () => {
    const r = mulberry32(3);
    const img = createImage(17, 9);
    for (let i = 0; i < img.data.length; i++) img.data[i] = r() * 1.1 - 0.05; // some outside [0, 1], clamped codes
    const a = analyzeBitplanes(img);
    for (let k = 1; k <= 8; k++) expect(a.psnr[k - 1]).toBe(psnr(keepTopBits(img, k), img));
  });

  it('imageCodes are round(255·v) clamped to 0…255, and the code-based rebuild and entropy equal the direct ones', () => {
    const img = createImage(3, 1);
    img.data.set([-0.1, 0.5, 1.2, 0.2, 0.998, 0.0019, 0, 1, 0.25]);
    expect(Array.from(imageCodes(img))).toEqual([0, 128, 255, 51, 254, 0, 0, 255, 64]);
    const pic = picture(16, 16, 4);
    const codes = imageCodes(pic);
    const masks: [number, number, number] = [0xf0, 0xc0, 0xff];
    expect(knownBitsImage(pic, masks, codes).data).toEqual(knownBitsImage(pic, masks).data);
    for (const plane of [0, 4, 7]) expect(planeEntropy(pic, plane, [0, 2], codes)).toBe(planeEntropy(pic, plane, [0, 2]));
  });
});
