// Depth by frequency: JPEG-style block DCT truncation and whole-image DCT truncation, keeping coefficients in
// zig-zag order (lowest frequencies first). The transforms are orthonormal (dctTransform.ts), so the squared
// error of a truncation is the energy of the dropped coefficients (Parseval).
// Zig-zag order: JPEG (ITU-T T.81, Figure 5), extended to w×h grids by anti-diagonals.
import { createImage, type RgbImage } from '../image';
import { cosineMatrix, dct2Rect, matrixDct2Into } from './dctTransform';
import { assertStep, levelRate, quantizeLevel, type Rate } from './rate';

export { dct2Rect } from './dctTransform';

/** Orthonormal 2-D DCT-II of an n×n row-major block (= scipy.fft.dctn(x, norm='ortho')). */
export function dct2(block: Float64Array | Float32Array, n: number): Float64Array {
  return dct2Rect(block, n, n, false);
}

/** Inverse of dct2 (orthonormal 2-D DCT-III, = scipy.fft.idctn(X, norm='ortho')). */
export function idct2(coeffs: Float64Array | Float32Array, n: number): Float64Array {
  return dct2Rect(coeffs, n, n, true);
}

/**
 * Zig-zag order of a w×h coefficient grid (row-major indices r·w + c), lowest frequencies first: anti-diagonal
 * s = r + c ascending; odd s runs top-right → bottom-left, even s bottom-left → top-right (JPEG, T.81 Fig. 5).
 */
export function zigzagOrderRect(w: number, h: number): Uint32Array {
  const out = new Uint32Array(w * h);
  let i = 0;
  for (let s = 0; s <= w + h - 2; s++) {
    const rLo = Math.max(0, s - (w - 1));
    const rHi = Math.min(s, h - 1);
    if (s % 2 === 1) for (let r = rLo; r <= rHi; r++) out[i++] = r * w + (s - r);
    else for (let r = rHi; r >= rLo; r--) out[i++] = r * w + (s - r);
  }
  return out;
}

/** JPEG zig-zag order of an n×n block: 0, 1, n, 2n, n+1, 2, 3, n+2, … */
export function zigzagOrder(n: number): Uint32Array {
  return zigzagOrderRect(n, n);
}

/** A DCT truncation: the reconstruction, and (with a quantizer step) the transmitted levels and their rate. */
export interface DctCode {
  image: RgbImage;
  /** Integer levels of the kept coefficients (channel-major, block by block, zig-zag within), or null. */
  levels: Int32Array | null;
  /** Bits per pixel of the levels (fixed-length over the observed range, and entropy-coded), or null. */
  rate: Rate | null;
}

function assertKeep(keep: number, max: number): void {
  if (!Number.isInteger(keep) || keep < 0 || keep > max) throw new RangeError(`keep must be an integer in 0…${max}, got ${keep}`);
}

/**
 * Keep the first `keep` coefficients of `coeffs` in `order`, zero the rest; with a step, replace each kept
 * coefficient by round(c/step)·step and append its level to `levels` at `at`. Returns the next `at`.
 */
function truncate(coeffs: Float64Array, order: Uint32Array, keep: number, step: number | undefined, levels: Int32Array | null, at: number): number {
  for (let j = keep; j < order.length; j++) coeffs[order[j]] = 0;
  if (step !== undefined) {
    for (let j = 0; j < keep; j++) {
      const q = quantizeLevel(coeffs[order[j]], step);
      coeffs[order[j]] = q * step;
      if (levels) levels[at + j] = q;
    }
  }
  return at + keep;
}

/**
 * JPEG-style block DCT: each block×block tile of each channel is transformed, only its first `keep` zig-zag
 * coefficients are kept (optionally uniformly quantized with `step`), and the tile is reconstructed. Tiles
 * past the right or bottom edge are padded by repeating the edge pixels (as JPEG encoders do) and cropped.
 */
export function blockDctCode(img: RgbImage, block: number, keep: number, step?: number): DctCode {
  if (!Number.isInteger(block) || block < 1) throw new RangeError(`block must be a positive integer, got ${block}`);
  assertKeep(keep, block * block);
  if (step !== undefined) assertStep(step);
  const { width: w, height: h } = img;
  const order = zigzagOrder(block);
  const bx = Math.ceil(w / block);
  const by = Math.ceil(h / block);
  const levels = step === undefined ? null : new Int32Array(3 * bx * by * keep);
  const out = createImage(w, h);
  const tile = new Float64Array(block * block);
  const coeffs = new Float64Array(block * block);
  const rec = new Float64Array(block * block);
  const tmp = new Float64Array(block * block);
  // Blocks go through the cosine matrix (an orthonormal DCT for any size).
  const c = cosineMatrix(block, false);
  const ct = cosineMatrix(block, true);
  let at = 0;
  const src = img.data;
  const dst = out.data;
  for (let ch = 0; ch < 3; ch++) {
    for (let ty = 0; ty < by; ty++) {
      for (let tx = 0; tx < bx; tx++) {
        for (let y = 0; y < block; y++) {
          const row = Math.min(ty * block + y, h - 1) * w;
          for (let x = 0; x < block; x++) tile[y * block + x] = src[(row + Math.min(tx * block + x, w - 1)) * 3 + ch];
        }
        matrixDct2Into(tile, coeffs, block, c, tmp);
        at = truncate(coeffs, order, keep, step, levels, at);
        matrixDct2Into(coeffs, rec, block, ct, tmp);
        const yEnd = Math.min(block, h - ty * block);
        const xEnd = Math.min(block, w - tx * block);
        for (let y = 0; y < yEnd; y++) {
          const row = (ty * block + y) * w + tx * block;
          for (let x = 0; x < xEnd; x++) dst[(row + x) * 3 + ch] = rec[y * block + x];
        }
      }
    }
  }
  return { image: out, levels, rate: levels ? levelRate(levels, w * h) : null };
}

/** The image rebuilt from the first `keep` zig-zag coefficients of every block×block tile, per channel. */
export function blockDctKeep(img: RgbImage, block = 8, keep: number): RgbImage {
  return blockDctCode(img, block, keep).image;
}

/** Whole-image orthonormal DCT of each channel: three width×height coefficient arrays (cache per image). */
export function wholeDctCoefficients(img: RgbImage): Float64Array[] {
  const { width: w, height: h } = img;
  const plane = new Float64Array(w * h);
  return [0, 1, 2].map((ch) => {
    for (let p = 0; p < w * h; p++) plane[p] = img.data[3 * p + ch];
    return dct2Rect(plane, w, h);
  });
}

/**
 * From whole-image coefficients (wholeDctCoefficients), keep the first `keep` in zig-zag-by-anti-diagonal
 * order (lowest frequencies first), optionally quantize with `step`, and invert.
 */
export function wholeDctFromCoefficients(coeffs: Float64Array[], width: number, height: number, keep: number, step?: number): DctCode {
  assertKeep(keep, width * height);
  if (step !== undefined) assertStep(step);
  const order = zigzagOrderRect(width, height);
  const levels = step === undefined ? null : new Int32Array(3 * keep);
  const out = createImage(width, height);
  let at = 0;
  for (let ch = 0; ch < 3; ch++) {
    const c = coeffs[ch].slice();
    at = truncate(c, order, keep, step, levels, at);
    const rec = dct2Rect(c, width, height, true);
    for (let p = 0; p < width * height; p++) out.data[3 * p + ch] = rec[p];
  }
  return { image: out, levels, rate: levels ? levelRate(levels, width * height) : null };
}

/** The image rebuilt from the first `keep` whole-image DCT coefficients of each channel (lowest first). */
export function wholeDctKeep(img: RgbImage, keep: number): RgbImage {
  return wholeDctFromCoefficients(wholeDctCoefficients(img), img.width, img.height, keep).image;
}
