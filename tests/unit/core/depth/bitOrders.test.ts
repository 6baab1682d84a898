import { describe, expect, it } from 'vitest';
import { keepTopBits } from '../../../../src/core/depth/bitplanes';
import { BIT_ORDERS, bitOrderSteps, knownBitsImage, knownMasks, planeEntropy } from '../../../../src/core/depth/bitOrders';
import { depthSteps } from '../../../../src/core/depth/views';
import { createImage } from '../../../../src/core/image';
import { mse } from '../../../../src/core/metrics';
import { randomImage8 } from '../../../randomImages';

describe('bit-plane orders', () => {
  it('reveal each of the 24 (plane, channel) pairs exactly once, in the stated order', () => {
    for (const order of BIT_ORDERS) {
      const seen = new Set<string>();
      for (const s of bitOrderSteps(order)) for (const c of s.channels) seen.add(`${s.plane}:${c}`);
      expect(seen.size).toBe(24);
      expect(knownMasks(bitOrderSteps(order), bitOrderSteps(order).length)).toEqual([255, 255, 255]);
    }
    expect(bitOrderSteps('msb')[0]).toEqual({ plane: 7, channels: [0, 1, 2] });
    expect(bitOrderSteps('lsb')[0]).toEqual({ plane: 0, channels: [0, 1, 2] });
    expect(bitOrderSteps('interleaved').slice(0, 4)).toEqual([
      { plane: 7, channels: [0] }, { plane: 7, channels: [1] }, { plane: 7, channels: [2] }, { plane: 6, channels: [0] },
    ]);
  });

  it('MSB-first equals the top-k bit reconstruction at every step', () => {
    const img = randomImage8(9, 7, 1);
    const steps = bitOrderSteps('msb');
    for (let k = 1; k <= 8; k++) {
      const a = knownBitsImage(img, knownMasks(steps, k)).data;
      const b = keepTopBits(img, k).data;
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 7);
    }
  });

  it('puts unknown bits at their mean: value 200 with only bit 0 known (0) is (0 + 127)/255', () => {
    const img = createImage(1, 1);
    img.data.set([200 / 255, 201 / 255, 0]);
    const out = knownBitsImage(img, [1, 1, 1]).data;
    expect(out[0] * 255).toBeCloseTo(127, 3);
    expect(out[1] * 255).toBeCloseTo(128, 3);
    expect(out[2] * 255).toBeCloseTo(127, 3);
  });

  it('every order rebuilds an 8-bit image exactly at full depth', () => {
    const img = randomImage8(8, 8, 2);
    for (const order of BIT_ORDERS) {
      const steps = depthSteps(img, { kind: 'bit-order', order });
      expect(steps.at(-1)!.psnr).toBe(Infinity);
    }
  });

  it('costs 3 bits per pixel per MSB/LSB step and 1 per interleaved step', () => {
    const img = randomImage8(8, 8, 3);
    expect(depthSteps(img, { kind: 'bit-order', order: 'lsb' }).map((s) => s.fixedBpp)).toEqual([3, 6, 9, 12, 15, 18, 21, 24]);
    expect(depthSteps(img, { kind: 'bit-order', order: 'interleaved' }).map((s) => s.fixedBpp)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
  });

  it('leaves far more error LSB-first than MSB-first at equal depth before the last step', () => {
    const img = randomImage8(16, 16, 4);
    const msb = bitOrderSteps('msb');
    const lsb = bitOrderSteps('lsb');
    for (let k = 1; k < 8; k++) {
      const eM = mse(knownBitsImage(img, knownMasks(msb, k)), img);
      const eL = mse(knownBitsImage(img, knownMasks(lsb, k)), img);
      expect(eL).toBeGreaterThan(eM);
    }
  });

  it('measures a plane\'s entropy: 1 bit for a balanced plane, 0 for a constant one', () => {
    const img = createImage(2, 1);
    img.data.set([1 / 255, 0, 0, 0, 0, 0]); // R's bit 0: one 1 and one 0; G's and B's: all 0
    expect(planeEntropy(img, 0, [0])).toBeCloseTo(1, 12);
    expect(planeEntropy(img, 0, [1, 2])).toBe(0);
  });
});
