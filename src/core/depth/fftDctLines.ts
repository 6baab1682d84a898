// Fast orthonormal DCT-II / DCT-III of many power-of-two lines at once, for dctTransform.ts.
// Makhoul's algorithm (Makhoul 1980, "A fast cosine transform in one and two dimensions", IEEE TASSP 28(1)):
// an n-point DCT is one n-point complex FFT of the reordered line v = (x0, x2, x4, …, x5, x3, x1). The lines
// are real, so two of them share one FFT (z = v_a + i·v_b; V_a, V_b from the Hermitian parts of Z), which
// halves the work. Each pass reads rows and writes them as columns of `dst` (a transpose), so a 2-D
// transform is two row passes over contiguous memory instead of a row pass and a strided column pass.
// The FFT itself is core/fft.ts fftContiguous (radix-2 stages two at a time).
import { fftContiguous } from '../fft';

export type DctLinePlan = {
  n: number;
  /** cos/sin(πk/(2n)), k < n, pre-multiplied by the orthonormal scale a_k (forward) or divided (inverse). */
  fc: Float64Array;
  fs: Float64Array;
  ic: Float64Array;
  is: Float64Array;
  re: Float64Array;
  im: Float64Array;
  /** Line buffers of the inverse (two zero-padded input lines). */
  la: Float64Array;
  lb: Float64Array;
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
  p = { n, fc, fs, ic, is, re: new Float64Array(n), im: new Float64Array(n), la: new Float64Array(n), lb: new Float64Array(n) };
  plans.set(n, p);
  return p;
}

/**
 * Forward DCT-II of rows y0 and y1 of src (row-major, n per row; y1 = −1 for none) into columns col and
 * col + 1 of dst (row length `stride`): dst[k·stride + col] = a_k Σ_i src[y0·n + i] cos(π(2i+1)k/(2n)).
 */
export function forwardPair(p: DctLinePlan, src: Float64Array, y0: number, y1: number, dst: Float64Array, stride: number, col: number): void {
  const { n, re, im, fc, fs } = p;
  const h = n >> 1;
  const a = y0 * n;
  for (let j = 0; j < h; j++) {
    re[j] = src[a + 2 * j];
    re[n - 1 - j] = src[a + 2 * j + 1];
  }
  if (y1 >= 0) {
    const b = y1 * n;
    for (let j = 0; j < h; j++) {
      im[j] = src[b + 2 * j];
      im[n - 1 - j] = src[b + 2 * j + 1];
    }
  } else im.fill(0);
  fftContiguous(re, im, n);
  // V_a = (Z[k] + conj Z[n−k]) / 2, V_b = (Z[k] − conj Z[n−k]) / 2i; DCT[k] = a_k Re(e^{−iπk/(2n)} V[k]).
  // (k = 0 pairs with itself: m = 0.)
  dst[col] = re[0] * fc[0];
  if (y1 >= 0) dst[col + 1] = im[0] * fc[0];
  for (let k = 1, m = n - 1; k < n; k++, m--) {
    const zr = re[k], zi = im[k], mr = re[m], mi = im[m];
    dst[k * stride + col] = 0.5 * ((zr + mr) * fc[k] + (zi - mi) * fs[k]);
  }
  if (y1 < 0) return;
  for (let k = 1, m = n - 1; k < n; k++, m--) {
    const zr = re[k], zi = im[k], mr = re[m], mi = im[m];
    dst[k * stride + col + 1] = 0.5 * ((zi + mi) * fc[k] - (zr - mr) * fs[k]);
  }
}

/**
 * Inverse (DCT-III) of rows y0, y1 of src into columns col, col + 1 of dst, the inverse of forwardPair. Only
 * the first `used` entries of each row are read (the rest are taken as zero).
 */
export function inversePair(p: DctLinePlan, src: Float64Array, y0: number, y1: number, dst: Float64Array, stride: number, col: number, used = p.n): void {
  const { n, re, im, ic, is } = p;
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
  // k = 0: no sine part (C[n] = 0).
  re[0] = la[0] * ic[0];
  im[0] = -(lb[0] * ic[0]);
  for (let k = 1, m = n - 1; k < n; k++, m--) {
    const c = ic[k], sn = is[k];
    const xa = la[k], qa = -la[m], xb = lb[k], qb = -lb[m];
    re[k] = (xa * c - qa * sn) - (xb * sn + qb * c);
    im[k] = -((xa * sn + qa * c) + (xb * c - qb * sn));
  }
  fftContiguous(re, im, n);
  const h = n >> 1;
  const inv = 1 / n;
  for (let j = 0; j < h; j++) {
    dst[2 * j * stride + col] = re[j] * inv;
    dst[(2 * j + 1) * stride + col] = re[n - 1 - j] * inv;
  }
  if (y1 >= 0) {
    for (let j = 0; j < h; j++) {
      dst[2 * j * stride + col + 1] = -im[j] * inv;
      dst[(2 * j + 1) * stride + col + 1] = -im[n - 1 - j] * inv;
    }
  }
}
