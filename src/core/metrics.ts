import type { RgbImage } from './image';

function assertSameShape(a: RgbImage, b: RgbImage): void {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) {
    throw new RangeError(`images differ in size: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  }
}

/** Mean squared error over all values (pixels × channels). */
export function mse(a: RgbImage, b: RgbImage): number {
  assertSameShape(a, b);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    s += d * d;
  }
  return s / a.data.length;
}

/** PSNR in dB with peak 1.0: 10·log10(1/MSE); Infinity when the images are equal. */
export function psnr(a: RgbImage, b: RgbImage): number {
  const m = mse(a, b);
  return m === 0 ? Infinity : 10 * Math.log10(1 / m);
}

/** Empirical Shannon entropy in bits of a histogram of counts. */
export function entropyBits(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c > 0) {
      const p = c / total;
      h -= p * Math.log2(p);
    }
  }
  return h;
}
