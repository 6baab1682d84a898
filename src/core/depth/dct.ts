// Depth by frequency: JPEG-style block DCT truncation and whole-image DCT truncation, keeping coefficients in
// zig-zag order (lowest frequencies first). The transforms are orthonormal (dctTransform.ts), so the squared
// error of a truncation is the energy of the dropped coefficients (Parseval).
// Zig-zag order: JPEG (ITU-T T.81, Figure 5), extended to w×h grids by anti-diagonals.
import { createImage, type RgbImage } from '../image';
import { cosineMatrix, dct2Rect, idct2Lowpass, matrixDct2Into } from './dctTransform';
import { levelRateFast } from './levelRateFast';
import { assertStep, quantizeLevel, type Rate } from './rate';

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

const zigzags = new Map<string, Uint32Array>();

/** zigzagOrderRect, computed once per size for the loops below (never handed out: callers may mutate theirs). */
function cachedZigzag(w: number, h: number): Uint32Array {
  const key = `${w}×${h}`;
  let z = zigzags.get(key);
  if (!z) zigzags.set(key, (z = zigzagOrderRect(w, h)));
  return z;
}

/** The rows and columns spanned by the first `keep` entries of a zig-zag order of a w-wide grid. */
function keptCorner(order: Uint32Array, keep: number, w: number): { rows: number; cols: number } {
  let rows = 0, cols = 0;
  for (let j = 0; j < keep; j++) {
    const r = Math.floor(order[j] / w), c = order[j] - r * w;
    if (r >= rows) rows = r + 1;
    if (c >= cols) cols = c + 1;
  }
  return { rows, cols };
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
 * Writes the first `keep` coefficients of `src` in `order` into `dst` (whose other entries the caller keeps
 * zero); with a step, each becomes round(c/step)·step and its level goes to `levels` at `at`. Returns the next `at`.
 */
function keepInto(src: Float64Array, s0: number, order: Uint32Array, keep: number, step: number | undefined, dst: Float64Array, levels: Int32Array | null, at: number): number {
  if (step === undefined) {
    for (let j = 0; j < keep; j++) dst[order[j]] = src[s0 + order[j]];
    return at + keep;
  }
  for (let j = 0; j < keep; j++) {
    const q = quantizeLevel(src[s0 + order[j]], step);
    dst[order[j]] = q * step;
    if (levels) levels[at + j] = q;
  }
  return at + keep;
}

/**
 * Block DCT coefficients of every block×block tile of each channel (channel-major, tiles row-major, each tile
 * row-major), tiles past the right or bottom edge padded by repeating the edge pixels (as JPEG encoders do).
 * Compute once per image; blockDctFromCoefficients then rebuilds any truncation.
 */
export function blockDctCoefficients(img: RgbImage, block: number): Float64Array {
  if (!Number.isInteger(block) || block < 1) throw new RangeError(`block must be a positive integer, got ${block}`);
  const { width: w, height: h } = img;
  const bx = Math.ceil(w / block);
  const by = Math.ceil(h / block);
  const bb = block * block;
  const out = new Float64Array(3 * bx * by * bb);
  const tile = new Float64Array(bb);
  const coeffs = new Float64Array(bb);
  const tmp = new Float64Array(bb);
  const c = cosineMatrix(block, false); // an orthonormal DCT for any block size
  const src = img.data;
  let o = 0;
  for (let ch = 0; ch < 3; ch++) {
    for (let ty = 0; ty < by; ty++) {
      for (let tx = 0; tx < bx; tx++) {
        for (let y = 0; y < block; y++) {
          const row = Math.min(ty * block + y, h - 1) * w;
          for (let x = 0; x < block; x++) tile[y * block + x] = src[(row + Math.min(tx * block + x, w - 1)) * 3 + ch];
        }
        matrixDct2Into(tile, coeffs, block, c, tmp);
        out.set(coeffs, o);
        o += bb;
      }
    }
  }
  return out;
}

/**
 * Inverse block DCT rec = Cᵀ·X·C of a tile whose coefficients are zero outside the top-left rows × cols
 * corner: the zero lines are skipped (a kept 1×1 corner costs 72 multiply-adds instead of 1024 at 8×8).
 */
function inverseTileCorner(x: Float64Array, rec: Float64Array, n: number, ct: Float64Array, tmp: Float64Array, rows: number, cols: number): void {
  if (rows === n && cols === n) {
    matrixDct2Into(x, rec, n, ct, tmp);
    return;
  }
  if (n === 8) {
    inverse8Corner(x, rec, ct, tmp, rows, cols);
    return;
  }
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < cols; i++) s += ct[k * n + i] * x[r * n + i];
      tmp[r * n + k] = s;
    }
  }
  for (let k = 0; k < n; k++) {
    for (let col = 0; col < n; col++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += ct[k * n + r] * tmp[r * n + col];
      rec[k * n + col] = s;
    }
  }
}

/** inverseTileCorner at n = 8 with the eight outputs of a line in locals (same sums, same order). */
function inverse8Corner(x: Float64Array, rec: Float64Array, ct: Float64Array, tmp: Float64Array, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let i = 0; i < cols; i++) {
      const v = x[r * 8 + i];
      s0 += ct[i] * v; s1 += ct[8 + i] * v; s2 += ct[16 + i] * v; s3 += ct[24 + i] * v;
      s4 += ct[32 + i] * v; s5 += ct[40 + i] * v; s6 += ct[48 + i] * v; s7 += ct[56 + i] * v;
    }
    const t = r * 8;
    tmp[t] = s0; tmp[t + 1] = s1; tmp[t + 2] = s2; tmp[t + 3] = s3; tmp[t + 4] = s4; tmp[t + 5] = s5; tmp[t + 6] = s6; tmp[t + 7] = s7;
  }
  for (let k = 0; k < 64; k += 8) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let r = 0; r < rows; r++) {
      const w = ct[k + r];
      const t = r * 8;
      s0 += w * tmp[t]; s1 += w * tmp[t + 1]; s2 += w * tmp[t + 2]; s3 += w * tmp[t + 3];
      s4 += w * tmp[t + 4]; s5 += w * tmp[t + 5]; s6 += w * tmp[t + 6]; s7 += w * tmp[t + 7];
    }
    rec[k] = s0; rec[k + 1] = s1; rec[k + 2] = s2; rec[k + 3] = s3; rec[k + 4] = s4; rec[k + 5] = s5; rec[k + 6] = s6; rec[k + 7] = s7;
  }
}

/**
 * From block coefficients (blockDctCoefficients), keep the first `keep` zig-zag coefficients of every tile
 * (optionally uniformly quantized with `step`) and rebuild the w×h image, cropping the padded edge tiles.
 */
export function blockDctFromCoefficients(coeffs: Float64Array, w: number, h: number, block: number, keep: number, step?: number): DctCode {
  if (!Number.isInteger(block) || block < 1) throw new RangeError(`block must be a positive integer, got ${block}`);
  assertKeep(keep, block * block);
  if (step !== undefined) assertStep(step);
  const bx = Math.ceil(w / block);
  const by = Math.ceil(h / block);
  const bb = block * block;
  if (coeffs.length !== 3 * bx * by * bb) throw new RangeError(`expected ${3 * bx * by * bb} block coefficients, got ${coeffs.length}`);
  const order = cachedZigzag(block, block);
  const corner = keptCorner(order, keep, block);
  const levels = step === undefined ? null : new Int32Array(3 * bx * by * keep);
  const out = createImage(w, h);
  const kept = new Float64Array(bb);
  const rec = new Float64Array(bb);
  const tmp = new Float64Array(bb);
  const ct = cosineMatrix(block, true);
  const dst = out.data;
  let at = 0;
  let o = 0;
  for (let ch = 0; ch < 3; ch++) {
    for (let ty = 0; ty < by; ty++) {
      for (let tx = 0; tx < bx; tx++) {
        at = keepInto(coeffs, o, order, keep, step, kept, levels, at);
        o += bb;
        inverseTileCorner(kept, rec, block, ct, tmp, corner.rows, corner.cols);
        const yEnd = Math.min(block, h - ty * block);
        const xEnd = Math.min(block, w - tx * block);
        for (let y = 0; y < yEnd; y++) {
          const row = (ty * block + y) * w + tx * block;
          for (let x = 0; x < xEnd; x++) dst[(row + x) * 3 + ch] = rec[y * block + x];
        }
      }
    }
  }
  return { image: out, levels, rate: levels ? levelRateFast(levels, w * h) : null };
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
  return blockDctFromCoefficients(blockDctCoefficients(img, block), img.width, img.height, block, keep, step);
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

let scratch: { kept: Float64Array<ArrayBuffer>; rec: Float64Array<ArrayBuffer>; tmp: Float64Array<ArrayBuffer> } | null = null;

/** Work arrays of one size, reused by every step (fresh multi-megabyte arrays cost page faults and zeroing). */
function wholeScratch(n: number) {
  if (scratch?.kept.length !== n) scratch = { kept: new Float64Array(n), rec: new Float64Array(n), tmp: new Float64Array(n) };
  return scratch;
}

/**
 * From whole-image coefficients (wholeDctCoefficients), keep the first `keep` in zig-zag-by-anti-diagonal
 * order (lowest frequencies first), optionally quantize with `step`, and invert.
 */
export function wholeDctFromCoefficients(coeffs: Float64Array[], width: number, height: number, keep: number, step?: number): DctCode {
  assertKeep(keep, width * height);
  if (step !== undefined) assertStep(step);
  const order = cachedZigzag(width, height);
  // Only the corner the kept coefficients span is non-zero: the inverse skips the rest (idct2Lowpass).
  const { rows, cols } = keptCorner(order, keep, width);
  const levels = step === undefined ? null : new Int32Array(3 * keep);
  const out = createImage(width, height);
  const { kept, rec, tmp } = wholeScratch(width * height);
  let at = 0;
  for (let ch = 0; ch < 3; ch++) {
    kept.fill(0, 0, rows * width); // values outside the corner, left by an earlier step, are never read
    at = keepInto(coeffs[ch], 0, order, keep, step, kept, levels, at);
    idct2Lowpass(kept, width, height, rows, cols, rec, tmp);
    for (let p = 0; p < width * height; p++) out.data[3 * p + ch] = rec[p];
  }
  return { image: out, levels, rate: levels ? levelRateFast(levels, width * height) : null };
}

/** The image rebuilt from the first `keep` whole-image DCT coefficients of each channel (lowest first). */
export function wholeDctKeep(img: RgbImage, keep: number): RgbImage {
  return wholeDctFromCoefficients(wholeDctCoefficients(img), img.width, img.height, keep).image;
}
