import { describe, expect, it } from 'vitest';
import { BICUBIC_A, KEYS_A, keysKernel, resizeBicubic } from '../../../../src/core/depth/resample';
import { createImage, type RgbImage } from '../../../../src/core/image';

function grey(w: number, h: number, f: (x: number, y: number) => number): RgbImage {
  const img = createImage(w, h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data.fill(f(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
  return img;
}

describe('keysKernel', () => {
  it('a = −0.5 (Keys, PIL): 1 at 0, 0 at the other integers, and −1/16, 9/16, 9/16, −1/16 half-way (to 1e-15)', () => {
    expect(keysKernel(0, KEYS_A)).toBe(1);
    for (const t of [1, 2, -1, -2, 3]) expect(Math.abs(keysKernel(t, KEYS_A))).toBeLessThan(1e-15);
    expect(keysKernel(1.5, KEYS_A)).toBeCloseTo(-1 / 16, 15);
    expect(keysKernel(0.5, KEYS_A)).toBeCloseTo(9 / 16, 15);
  });

  it('defaults to PyTorch’s bicubic, a = −0.75 (VAR’s up-sampling): taps −0.09375, 0.59375, 0.59375, −0.09375 at t = 0.5', () => {
    expect(BICUBIC_A).toBe(-0.75);
    // aten get_cubic_upsample_coefficients(t): [conv2(t + 1), conv1(t), conv1(1 − t), conv2(2 − t)], A = −0.75.
    const t = 0.5;
    expect([keysKernel(t + 1), keysKernel(t), keysKernel(1 - t), keysKernel(2 - t)]).toEqual([-0.09375, 0.59375, 0.59375, -0.09375]);
    for (const k of [1, 2, -1, 3]) expect(Math.abs(keysKernel(k))).toBeLessThan(1e-15);
  });

  it('has weights summing to 1 at any offset, for either a (to 1e-15)', () => {
    for (const a of [KEYS_A, BICUBIC_A]) {
      for (const f of [0, 0.1, 0.25, 0.5, 0.9]) {
        const s = keysKernel(f + 1, a) + keysKernel(f, a) + keysKernel(f - 1, a) + keysKernel(f - 2, a);
        expect(Math.abs(s - 1)).toBeLessThan(1e-15);
      }
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

  it('with a = −0.5, reproduces a linear ramp wherever all four taps are inside the image (to 1e-6); a = −0.75 sharpens it', () => {
    const img = grey(8, 8, (x, y) => 0.05 * x + 0.02 * y);
    // Σ_k W(t − k)·k = t needs a = −0.5: PyTorch's −0.75 bends a ramp between samples (by 0.0029 here).
    const sharp = resizeBicubic(img, 32, 32);
    expect(Math.abs(sharp.data[(9 * 32 + 9) * 3] - (0.05 * 1.875 + 0.02 * 1.875))).toBeGreaterThan(1e-3);
    const out = resizeBicubic(img, 32, 32, KEYS_A);
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const sx = (x + 0.5) / 4 - 0.5;
        const sy = (y + 0.5) / 4 - 0.5;
        if (Math.floor(sx) < 1 || Math.floor(sx) > 5 || Math.floor(sy) < 1 || Math.floor(sy) > 5) continue;
        expect(out.data[(y * 32 + x) * 3]).toBeCloseTo(0.05 * sx + 0.02 * sy, 6);
      }
    }
  });

  it('matches PyTorch’s F.interpolate(mode=\'bicubic\', align_corners=False) on a ramp and a ragged row, edges included (to float32 rounding, 5e-7)', () => {
    // Expected values from aten's upsample_bicubic2d: src = (o + ½)·in/out − ½, i = ⌊src⌋, t = src − i, taps
    // i − 1 … i + 2 clamped into the row, weights get_cubic_upsample_coefficients(t) with A = −0.75.
    // F.interpolate(torch.arange(4.).view(1, 1, 1, 4), size=(1, 8), mode='bicubic'):
    const ramp = resizeBicubic(grey(4, 1, (x) => x), 8, 1);
    const rampWant = [-0.10546875, 0.19140625, 0.66796875, 1.296875, 1.703125, 2.33203125, 2.80859375, 3.10546875];
    rampWant.forEach((v, x) => expect(ramp.data[3 * x]).toBeCloseTo(v, 6));
    const row = [0.1, 0.9, 0.3, 0.6, 0.2];
    const ragged = resizeBicubic(grey(5, 1, (x) => row[x]), 8, 1);
    const raggedWant = [0.025732421875, 0.49229736328125, 0.902325439453125, 0.482464599609375, 0.3413818359375, 0.5999267578125, 0.396148681640625, 0.1628662109375];
    raggedWant.forEach((v, x) => expect(ragged.data[3 * x]).toBeCloseTo(v, 6));
  });

  it('matches PIL BICUBIC (Keys a = −0.5) where no tap reaches past the edge, given a = −0.5 (to 1e-6)', () => {
    // Reference (Python 3, Pillow 9.4):
    //   src = np.array([[((x*7 + y*13) % 17)/16 for x in range(6)] for y in range(5)], dtype=np.float32)
    //   out = np.asarray(Image.fromarray(src, mode='F').resize((12, 10), Image.BICUBIC))
    //   out[3,3], out[4,5], out[5,8], out[6,4]
    const img = grey(6, 5, (x, y) => ((x * 7 + y * 13) % 17) / 16);
    const out = resizeBicubic(img, 12, 10, KEYS_A);
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
