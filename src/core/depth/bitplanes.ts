// Bit-plane decomposition of 8-bit channels (science sheet, "Depth decompositions"):
// u = round(255·v); plane b = (u >> b) & 1; the top-k reconstruction keeps the k most significant bits and
// sits at the centre of the kept bin of integer codes: ((u with low 8−k bits cleared) + (2^(8−k) − 1)/2) / 255.
import { createImage, type RgbImage } from '../image';
import { entropyBits } from '../metrics';

export const BIT_DEPTH = 8;

function toCode(v: number): number {
  const u = Math.round(v * 255);
  return u < 0 ? 0 : u > 255 ? 255 : u;
}

function assertBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > BIT_DEPTH) {
    throw new RangeError(`bits must be an integer in 0…${BIT_DEPTH}, got ${bits}`);
  }
}

/** The image rebuilt from the top `bits` bit-planes of each channel, each value at the centre of its bin. */
export function keepTopBits(img: RgbImage, bits: number): RgbImage {
  assertBits(bits);
  const drop = BIT_DEPTH - bits;
  const mask = (0xff << drop) & 0xff;
  const centre = ((1 << drop) - 1) / 2;
  // A lookup table over the 256 codes keeps the per-pixel work to one rounding and one read.
  const table = new Float32Array(256);
  for (let u = 0; u < 256; u++) table[u] = ((u & mask) + centre) / 255;
  const out = createImage(img.width, img.height);
  for (let i = 0; i < img.data.length; i++) out.data[i] = table[toCode(img.data[i])];
  return out;
}

/** Bit-plane `plane` (0 = least significant, 7 = most) of every value, as 0/1 values in an image. */
export function bitPlane(img: RgbImage, plane: number): RgbImage {
  if (!Number.isInteger(plane) || plane < 0 || plane >= BIT_DEPTH) {
    throw new RangeError(`plane must be an integer in 0…${BIT_DEPTH - 1}, got ${plane}`);
  }
  const out = createImage(img.width, img.height);
  for (let i = 0; i < img.data.length; i++) out.data[i] = (toCode(img.data[i]) >> plane) & 1;
  return out;
}

/** The plane that step k (1-based, most significant first) adds: k = 1 is bit 7. */
export function planeOfStep(k: number): number {
  return BIT_DEPTH - k;
}

export interface BitplaneAnalysis {
  /** psnr[k−1]: PSNR (dB) of the top-k reconstruction against the image, k = 1…8 (Infinity when exact). */
  psnr: number[];
  /** entropy[k−1]: empirical entropy (bits per value) of the plane added at step k, over all channels. */
  entropy: number[];
  /** ones[k−1]: fraction of values whose plane at step k is 1. */
  ones: number[];
  /** Fixed-length rate after k steps: k bits per channel value, 3k bits per pixel. */
  bitsPerPixel: number[];
}

/**
 * Per-step summary of the MSB-first bit-plane decomposition: what each added plane buys. One sweep over the
 * values: each is rounded once, and the squared error of all eight top-k reconstructions is accumulated in
 * the order mse(keepTopBits(img, k), img) sums it, so the PSNRs are the same numbers, without eight images.
 */
export function analyzeBitplanes(img: RgbImage): BitplaneAnalysis {
  const counts = new Float64Array(BIT_DEPTH);
  const tables: Float32Array[] = [];
  for (let k = 1; k <= BIT_DEPTH; k++) {
    const drop = BIT_DEPTH - k;
    const mask = (0xff << drop) & 0xff;
    const centre = ((1 << drop) - 1) / 2;
    const t = new Float32Array(256);
    for (let u = 0; u < 256; u++) t[u] = ((u & mask) + centre) / 255;
    tables.push(t);
  }
  const [t1, t2, t3, t4, t5, t6, t7, t8] = tables;
  let e1 = 0, e2 = 0, e3 = 0, e4 = 0, e5 = 0, e6 = 0, e7 = 0, e8 = 0;
  const data = img.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    const u = toCode(v);
    for (let b = 0; b < BIT_DEPTH; b++) counts[b] += (u >> b) & 1;
    let d = t1[u] - v; e1 += d * d;
    d = t2[u] - v; e2 += d * d;
    d = t3[u] - v; e3 += d * d;
    d = t4[u] - v; e4 += d * d;
    d = t5[u] - v; e5 += d * d;
    d = t6[u] - v; e6 += d * d;
    d = t7[u] - v; e7 += d * d;
    d = t8[u] - v; e8 += d * d;
  }
  const n = data.length;
  const errors = [e1, e2, e3, e4, e5, e6, e7, e8];
  const result: BitplaneAnalysis = { psnr: [], entropy: [], ones: [], bitsPerPixel: [] };
  for (let k = 1; k <= BIT_DEPTH; k++) {
    const plane = planeOfStep(k);
    const m = errors[k - 1] / n; // as metrics.psnr: 10·log10(1/MSE), Infinity when exact
    result.psnr.push(m === 0 ? Infinity : 10 * Math.log10(1 / m));
    result.entropy.push(entropyBits([n - counts[plane], counts[plane]]));
    result.ones.push(n === 0 ? 0 : counts[plane] / n);
    result.bitsPerPixel.push(3 * k);
  }
  return result;
}
