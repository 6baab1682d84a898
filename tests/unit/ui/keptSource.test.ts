// A working image drawn through keptSource shows the same pixels a canvas made of the image itself, and going back
// to a size drawn before does not convert it again.
import { describe, expect, it } from 'vitest';
import { resizeNearest, toRgba } from '../../../src/core/image';
import { keptSource } from '../../../src/ui/components/PixelCanvas';
import { randomImage8 } from '../../randomImages';

describe('keptSource', () => {
  it('gives the bytes a canvas makes of the image: whole, and resampled nearest-neighbour at any shown size', () => {
    const img = randomImage8(64, 48, 7);
    const source = keptSource(img);
    expect({ width: source.width, height: source.height }).toEqual({ width: 64, height: 48 });
    expect(source.pixels(64, 48)).toEqual(toRgba(img));
    for (const [w, h] of [[30, 23], [17, 40], [64, 10], [1, 1]]) expect(source.pixels(w, h)).toEqual(toRgba(resizeNearest(img, w, h)));
  });

  it('keeps the last two sizes with the image: the same bytes again, and still right after older sizes were dropped', () => {
    const img = randomImage8(32, 32, 11);
    const source = keptSource(img);
    expect(keptSource(img)).toBe(source); // one source per image
    const at20 = source.pixels(20, 20);
    const whole = source.pixels(32, 32);
    expect(source.pixels(20, 20)).toBe(at20);
    expect(source.pixels(32, 32)).toBe(whole);
    source.pixels(10, 10); // a third size drops the least recently drawn (20²)
    const again = source.pixels(20, 20);
    expect(again).not.toBe(at20);
    expect(again).toEqual(toRgba(resizeNearest(img, 20, 20)));
  });

  it('is a source of its own for another image, even one of equal pixels', () => {
    const a = randomImage8(8, 8, 3);
    const b = randomImage8(8, 8, 3);
    expect(keptSource(b)).not.toBe(keptSource(a));
    expect(keptSource(b).pixels(8, 8)).toEqual(keptSource(a).pixels(8, 8));
  });
});
