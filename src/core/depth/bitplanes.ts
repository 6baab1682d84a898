// Bit-plane decomposition of 8-bit channels (docs/conventions.md, "Bit-planes"):
// u = round(255·v); plane b = (u >> b) & 1; the top-k reconstruction keeps the k most significant bits and
// sits at the centre of the kept bin of integer codes: ((u with low 8−k bits cleared) + (2^(8−k) − 1)/2) / 255.
import { createImage, type RgbImage } from '../image';
import { entropyBits } from '../metrics';

export const BIT_DEPTH = 8;

/**
 * The 8-bit code clamp(round(255·v), 0, 255) of a channel value (NaN for NaN), without Math.round (several
 * times slower per value in V8, measured). For v a float32 (RgbImage data), x = 255·v is exact (24 + 8 significand bits) and so is
 * x + 0.5 on [0, 255) (the sum needs at most 42 bits; below 0.5 it stays below 1), hence (x + 0.5) | 0 =
 * ⌊x + 0.5⌋ = Math.round(x) there. (For an arbitrary double the one exception would be the largest double
 * below ½, which 255·v never is.) Out of range: x ≥ 255 → 255; x < 0 → 0 (Math.round gives ≤ 0, or −0).
 */
function toCode(v: number): number {
  const x = v * 255;
  if (x >= 0 && x < 255) return (x + 0.5) | 0;
  return x >= 255 ? 255 : x < 0 ? 0 : NaN;
}

function assertPlane(plane: number): void {
  if (!Number.isInteger(plane) || plane < 0 || plane >= BIT_DEPTH) {
    throw new RangeError(`plane must be an integer in 0…${BIT_DEPTH - 1}, got ${plane}`);
  }
}

function assertBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 0 || bits > BIT_DEPTH) {
    throw new RangeError(`bits must be an integer in 0…${BIT_DEPTH}, got ${bits}`);
  }
}

/** The top-`bits` reconstruction of every code u: ((u & mask) + centre) / 255, as the float32 an image stores. */
function topBitsTable(bits: number): Float32Array {
  const drop = BIT_DEPTH - bits;
  const mask = (0xff << drop) & 0xff;
  const centre = ((1 << drop) - 1) / 2;
  const table = new Float32Array(256);
  for (let u = 0; u < 256; u++) table[u] = ((u & mask) + centre) / 255;
  return table;
}

const topBitsTables: Float32Array[] = Array.from({ length: BIT_DEPTH + 1 }, (_, bits) => topBitsTable(bits));

/**
 * The image rebuilt from the top `bits` bit-planes of each channel, each value at the centre of its bin. Pass
 * `out` (same size; may be `img` itself) to write into it instead of a new image: a caller that reuses one
 * buffer skips the allocation, which at 128² costs as much as the loop itself.
 */
export function keepTopBits(img: RgbImage, bits: number, out?: RgbImage): RgbImage {
  assertBits(bits);
  if (out && (out.width !== img.width || out.height !== img.height)) {
    throw new RangeError(`out is ${out.width}×${out.height}, the image ${img.width}×${img.height}`);
  }
  const dst = out ?? createImage(img.width, img.height);
  mapCodes(img.data, topBitsTables[bits], dst.data);
  return dst;
}

/** The 8-bit display byte of each top-`bits` reconstruction: round(255·value) of its float32, as toRgba rounds it. */
const topBitsBytes: Uint8Array[] = topBitsTables.map((t) => Uint8Array.from(t, (v) => Math.round(v * 255)));

/**
 * toRgba(keepTopBits(img, bits)) in one pass, with no float image in between: each value's code picks its byte
 * from a 256-entry table (NaN gives 0, as toRgba stores it). A panel that only shows the reconstruction draws it
 * from this, about three times faster than the two steps at 512².
 */
export function keepTopBitsRgba(img: RgbImage, bits: number, out?: Uint8ClampedArray): Uint8ClampedArray {
  assertBits(bits);
  return codesToRgba(img, topBitsBytes[bits], out);
}

/** toRgba(bitPlane(img, plane)) in one pass: 255 where the bit is set, else 0 (NaN gives 0). */
export function bitPlaneRgba(img: RgbImage, plane: number, out?: Uint8ClampedArray): Uint8ClampedArray {
  assertPlane(plane);
  return codesToRgba(img, Uint8Array.from({ length: 256 }, (_, u) => ((u >> plane) & 1) * 255), out);
}

/** RGBA bytes byteAt[code] of every channel value (0 for NaN), alpha 255. */
function codesToRgba(img: RgbImage, byteAt: Uint8Array, out?: Uint8ClampedArray): Uint8ClampedArray {
  const n = img.width * img.height;
  if (out && out.length !== n * 4) throw new RangeError(`out holds ${out.length} bytes, the image needs ${n * 4}`);
  const rgba = out ?? new Uint8ClampedArray(n * 4);
  const d = img.data;
  for (let p = 0, i = 0, q = 0; p < n; p++, i += 3, q += 4) {
    const x0 = d[i] * 255, x1 = d[i + 1] * 255, x2 = d[i + 2] * 255;
    rgba[q] = x0 >= 0 && x0 < 255 ? byteAt[(x0 + 0.5) | 0] : edgeByte(x0, byteAt);
    rgba[q + 1] = x1 >= 0 && x1 < 255 ? byteAt[(x1 + 0.5) | 0] : edgeByte(x1, byteAt);
    rgba[q + 2] = x2 >= 0 && x2 < 255 ? byteAt[(x2 + 0.5) | 0] : edgeByte(x2, byteAt);
    rgba[q + 3] = 255;
  }
  return rgba;
}

/** byteAt[code] for a value out of [0, 255) after scaling: the clamped ends, or 0 for NaN. */
function edgeByte(x: number, byteAt: Uint8Array): number {
  return x >= 255 ? byteAt[255] : x < 0 ? byteAt[0] : 0;
}

/** table[code] for a value out of [0, 255) after scaling: the clamped ends, or NaN for NaN. */
function edgeCode(x: number, table: Float32Array): number {
  return x >= 255 ? table[255] : x < 0 ? table[0] : NaN;
}

/**
 * dst[i] = table[code of src[i]] (NaN for NaN), toCode written out: one multiply, one rounding and one table
 * read per value, four values per loop turn (fewer loop-control instructions per value; faster in V8).
 */
function mapCodes(src: Float32Array, table: Float32Array, dst: Float32Array): void {
  const n = src.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const x0 = src[i] * 255, x1 = src[i + 1] * 255, x2 = src[i + 2] * 255, x3 = src[i + 3] * 255;
    dst[i] = x0 >= 0 && x0 < 255 ? table[(x0 + 0.5) | 0] : edgeCode(x0, table);
    dst[i + 1] = x1 >= 0 && x1 < 255 ? table[(x1 + 0.5) | 0] : edgeCode(x1, table);
    dst[i + 2] = x2 >= 0 && x2 < 255 ? table[(x2 + 0.5) | 0] : edgeCode(x2, table);
    dst[i + 3] = x3 >= 0 && x3 < 255 ? table[(x3 + 0.5) | 0] : edgeCode(x3, table);
  }
  for (; i < n; i++) {
    const x = src[i] * 255;
    dst[i] = x >= 0 && x < 255 ? table[(x + 0.5) | 0] : edgeCode(x, table);
  }
}

/** Bit-plane `plane` (0 = least significant, 7 = most) of every value, as 0/1 values in an image. */
export function bitPlane(img: RgbImage, plane: number): RgbImage {
  assertPlane(plane);
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
 * The eight top-k tables interleaved, row u = code u's reconstructions for k = 1…8 (the float32 values of
 * keepTopBits, widened), so one sweep reads one 64-byte row per value; row 256 is NaN (a NaN value).
 */
const sweepTable: Float64Array = (() => {
  const t = new Float64Array(257 * BIT_DEPTH).fill(NaN);
  for (let u = 0; u < 256; u++) for (let k = 1; k <= BIT_DEPTH; k++) t[u * BIT_DEPTH + k - 1] = topBitsTables[k][u];
  return t;
})();

/**
 * One sweep: err[k−1] += (top-k reconstruction − v)² in value order (as mse sums it) and hist[u] += 1 per code
 * (hist[256]: NaN values). All the work is inside the loop (V8 compiles this loop on-stack before the code
 * after it has ever run; work there would make each later call bail out of the compiled code).
 */
function sweep(data: Float32Array, table: Float64Array, hist: Float64Array, err: Float64Array): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    const x = v * 255;
    const u = x >= 0 && x < 255 ? (x + 0.5) | 0 : x >= 255 ? 255 : x < 0 ? 0 : 256;
    hist[u]++;
    const o = u << 3;
    let d = table[o] - v; err[0] += d * d;
    d = table[o + 1] - v; err[1] += d * d;
    d = table[o + 2] - v; err[2] += d * d;
    d = table[o + 3] - v; err[3] += d * d;
    d = table[o + 4] - v; err[4] += d * d;
    d = table[o + 5] - v; err[5] += d * d;
    d = table[o + 6] - v; err[6] += d * d;
    d = table[o + 7] - v; err[7] += d * d;
  }
}

/**
 * Per-step summary of the MSB-first bit-plane decomposition: what each added plane buys. One sweep over the
 * values: each is rounded once, and the squared error of all eight top-k reconstructions is accumulated in
 * the order mse(keepTopBits(img, k), img) sums it, so the PSNRs are the same numbers, without eight images.
 * The plane counts come from the histogram of the codes.
 */
export function analyzeBitplanes(img: RgbImage): BitplaneAnalysis {
  const hist = new Float64Array(257);
  const errors = new Float64Array(BIT_DEPTH);
  const data = img.data;
  sweep(data, sweepTable, hist, errors);
  const counts = new Float64Array(BIT_DEPTH);
  for (let u = 1; u < 256; u++) for (let b = 0; b < BIT_DEPTH; b++) if ((u >> b) & 1) counts[b] += hist[u];
  const n = data.length;
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
