import { describe, expect, it } from 'vitest';
import { seededNoise } from '../../../src/core/diffusion/forward';
import { centerCropSquare, createImage, fromRgba, imageHash, quantize8, nearestPixels, resizeArea, resizeAreaRgba, resizeNearest, toRgba, type RgbImage } from '../../../src/core/image';
import { mulberry32 } from '../../../src/core/random';
import { randomImage } from '../../randomImages';

function mean(img: RgbImage, c: number): number {
  let s = 0;
  for (let i = c; i < img.data.length; i += 3) s += img.data[i];
  return s / (img.width * img.height);
}

describe('resizeAreaRgba', () => {
  it('gives resizeArea of fromRgba to the last bit: down, up, by integer and fractional factors, and at the same size, with transparent pixels', () => {
    const r = mulberry32(9);
    for (const [w, h, W, H] of [[512, 512, 128, 128], [64, 64, 64, 64], [30, 20, 7, 5], [10, 10, 23, 23], [9, 13, 4, 9]]) {
      const rgba = Uint8ClampedArray.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 && r() < 0.3 ? Math.floor(r() * 256) : i % 4 === 3 ? 255 : Math.floor(r() * 256)));
      const fused = resizeAreaRgba({ width: w, height: h, rgba }, W, H);
      const byDefinition = resizeArea(fromRgba(rgba, w, h), W, H);
      expect(fused.width).toBe(W);
      expect(Buffer.from(fused.data.buffer).equals(Buffer.from(byDefinition.data.buffer))).toBe(true);
    }
  });

  it('refuses RGBA bytes that do not match the size', () => {
    expect(() => resizeAreaRgba({ width: 4, height: 4, rgba: new Uint8ClampedArray(60) }, 2, 2)).toThrow(RangeError);
  });
});

describe('resizeArea', () => {
  it('averages exactly the 2×2 block under each output pixel when halving', () => {
    const img = randomImage(8, 6);
    const out = resizeArea(img, 4, 3);
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 4; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) s += img.data[((2 * y + dy) * 8 + 2 * x + dx) * 3 + c];
          expect(out.data[(y * 4 + x) * 3 + c]).toBeCloseTo(s / 4, 6);
        }
      }
    }
  });

  it('preserves the mean colour for non-integer ratios (area weights sum to one)', () => {
    const img = randomImage(37, 29, 7);
    const out = resizeArea(img, 16, 11);
    for (let c = 0; c < 3; c++) expect(mean(out, c)).toBeCloseTo(mean(img, c), 4);
  });

  it('keeps a constant image constant when up-sampling and down-sampling', () => {
    const img = createImage(5, 5);
    img.data.fill(0.3);
    for (const [w, h] of [[12, 12], [3, 2], [128, 128]]) {
      const out = resizeArea(img, w, h);
      for (const v of out.data) expect(v).toBeCloseTo(0.3, 6);
    }
  });

  it('returns an identical copy at the same size', () => {
    const img = randomImage(4, 4);
    const out = resizeArea(img, 4, 4);
    expect(out.data).toEqual(img.data);
    expect(out.data).not.toBe(img.data);
  });

  it('up-samples a 2×1 image into two flat halves', () => {
    const img = createImage(2, 1);
    img.data.set([0, 0, 0, 1, 1, 1]);
    const out = resizeArea(img, 4, 1);
    expect(Array.from(out.data.filter((_, i) => i % 3 === 0))).toEqual([0, 0, 1, 1]);
  });
});

describe('resizeNearest', () => {
  it('picks the pixel under each output pixel\'s centre: halving takes the lower-right pixel of each 2×2 block', () => {
    const img = randomImage(8, 6);
    const out = resizeNearest(img, 4, 3);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) for (let c = 0; c < 3; c++) {
      expect(out.data[(y * 4 + x) * 3 + c]).toBe(img.data[((2 * y + 1) * 8 + 2 * x + 1) * 3 + c]);
    }
  });

  it('undoes an integer up-sampling exactly, and is a copy at the same size', () => {
    const img = randomImage(7, 5, 3);
    for (const k of [2, 3, 4]) expect(resizeNearest(resizeNearest(img, 7 * k, 5 * k), 7, 5).data).toEqual(img.data);
    const same = resizeNearest(img, 7, 5);
    expect(same.data).toEqual(img.data);
    expect(same.data).not.toBe(img.data);
  });

  it('keeps per-pixel noise: seeded N(0, 1) noise shown at a quarter of its side keeps σ ≈ 1, where area averaging gives ≈ 1/4', () => {
    const side = 256;
    const noise = { width: side, height: side, data: seededNoise(side * side * 3, 11) };
    const std = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(std(resizeNearest(noise, 64, 64).data)).toBeCloseTo(1, 1);
    expect(std(resizeArea(noise, 64, 64).data)).toBeCloseTo(0.25, 1);
  });

  it('refuses a size that is not a positive integer', () => {
    for (const [w, h] of [[0, 4], [4, -1], [2.5, 4], [NaN, 4]]) expect(() => resizeNearest(randomImage(4, 4), w, h)).toThrow(RangeError);
  });

  it('picks the same pixels from 8-bit RGBA as from the float image it shows, at any pair of sizes', () => {
    const img = randomImage(37, 23, 5);
    for (const [w, h] of [[10, 7], [37, 23], [50, 60], [1, 1]]) {
      const rgba = nearestPixels(toRgba(img), 37, 23, 4, w, h);
      expect(rgba).toBeInstanceOf(Uint8ClampedArray);
      expect(Array.from(rgba)).toEqual(Array.from(toRgba(resizeNearest(img, w, h))));
    }
    expect(() => nearestPixels(new Uint8ClampedArray(15), 2, 2, 4, 1, 1)).toThrow(RangeError);
  });
});

describe('fromRgba', () => {
  it('composites transparent pixels over white', () => {
    const img = fromRgba([255, 0, 0, 255, 0, 0, 0, 0, 0, 0, 0, 128], 3, 1);
    expect(Array.from(img.data.slice(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(img.data.slice(3, 6))).toEqual([1, 1, 1]);
    // Half-transparent black is mid-grey on white.
    for (const v of img.data.slice(6, 9)) expect(v).toBeCloseTo(1 - 128 / 255, 6);
  });

  it('round-trips opaque 8-bit pixels through toRgba', () => {
    const rgba = new Uint8ClampedArray([10, 20, 30, 255, 200, 100, 0, 255]);
    expect(Array.from(toRgba(fromRgba(rgba, 2, 1)))).toEqual(Array.from(rgba));
  });
});

describe('centerCropSquare', () => {
  it('keeps the middle square of a wide image', () => {
    const img = createImage(5, 3);
    for (let x = 0; x < 5; x++) for (let y = 0; y < 3; y++) img.data[(y * 5 + x) * 3] = x / 10;
    const out = centerCropSquare(img);
    expect(out.width).toBe(3);
    expect(out.height).toBe(3);
    expect(out.data[0]).toBeCloseTo(0.1, 6); // column 1 is the left edge of the crop
  });
});

describe('quantize8 and imageHash', () => {
  it('rounds to 8-bit codes, so a second pass changes nothing', () => {
    const q = quantize8(randomImage(6, 6));
    for (const v of q.data) expect(Math.abs(v * 255 - Math.round(v * 255))).toBeLessThan(1e-4);
    expect(quantize8(q).data).toEqual(q.data);
  });

  it('gives equal images equal hashes and a changed pixel another hash', () => {
    const a = randomImage(8, 8, 3);
    const b = { ...a, data: a.data.slice() };
    expect(imageHash(a)).toBe(imageHash(b));
    b.data[5] += 0.01;
    expect(imageHash(a)).not.toBe(imageHash(b));
  });
});
