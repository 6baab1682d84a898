import { describe, expect, it } from 'vitest';
import { analyzeBitplanes, bitPlane, bitPlaneRgba, keepTopBits, keepTopBitsRgba, planeOfStep } from '../../../../src/core/depth/bitplanes';
import { createImage, quantize8, toRgba, type RgbImage } from '../../../../src/core/image';
import { psnr } from '../../../../src/core/metrics';
import { mulberry32 } from '../../../../src/core/random';

function codesImage(codes: number[]): RgbImage {
  const img = createImage(codes.length / 3, 1);
  codes.forEach((u, i) => (img.data[i] = u / 255));
  return img;
}

function randomCodes(n: number, seed: number): RgbImage {
  const r = mulberry32(seed);
  const img = createImage(n, n);
  for (let i = 0; i < img.data.length; i++) img.data[i] = Math.floor(r() * 256) / 255;
  return img;
}

describe('keepTopBits', () => {
  it('reconstructs at the centre of the kept bin, as the contract formula says', () => {
    const codes = [0, 1, 127, 128, 200, 255];
    const img = codesImage(codes);
    for (let bits = 0; bits <= 8; bits++) {
      const drop = 8 - bits;
      const out = keepTopBits(img, bits);
      codes.forEach((u, i) => {
        const expected = (((u >> drop) << drop) + (2 ** drop - 1) / 2) / 255;
        expect(out.data[i]).toBeCloseTo(expected, 6);
      });
    }
  });

  it('gives 200 → 192 + 31.5 at 2 bits (a worked example)', () => {
    expect(keepTopBits(codesImage([200, 0, 0]), 2).data[0] * 255).toBeCloseTo(223.5, 4);
  });

  it('is exact at 8 bits on an 8-bit image', () => {
    const img = randomCodes(8, 2);
    expect(psnr(keepTopBits(img, 8), img)).toBe(Infinity);
  });

  it('never has an error above half a bin', () => {
    const img = randomCodes(16, 3);
    for (let bits = 1; bits <= 8; bits++) {
      const out = keepTopBits(img, bits);
      const half = 2 ** (8 - bits) / 2 / 255;
      for (let i = 0; i < img.data.length; i++) expect(Math.abs(out.data[i] - img.data[i])).toBeLessThanOrEqual(half + 1e-6);
    }
  });

  it('writes into a given buffer the same values it returns fresh, and rejects a buffer of another size', () => {
    const img = randomCodes(16, 4);
    const out = createImage(16, 16);
    for (let bits = 0; bits <= 8; bits++) {
      expect(keepTopBits(img, bits, out)).toBe(out);
      expect(out.data).toEqual(keepTopBits(img, bits).data);
    }
    const copy = { ...img, data: img.data.slice() };
    expect(keepTopBits(copy, 3, copy).data).toEqual(keepTopBits(img, 3).data);
    expect(() => keepTopBits(img, 3, createImage(16, 8))).toThrow(RangeError);
  });

  it('rejects bit counts outside 0…8', () => {
    expect(() => keepTopBits(createImage(1, 1), 9)).toThrow(RangeError);
    expect(() => keepTopBits(createImage(1, 1), 1.5)).toThrow(RangeError);
  });
});

describe('bitPlane', () => {
  it('extracts (u >> b) & 1 per value', () => {
    const img = codesImage([0b10110010, 255, 0]);
    const bits = [7, 6, 5, 4, 3, 2, 1, 0].map((b) => bitPlane(img, b).data[0]);
    expect(bits).toEqual([1, 0, 1, 1, 0, 0, 1, 0]);
    expect(bitPlane(img, 0).data[1]).toBe(1);
  });

  it('sums back to the codes: Σ 2^b·plane_b = u', () => {
    const img = randomCodes(6, 9);
    const planes = Array.from({ length: 8 }, (_, b) => bitPlane(img, b));
    for (let i = 0; i < img.data.length; i++) {
      const u = planes.reduce((s, p, b) => s + p.data[i] * 2 ** b, 0);
      expect(u).toBe(Math.round(img.data[i] * 255));
    }
  });
});

describe('analyzeBitplanes', () => {
  it('has PSNR that grows with every added plane and ends exact', () => {
    const a = analyzeBitplanes(randomCodes(32, 4));
    for (let k = 1; k < 8; k++) expect(a.psnr[k]).toBeGreaterThan(a.psnr[k - 1]);
    expect(a.psnr[7]).toBe(Infinity);
    expect(a.bitsPerPixel).toEqual([3, 6, 9, 12, 15, 18, 21, 24]);
  });

  it('gives uniform noise about 1 bit of entropy in every plane', () => {
    const a = analyzeBitplanes(randomCodes(64, 5));
    for (const h of a.entropy) expect(h).toBeGreaterThan(0.99);
  });

  it('gives a constant image zero entropy and counts ones by the value’s bits', () => {
    const img = createImage(4, 4);
    img.data.fill(0b11000000 / 255);
    const a = analyzeBitplanes(img);
    expect(a.entropy.every((h) => h === 0)).toBe(true);
    expect(a.ones).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
    expect(planeOfStep(1)).toBe(7);
  });

  it('matches psnr of keepTopBits computed directly', () => {
    const img = quantize8(randomCodes(8, 11));
    const a = analyzeBitplanes(img);
    expect(a.psnr[2]).toBeCloseTo(psnr(keepTopBits(img, 3), img), 10);
  });
});

// The table-driven paths against the definitions, value by value: code u = clamp(round(255·v), 0, 255) with
// Math.round, top-k value ((u >> drop) << drop) + (2^drop − 1)/2) / 255 stored as float32, and the PSNR sum
// of mse(keepTopBits(img, k), img).
describe('bit-plane fast paths against their definitions', () => {
  const refCode = (v: number) => {
    const u = Math.round(v * 255);
    return u < 0 ? 0 : u > 255 ? 255 : u;
  };
  const refTop = (v: number, bits: number) => {
    const drop = 8 - bits;
    return Math.fround((((refCode(v) >> drop) << drop) + (2 ** drop - 1) / 2) / 255);
  };

  /** Every code's value u/255 and the float32 neighbours of every rounding boundary (u ± ½)/255. */
  function edgeValues(): RgbImage {
    const vals: number[] = [];
    const f32 = new Float32Array(1);
    const bits = new Int32Array(f32.buffer);
    for (let u = 0; u < 256; u++) {
      vals.push(u / 255);
      for (const b of [u - 0.5, u + 0.5]) {
        f32[0] = b / 255;
        const mid = bits[0];
        for (let d = -3; d <= 3; d++) {
          bits[0] = mid + d;
          vals.push(f32[0]);
        }
      }
    }
    vals.push(0, -0, 1, -1e-9, -0.001, -0.5 / 255, 1.001, 1 + 0.49 / 255, 1 + 0.51 / 255, 2, -3, 1e30, -1e30, Infinity, -Infinity);
    while (vals.length % 3) vals.push(0.5);
    const img = createImage(vals.length / 3, 1);
    img.data.set(vals);
    return img;
  }

  it('keepTopBits gives the formula’s float32 value at every code, every rounding boundary and out of range', () => {
    const img = edgeValues();
    const wrong: string[] = [];
    for (let bits = 0; bits <= 8; bits++) {
      const out = keepTopBits(img, bits);
      for (let i = 0; i < img.data.length; i++) {
        if (!Object.is(out.data[i], refTop(img.data[i], bits))) wrong.push(`${img.data[i]} @${bits}: ${out.data[i]}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('bitPlane gives (u >> b) & 1 of the Math.round code at every boundary', () => {
    const img = edgeValues();
    const wrong: string[] = [];
    for (let b = 0; b < 8; b++) {
      const out = bitPlane(img, b);
      for (let i = 0; i < img.data.length; i++) if (out.data[i] !== ((refCode(img.data[i]) >> b) & 1)) wrong.push(`${img.data[i]} @${b}`);
    }
    expect(wrong).toEqual([]);
  });

  it('keeps NaN as NaN (keepTopBits) and as plane 0 (bitPlane), as the Math.round formula does', () => {
    const img = createImage(1, 1);
    img.data.set([NaN, 0.5, 1]);
    expect(Number.isNaN(keepTopBits(img, 4).data[0])).toBe(true);
    expect(bitPlane(img, 7).data[0]).toBe(0);
    expect(Number.isNaN(analyzeBitplanes(img).psnr[0])).toBe(true);
  });

  it('analyzeBitplanes: PSNR equals psnr(keepTopBits(img, k), img) exactly and counts equal bitPlane sums, at every k', () => {
    for (const img of [edgeValues(), randomCodes(17, 3), (() => {
      const r = mulberry32(12);
      const im = createImage(23, 9);
      for (let i = 0; i < im.data.length; i++) im.data[i] = r() * 1.2 - 0.1; // off-grid, some out of range
      return im;
    })()]) {
      const a = analyzeBitplanes(img);
      const n = img.data.length;
      for (let k = 1; k <= 8; k++) {
        expect(a.psnr[k - 1]).toBe(psnr(keepTopBits(img, k), img));
        const plane = bitPlane(img, planeOfStep(k));
        let ones = 0;
        for (let i = 0; i < n; i++) ones += plane.data[i];
        expect(a.ones[k - 1]).toBe(ones / n);
        const p = ones / n;
        const h = p === 0 || p === 1 ? 0 : -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
        expect(a.entropy[k - 1]).toBeCloseTo(h, 12);
      }
    }
  });
});

describe('keepTopBitsRgba and bitPlaneRgba (the Depth panel draws its frames from these)', () => {
  // Values off the 8-bit grid, out of [0, 1] and NaN: every branch of the code rounding.
  function awkward(n: number, seed: number): RgbImage {
    const r = mulberry32(seed);
    const img = createImage(n, n);
    for (let i = 0; i < img.data.length; i++) img.data[i] = r() * 1.2 - 0.1;
    img.data[4] = NaN;
    img.data[5] = 127.5 / 255; // a half-way code
    return img;
  }

  it('gives exactly the bytes of toRgba(keepTopBits(img, k)) for every k, NaN included', () => {
    const img = awkward(24, 11);
    for (let bits = 0; bits <= 8; bits++) expect(keepTopBitsRgba(img, bits)).toEqual(toRgba(keepTopBits(img, bits)));
  });

  it('gives exactly the bytes of toRgba(bitPlane(img, b)) for every plane', () => {
    const img = awkward(24, 12);
    for (let b = 0; b < 8; b++) expect(bitPlaneRgba(img, b)).toEqual(toRgba(bitPlane(img, b)));
  });

  it('writes into a given buffer, rejects one of another size and bad bit or plane numbers', () => {
    const img = awkward(8, 13);
    const out = new Uint8ClampedArray(8 * 8 * 4);
    expect(keepTopBitsRgba(img, 3, out)).toBe(out);
    expect(out).toEqual(toRgba(keepTopBits(img, 3)));
    expect(() => keepTopBitsRgba(img, 3, new Uint8ClampedArray(10))).toThrow(RangeError);
    expect(() => keepTopBitsRgba(img, 9)).toThrow(RangeError);
    expect(() => bitPlaneRgba(img, 8)).toThrow(RangeError);
  });
});
