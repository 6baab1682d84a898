import { describe, expect, it } from 'vitest';
import { keysKernel, resizeBicubic } from '../../../../src/core/depth/resample';
import { createImage, type RgbImage } from '../../../../src/core/image';

function grey(w: number, h: number, f: (x: number, y: number) => number): RgbImage {
  const img = createImage(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data.fill(f(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
  return img;
}

describe('keysKernel (a = −0.5)', () => {
  it('is 1 at 0, 0 at the other integers, and gives −1/16, 9/16, 9/16, −1/16 half-way (to 1e-15)', () => {
    expect(keysKernel(0)).toBe(1);
    for (const t of [1, 2, -1, -2, 3]) expect(Math.abs(keysKernel(t))).toBeLessThan(1e-15);
    expect(keysKernel(1.5)).toBeCloseTo(-1 / 16, 15);
    expect(keysKernel(0.5)).toBeCloseTo(9 / 16, 15);
  });

  it('has weights summing to 1 at any offset (to 1e-15)', () => {
    for (const f of [0, 0.1, 0.25, 0.5, 0.9]) {
      const s = keysKernel(f + 1) + keysKernel(f) + keysKernel(f - 1) + keysKernel(f - 2);
      expect(Math.abs(s - 1)).toBeLessThan(1e-15);
    }
  });
});

describe('resizeBicubic', () => {
  it('returns an equal copy at the same size', () => {
    const img = grey(3, 2, (x, y) => x + 10 * y);
    const out = resizeBicubic(img, 3, 2);
    expect(out.data).toEqual(img.data);
    expect(out.data).not.toBe(img.data);
  });

  it('keeps constants constant, edges included (to 1e-6)', () => {
    const out = resizeBicubic(grey(3, 3, () => 0.7), 16, 11);
    for (const v of out.data) expect(v).toBeCloseTo(0.7, 6);
  });

  it('reproduces a linear ramp wherever all four taps are inside the image (to 1e-6)', () => {
    const img = grey(8, 8, (x, y) => 0.05 * x + 0.02 * y);
    const out = resizeBicubic(img, 32, 32);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const sx = (x + 0.5) / 4 - 0.5;
        const sy = (y + 0.5) / 4 - 0.5;
        if (Math.floor(sx) < 1 || Math.floor(sx) > 5 || Math.floor(sy) < 1 || Math.floor(sy) > 5) continue;
        expect(out.data[(y * 32 + x) * 3]).toBeCloseTo(0.05 * sx + 0.02 * sy, 6);
      }
    }
  });

  it('matches PIL BICUBIC (Keys a = −0.5) where no tap reaches past the edge (to 1e-6)', () => {
    // Reference (Python 3, Pillow 9.4):
    //   src = np.array([[((x*7 + y*13) % 17)/16 for x in range(6)] for y in range(5)], dtype=np.float32)
    //   out = np.asarray(Image.fromarray(src, mode='F').resize((12, 10), Image.BICUBIC))
    //   out[3,3], out[4,5], out[5,8], out[6,4]
    const img = grey(6, 5, (x, y) => ((x * 7 + y * 13) % 17) / 16);
    const out = resizeBicubic(img, 12, 10);
    const at = (y: number, x: number) => out.data[(y * 12 + x) * 3];
    expect(at(3, 3)).toBeCloseTo(0.36141586, 6);
    expect(at(4, 5)).toBeCloseTo(0.46509933, 6);
    expect(at(5, 8)).toBeCloseTo(0.43611145, 6);
    expect(at(6, 4)).toBeCloseTo(0.2330513, 6);
  });

  it('repeats the edge pixel outside the image (clamp-to-edge): a 1×1 image becomes a constant', () => {
    const img = createImage(1, 1);
    img.data.set([0.2, 0.4, 0.6]);
    const out = resizeBicubic(img, 5, 4);
    for (let p = 0; p < 20; p++) {
      expect(out.data[3 * p]).toBeCloseTo(0.2, 6);
      expect(out.data[3 * p + 2]).toBeCloseTo(0.6, 6);
    }
  });
});
