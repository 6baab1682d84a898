import { describe, expect, it } from 'vitest';
import { imageHash, quantize8, resizeAreaRgba, type RgbaImage } from '../../../src/core/image';
import { mulberry32 } from '../../../src/core/random';
import { workingImage } from '../../../src/ui/image/pipeline';

function source(side: number, seed: number): RgbaImage {
  const r = mulberry32(seed);
  const rgba = new Uint8ClampedArray(side * side * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = i % 4 === 3 ? 128 + Math.floor(r() * 128) : Math.floor(r() * 256);
  return { width: side, height: side, rgba };
}

describe('workingImage', () => {
  it('is the area-averaged, 8-bit image at the size, with its hash, and going back to a size is the same object', () => {
    const src = source(96, 1);
    const at32 = workingImage(src, 32);
    const fresh = quantize8(resizeAreaRgba(src, 32, 32));
    expect(at32.working.width).toBe(32);
    expect(Array.from(at32.working.data)).toEqual(Array.from(fresh.data));
    expect(at32.hash).toBe(imageHash(fresh));
    const at64 = workingImage(src, 64);
    expect(at64.hash).toBe(imageHash(quantize8(resizeAreaRgba(src, 64, 64))));
    expect(workingImage(src, 32).working).toBe(at32.working);
    expect(workingImage(src, 64).working).toBe(at64.working);
  });

  it('keys on the source too, and forgets the least recently used once four others were made', () => {
    const a = source(64, 2);
    const b = source(64, 3);
    const a16 = workingImage(a, 16);
    const b16 = workingImage(b, 16);
    expect(b16.hash).not.toBe(a16.hash);
    expect(b16.hash).toBe(imageHash(quantize8(resizeAreaRgba(b, 16, 16))));
    for (const size of [8, 24, 32]) workingImage(b, size); // a@16 is now the least recently used of five
    expect(workingImage(b, 16).working).toBe(b16.working); // b@16 was kept (and is now the newest)
    workingImage(b, 40);
    const again = workingImage(a, 16);
    expect(again.working).not.toBe(a16.working); // made anew…
    expect(again.hash).toBe(a16.hash); // …equal to the first
  });
});
