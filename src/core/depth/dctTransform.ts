// The transform engine behind dct.ts: orthonormal DCT-II / DCT-III along the rows and columns of a w×h array
// (= scipy.fft.dctn / idctn with norm='ortho'):
//   X[k] = a_k Σ_i x[i] cos(π(2i+1)k / (2N)),  a_0 = √(1/N), a_k = √(2/N) (k > 0)
// (Ahmed, Natarajan & Rao 1974). Short or non-power-of-two lines use the precomputed cosine matrix (O(N²) per
// line; the 8×8 JPEG block has its own unrolled kernel); power-of-two lines from FFT_MIN use Makhoul's
// N-point FFT algorithm (Makhoul 1980, "A fast cosine transform in one and two dimensions", IEEE TASSP 28(1)),
// O(N log N), two real lines per complex FFT (fftDctLines.ts), so a 512² channel takes a few milliseconds.
// Each pass writes its lines transposed, so the column pass reads contiguous rows too.

import { dctLinePlan, fftPass } from './fftDctLines';

/** Power-of-two lines at least this long go through the FFT; shorter ones through the cosine matrix. */
const FFT_MIN = 32;
/**
 * An inverse line with at most this many leading non-zero coefficients goes through the cosine matrix
 * (n·m multiply-adds) rather than the FFT (≈ n·log2(n) complex work): measured crossover at n = 512.
 */
const PRUNED_MAX = 12;

function isPow2(n: number): boolean {
  return (n & (n - 1)) === 0;
}

const matrices = new Map<string, Float64Array>();

/** The orthonormal DCT-II matrix C[k·n + i] = a_k cos(π(2i+1)k/(2n)), or its transpose (the inverse). */
export function cosineMatrix(n: number, transposed: boolean): Float64Array {
  const key = `${n}${transposed ? 't' : ''}`;
  let m = matrices.get(key);
  if (m) return m;
  m = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const a = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let i = 0; i < n; i++) m[transposed ? i * n + k : k * n + i] = a * Math.cos((Math.PI * (2 * i + 1) * k) / (2 * n));
  }
  matrices.set(key, m);
  return m;
}

/**
 * One pass: transforms rows 0…rows−1 of src (rows × n; only rows below `rowsUsed` and, per row, only the first
 * `used` entries may be non-zero) and writes them transposed into dst (n × rows).
 */
function pass(src: Float64Array, rows: number, n: number, dst: Float64Array, inverse: boolean, rowsUsed = rows, used = n): void {
  if (n >= FFT_MIN && isPow2(n) && !(inverse && used <= PRUNED_MAX)) {
    fftPass(dctLinePlan(n), src, rows, dst, inverse, rowsUsed, used);
    return;
  }
  if (rowsUsed < rows) dst.fill(0);
  const m = cosineMatrix(n, inverse);
  const taps = inverse ? used : n;
  for (let y = 0; y < rowsUsed; y++) {
    const row = y * n;
    for (let k = 0; k < n; k++) {
      let s = 0;
      const mr = k * n;
      for (let i = 0; i < taps; i++) s += m[mr + i] * src[row + i];
      dst[k * rows + y] = s;
    }
  }
}

/**
 * Square blocks through the cosine matrix M (C forward, Cᵀ inverse): dst = M·src·Mᵀ, rows then columns, with
 * caller-provided scratch so that the 8×8 JPEG case allocates nothing per block.
 */
export function matrixDct2Into(src: Float64Array, dst: Float64Array, n: number, m: Float64Array, tmp: Float64Array): void {
  if (n === 8) {
    dct8Into(src, dst, m, tmp);
    return;
  }
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += m[k * n + i] * src[r * n + i];
      tmp[r * n + k] = s;
    }
  }
  for (let k = 0; k < n; k++) {
    for (let col = 0; col < n; col++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += m[k * n + r] * tmp[r * n + col];
      dst[k * n + col] = s;
    }
  }
}

/** matrixDct2Into for n = 8 with the inner products written out (short loops cost more than their work). */
function dct8Into(src: Float64Array, dst: Float64Array, m: Float64Array, tmp: Float64Array): void {
  for (let r = 0; r < 64; r += 8) {
    const x0 = src[r], x1 = src[r + 1], x2 = src[r + 2], x3 = src[r + 3];
    const x4 = src[r + 4], x5 = src[r + 5], x6 = src[r + 6], x7 = src[r + 7];
    for (let q = 0; q < 64; q += 8) {
      tmp[r + (q >> 3)] = m[q] * x0 + m[q + 1] * x1 + m[q + 2] * x2 + m[q + 3] * x3 + m[q + 4] * x4 + m[q + 5] * x5 + m[q + 6] * x6 + m[q + 7] * x7;
    }
  }
  for (let col = 0; col < 8; col++) {
    const y0 = tmp[col], y1 = tmp[8 + col], y2 = tmp[16 + col], y3 = tmp[24 + col];
    const y4 = tmp[32 + col], y5 = tmp[40 + col], y6 = tmp[48 + col], y7 = tmp[56 + col];
    for (let q = 0; q < 64; q += 8) {
      dst[q + col] = m[q] * y0 + m[q + 1] * y1 + m[q + 2] * y2 + m[q + 3] * y3 + m[q + 4] * y4 + m[q + 5] * y5 + m[q + 6] * y6 + m[q + 7] * y7;
    }
  }
}

/** Intermediate array of dct2Rect, kept for the next call of the same size (a fresh one costs page faults). */
let scratch: Float64Array | null = null;

function scratchOf(size: number): Float64Array {
  if (!scratch || scratch.length !== size) scratch = new Float64Array(size);
  return scratch;
}

/** Separable 2-D transform of a w×h row-major array: every row (length w), then every column (length h). */
export function dct2Rect(data: ArrayLike<number>, w: number, h: number, inverse = false): Float64Array {
  if (data.length !== w * h) throw new RangeError(`expected ${w}×${h} = ${w * h} values, got ${data.length}`);
  const src = data instanceof Float64Array ? data : Float64Array.from(data);
  const out = new Float64Array(w * h);
  // Every entry of tmp is written before it is read, so a reused one needs no clearing.
  const tmp = scratchOf(w * h);
  if (w === h && !(w >= FFT_MIN && isPow2(w))) {
    matrixDct2Into(src, out, w, cosineMatrix(w, inverse), tmp);
    return out;
  }
  pass(src, h, w, tmp, inverse); // rows → columns of tmp (w × h)
  pass(tmp, w, h, out, inverse); // columns (rows of tmp) → back to h × w
  return out;
}

/**
 * Inverse 2-D DCT (= dct2Rect(coeffs, w, h, true)) of coefficients that are zero outside the top-left
 * `rows` × `cols` corner (a low-pass truncation such as the first k in zig-zag order). Lines that are all zero
 * are skipped and lines with few leading coefficients go through the cosine matrix, so small corners cost
 * far less than a full transform. Only the corner of `coeffs` is read. `out` (h × w) and `tmp` (w × h) may be
 * passed to reuse memory.
 */
export function idct2Lowpass(coeffs: Float64Array, w: number, h: number, rows: number, cols: number, out = new Float64Array(w * h), tmp = new Float64Array(w * h)): Float64Array {
  if (coeffs.length !== w * h) throw new RangeError(`expected ${w}×${h} = ${w * h} values, got ${coeffs.length}`);
  const r = Math.max(0, Math.min(h, rows));
  const c = Math.max(0, Math.min(w, cols));
  pass(coeffs, h, w, tmp, true, r, c);
  pass(tmp, w, h, out, true, w, r);
  return out;
}
