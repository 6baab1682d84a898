// Fast orthonormal DCT-II / DCT-III of many power-of-two lines at once, for dctTransform.ts.
// Makhoul's algorithm (Makhoul 1980, "A fast cosine transform in one and two dimensions", IEEE TASSP 28(1)):
// an n-point DCT is one n-point complex FFT of the reordered line v = (x0, x2, x4, …, x5, x3, x1). The lines
// are real, so two of them share one FFT (z = v_a + i·v_b; V_a, V_b from the Hermitian parts of Z), which
// halves the work. The FFT is core/fft.ts fftStages (radix-2 stages two at a time); its input is written
// straight into bit-reversed order while it is built, so there is no separate permutation pass. A pass
// (dctTransform.ts) transforms its lines eight at a time into a block buffer, line by line, and then writes
// the block transposed, whole cache lines at a time, so a 2-D transform is two row passes over contiguous
// memory instead of a row pass and a strided column pass.
import { bitReversal, fftStages } from '../fft';

/** Lines transformed per block (a block is written transposed: BLOCK contiguous values per output row). */
export const BLOCK = 8;

export type DctLinePlan = {
  n: number;
  /** cos/sin(πk/(2n)), k < n, pre-multiplied by the orthonormal scale a_k (forward) or divided (inverse). */
  fc: Float64Array;
  fs: Float64Array;
  ic: Float64Array;
  is: Float64Array;
  /** The bit-reversal permutation of n points. */
  rev: Uint32Array;
  re: Float64Array;
  im: Float64Array;
  /** Line buffers of the inverse (two zero-padded input lines). */
  la: Float64Array;
  lb: Float64Array;
  /** BLOCK transformed lines (line-major), before they are written transposed. */
  block: Float64Array;
};

const plans = new Map<number, DctLinePlan>();

/** The tables and line buffers of n-point lines (n a power of two), built once per n. */
export function dctLinePlan(n: number): DctLinePlan {
  let p = plans.get(n);
  if (p) return p;
  const fc = new Float64Array(n), fs = new Float64Array(n), ic = new Float64Array(n), is = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    const c = Math.cos((Math.PI * k) / (2 * n)), s = Math.sin((Math.PI * k) / (2 * n));
    fc[k] = a * c; fs[k] = a * s;
    ic[k] = c / a; is[k] = s / a;
  }
  p = {
    n, fc, fs, ic, is, rev: bitReversal(n), re: new Float64Array(n), im: new Float64Array(n),
    la: new Float64Array(n), lb: new Float64Array(n), block: new Float64Array(BLOCK * n),
  };
  plans.set(n, p);
  return p;
}

/**
 * Forward DCT-II of rows y0 and y1 of src (row-major, n per row; y1 = −1 for none) into lines oa and ob of
 * out (n per line): out[oa + k] = a_k Σ_i src[y0·n + i] cos(π(2i+1)k/(2n)), and the same of y1 at ob (which
 * gets zeros when y1 = −1).
 */
export function forwardPair(p: DctLinePlan, src: Float64Array, y0: number, y1: number, out: Float64Array, oa: number, ob: number): void {
  const { n, re, im, fc, fs, rev } = p;
  const h = n >> 1;
  // v[j] = x[2j], v[n−1−j] = x[2j+1], each written at its bit-reversed place.
  const a = y0 * n;
  for (let j = 0; j < h; j++) {
    re[rev[j]] = src[a + 2 * j];
    re[rev[n - 1 - j]] = src[a + 2 * j + 1];
  }
  if (y1 >= 0) {
    const b = y1 * n;
    for (let j = 0; j < h; j++) {
      im[rev[j]] = src[b + 2 * j];
      im[rev[n - 1 - j]] = src[b + 2 * j + 1];
    }
  } else im.fill(0);
  fftStages(re, im, n);
  // V_a = (Z[k] + conj Z[n−k]) / 2, V_b = (Z[k] − conj Z[n−k]) / 2i; DCT[k] = a_k Re(e^{−iπk/(2n)} V[k]).
  // (k = 0 pairs with itself: m = 0.)
  // k and m = n − k read the same four values: both are done at once (the sums and differences of the
  // pair only change sign, exactly, so every output is the number the one-at-a-time formula gives).
  out[oa] = re[0] * fc[0];
  out[ob] = im[0] * fc[0];
  for (let k = 1, m = n - 1; k <= m; k++, m--) {
    const zr = re[k], zi = im[k], mr = re[m], mi = im[m];
    const sr = zr + mr, di = zi - mi, si = zi + mi, dr = zr - mr;
    out[oa + k] = 0.5 * (sr * fc[k] + di * fs[k]);
    out[ob + k] = 0.5 * (si * fc[k] - dr * fs[k]);
    out[oa + m] = 0.5 * (sr * fc[m] - di * fs[m]);
    out[ob + m] = 0.5 * (si * fc[m] + dr * fs[m]);
  }
}

/**
 * Inverse (DCT-III) of rows y0, y1 of src into lines oa and ob of out, the inverse of forwardPair. Only the
 * first `used` entries of each row are read (the rest are taken as zero); y1 = −1 gives zeros at ob.
 */
export function inversePair(p: DctLinePlan, src: Float64Array, y0: number, y1: number, out: Float64Array, oa: number, ob: number, used = p.n): void {
  const { n, re, im, ic, is, rev } = p;
  // With C the un-normalized DCT (C[k] = X[k]/a_k), V[k] = e^{iπk/(2n)} (C[k] − i·C[n−k]) and v = IFFT(V) is
  // real; for two lines W = V_a + i·V_b gives IFFT(W) = v_a + i·v_b, taken as conj(FFT(conj W))/n.
  // The two lines, zero past `used`, in line buffers: the loop below then reads X[k] and X[n−k] unguarded.
  const la = p.la, lb = p.lb;
  la.set(src.subarray(y0 * n, y0 * n + used));
  la.fill(0, used);
  if (y1 >= 0) {
    lb.set(src.subarray(y1 * n, y1 * n + used));
    lb.fill(0, used);
  } else lb.fill(0);
  // k = 0: no sine part (C[n] = 0). Each value is written at its bit-reversed place.
  // k and m = n − k read the same four values: both are done at once.
  re[0] = la[0] * ic[0];
  im[0] = -(lb[0] * ic[0]);
  for (let k = 1, m = n - 1; k <= m; k++, m--) {
    const ak = la[k], am = la[m], bk = lb[k], bm = lb[m];
    let c = ic[k], sn = is[k];
    let xa = ak, qa = -am, xb = bk, qb = -bm;
    let r = rev[k];
    re[r] = (xa * c - qa * sn) - (xb * sn + qb * c);
    im[r] = -((xa * sn + qa * c) + (xb * c - qb * sn));
    c = ic[m]; sn = is[m];
    xa = am; qa = -ak; xb = bm; qb = -bk;
    r = rev[m];
    re[r] = (xa * c - qa * sn) - (xb * sn + qb * c);
    im[r] = -((xa * sn + qa * c) + (xb * c - qb * sn));
  }
  fftStages(re, im, n);
  const h = n >> 1;
  const inv = 1 / n;
  for (let j = 0; j < h; j++) {
    out[oa + 2 * j] = re[j] * inv;
    out[oa + 2 * j + 1] = re[n - 1 - j] * inv;
    out[ob + 2 * j] = -im[j] * inv;
    out[ob + 2 * j + 1] = -im[n - 1 - j] * inv;
  }
}

/**
 * One pass over rows 0…rowsUsed−1 of src (rows × n): each row's transform (DCT-II, or DCT-III of its first
 * `used` entries) written as a column of dst (n × rows): dst[k·rows + y]. Rows from rowsUsed on are taken
 * as zero (dst is zero-filled there). Eight rows at a time go through the block buffer.
 */
export function fftPass(p: DctLinePlan, src: Float64Array, rows: number, dst: Float64Array, inverse: boolean, rowsUsed = rows, used = p.n): void {
  const { n, block } = p;
  if (rowsUsed < rows) dst.fill(0);
  for (let g = 0; g < rowsUsed; g += BLOCK) {
    const cnt = Math.min(BLOCK, rowsUsed - g);
    for (let e = 0; e < cnt; e += 2) {
      const y0 = g + e, y1 = e + 1 < cnt ? y0 + 1 : -1;
      if (inverse) inversePair(p, src, y0, y1, block, e * n, (e + 1) * n, used);
      else forwardPair(p, src, y0, y1, block, e * n, (e + 1) * n);
    }
    if (cnt === BLOCK) {
      for (let k = 0, o = g; k < n; k++, o += rows) {
        dst[o] = block[k]; dst[o + 1] = block[n + k]; dst[o + 2] = block[2 * n + k]; dst[o + 3] = block[3 * n + k];
        dst[o + 4] = block[4 * n + k]; dst[o + 5] = block[5 * n + k]; dst[o + 6] = block[6 * n + k]; dst[o + 7] = block[7 * n + k];
      }
    } else {
      for (let k = 0, o = g; k < n; k++, o += rows) for (let e = 0; e < cnt; e++) dst[o + e] = block[e * n + k];
    }
  }
}
