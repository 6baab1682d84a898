import { describe, expect, it } from 'vitest';
import { createImage } from '../../../../src/core/image';
import { patchOrder } from '../../../../src/core/orderings';
import { digitImages, patchify, randomCrops, readDigitFile, stepsToGrid, unpatchify } from '../../../../src/models/patchAR/data';

describe('patch data', () => {
  it('lays patches out in generation order and back', () => {
    // A 4×6 two-channel image: value = 1000·y + 10·x + channel, so every pixel is identifiable.
    const shape = { height: 4, width: 6, channels: 2 };
    const img = Float32Array.from({ length: 48 }, (_, i) => 1000 * Math.floor(i / 12) + 10 * Math.floor((i % 12) / 2) + (i % 2));
    const order = patchOrder('random', 2, 3, 4);
    const tokens = patchify(img, shape, 2, order);
    for (let s = 0; s < 6; s++) {
      const r = Math.floor(order[s] / 3);
      const c = order[s] % 3;
      // First value of token s: top-left pixel of its patch, channel 0.
      expect(tokens[s * 8]).toBe(1000 * 2 * r + 10 * 2 * c);
      expect(tokens[s * 8 + 5]).toBe(1000 * (2 * r + 1) + 10 * 2 * c + 1); // second row, first pixel, channel 1
    }
    expect(unpatchify(tokens, shape, 2, order)).toEqual(img);
  });

  it('puts per-step values on the patch grid', () => {
    expect(Array.from(stepsToGrid([10, 20, 30], Int32Array.of(2, 0, 1)))).toEqual([20, 30, 10]);
  });

  it('reads whole digits only and scales them to [0, 1]', () => {
    const set = readDigitFile(new Uint8Array(2 * 784).fill(255));
    expect(set.count).toBe(2);
    expect(digitImages(set, [1])[783]).toBe(1);
    expect(() => readDigitFile(new Uint8Array(785))).toThrow(RangeError);
  });

  it('cuts seeded random crops inside the image', () => {
    const img = createImage(40, 36);
    img.data.forEach((_, i) => (img.data[i] = i));
    let a = 1;
    const rand = () => ((a = (a * 16807) % 2147483647) / 2147483647);
    const crops = randomCrops(img, 32, 3, rand);
    expect(crops.length).toBe(3 * 32 * 32 * 3);
    for (let k = 0; k < 3; k++) {
      const first = crops[k * 32 * 32 * 3];
      const x0 = (first / 3) % 40;
      const y0 = Math.floor(first / 3 / 40);
      expect(x0 + 32).toBeLessThanOrEqual(40);
      expect(y0 + 32).toBeLessThanOrEqual(36);
      expect(crops[k * 3072 + 3071]).toBe(((y0 + 31) * 40 + x0 + 31) * 3 + 2);
    }
  });
});
