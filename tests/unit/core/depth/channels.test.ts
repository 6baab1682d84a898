import { describe, expect, it } from 'vitest';
import { channelSteps, rgbToYcbcr, ycbcrToRgb } from '../../../../src/core/depth/channels';
import { createImage, type RgbImage } from '../../../../src/core/image';
import { psnr } from '../../../../src/core/metrics';
import { mulberry32 } from '../../../../src/core/random';

function randomImage(n: number, seed: number): RgbImage {
  const r = mulberry32(seed);
  const img = createImage(n, n);
  for (let i = 0; i < img.data.length; i++) img.data[i] = r();
  return img;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('YCbCr (full-range JPEG, BT.601 weights)', () => {
  it('matches the JFIF formulas (T.871 §7) on a worked pixel (to 1e-6)', () => {
    const img = createImage(1, 1);
    img.data.set([1, 0.5, 0.25]);
    const [y, cb, cr] = rgbToYcbcr(img).data;
    expect(y).toBeCloseTo(0.299 + 0.587 * 0.5 + 0.114 * 0.25, 6);
    expect(cb).toBeCloseTo(0.5 - 0.168736 * 1 - 0.331264 * 0.5 + 0.5 * 0.25, 6);
    expect(cr).toBeCloseTo(0.5 + 0.5 * 1 - 0.418688 * 0.5 - 0.081312 * 0.25, 6);
  });

  it('maps grey to neutral chroma 0.5 and round-trips RGB → YCbCr → RGB (to 1e-6)', () => {
    const g = createImage(1, 1);
    g.data.fill(0.3);
    expect(Array.from(rgbToYcbcr(g).data).map((v) => +v.toFixed(6))).toEqual([0.3, 0.5, 0.5]);
    const img = randomImage(8, 1);
    expect(maxAbsDiff(ycbcrToRgb(rgbToYcbcr(img)).data, img.data)).toBeLessThan(1e-6);
  });
});

describe('channelSteps', () => {
  const img = randomImage(16, 2);

  it('is exact at d = 3 (RGB exactly, YCbCr to 1e-6)', () => {
    expect(psnr(channelSteps(img, 'rgb')[2].reconstruction, img)).toBe(Infinity);
    expect(maxAbsDiff(channelSteps(img, 'ycbcr')[2].reconstruction.data, img.data)).toBeLessThan(1e-6);
  });

  it('RGB fills channels not yet sent with their image mean (to 1e-6)', () => {
    const [one] = channelSteps(img, 'rgb');
    let meanB = 0;
    for (let p = 0; p < 256; p++) meanB += img.data[3 * p + 2] / 256;
    for (let p = 0; p < 256; p++) {
      expect(one.reconstruction.data[3 * p]).toBe(img.data[3 * p]);
      expect(one.reconstruction.data[3 * p + 2]).toBeCloseTo(meanB, 6);
    }
  });

  it('YCbCr at d = 1 is a grey image with the luma of the original (to 1e-6)', () => {
    const [one] = channelSteps(img, 'ycbcr');
    for (let p = 0; p < 256; p++) {
      const y = 0.299 * img.data[3 * p] + 0.587 * img.data[3 * p + 1] + 0.114 * img.data[3 * p + 2];
      for (let c = 0; c < 3; c++) expect(one.reconstruction.data[3 * p + c]).toBeCloseTo(y, 6);
    }
  });

  it('reports PSNR per step, non-decreasing in d, with the channel names', () => {
    for (const space of ['rgb', 'ycbcr'] as const) {
      const steps = channelSteps(img, space);
      expect(steps.map((s) => s.channel)).toEqual(space === 'rgb' ? ['R', 'G', 'B'] : ['Y', 'Cb', 'Cr']);
      steps.forEach((s) => expect(s.psnr).toBeCloseTo(psnr(s.reconstruction, img), 9));
      expect(steps[1].psnr).toBeGreaterThanOrEqual(steps[0].psnr);
      expect(steps[2].psnr).toBeGreaterThanOrEqual(steps[1].psnr);
    }
  });
});
