// Seeded random images for tests (mulberry32): the same seed gives the same pixels on every machine.
import { createImage, type RgbImage } from '../src/core/image';
import { mulberry32 } from '../src/core/random';

/** Every value uniform in [0, 1). */
export function randomImage(w: number, h: number, seed = 1): RgbImage {
  const img = createImage(w, h);
  const r = mulberry32(seed);
  for (let i = 0; i < img.data.length; i++) img.data[i] = r();
  return img;
}

/** Random 8-bit values (k/255), as every working image is after quantize8. */
export function randomImage8(w: number, h: number, seed: number): RgbImage {
  const img = createImage(w, h);
  const r = mulberry32(seed);
  for (let i = 0; i < img.data.length; i++) img.data[i] = Math.floor(r() * 256) / 255;
  return img;
}
