// Radially averaged power spectra of x_t = α·x0 + σ·ε (docs/conventions.md, "Spectra and drowned frequencies"),
// at any t from FFTs of x0 and ε taken once (the FFT is linear). RAPSD: P(k) = mean over the ring ⌊|f|⌋ = k
// of |FFT2(x − mean x)|²/(H·W), with integer frequencies f = (fx, fy), fx, fy ∈ [−n/2, n/2). Rings k = 0 … n/2 − 1 are returned (the complete rings; the
// corners beyond radius n/2 are partial). Ring 0 holds only the DC term, which is 0 after the mean is removed.
import { fft2, isPowerOfTwo } from '../fft';

type Rings = { ring: Int32Array; count: Float64Array };
const ringCache = new Map<number, Rings>();

/** Ring index ⌊|f|⌋ of each FFT bin of an n×n grid (−1 outside the returned rings) and the bins per ring. */
function rings(n: number): Rings {
  let r = ringCache.get(n);
  if (!r) {
    const half = n >> 1;
    const ring = new Int32Array(n * n);
    const count = new Float64Array(half);
    for (let y = 0; y < n; y++) {
      const fy = y < half ? y : y - n;
      for (let x = 0; x < n; x++) {
        const fx = x < half ? x : x - n;
        const k = Math.floor(Math.sqrt(fx * fx + fy * fy));
        ring[y * n + x] = k < half ? k : -1;
        if (k < half) count[k]++;
      }
    }
    r = { ring, count };
    ringCache.set(n, r);
  }
  return r;
}

function checkSize(n: number, length: number, channels: number): void {
  if (!isPowerOfTwo(n) || n < 2) throw new RangeError(`n must be a power of two ≥ 2, got ${n}`);
  if (length !== n * n * channels) throw new RangeError(`expected ${n}×${n}×${channels} values, got ${length}`);
}

/** Ring means of |F|²/n² for one transform (re, im). */
function ringPower(re: Float64Array, im: Float64Array, n: number): Float64Array {
  const { ring, count } = rings(n);
  const p = new Float64Array(count.length);
  for (let i = 0; i < ring.length; i++) if (ring[i] >= 0) p[ring[i]] += re[i] * re[i] + im[i] * im[i];
  const norm = n * n;
  for (let k = 0; k < p.length; k++) p[k] /= count[k] * norm;
  return p;
}

/** RAPSD of one n×n channel (row-major), P(k) for k = 0 … n/2 − 1. */
export function rapsd(channel: ArrayLike<number>, n: number): Float64Array {
  checkSize(n, channel.length, 1);
  let mean = 0;
  for (let i = 0; i < channel.length; i++) mean += channel[i];
  mean /= channel.length;
  const re = new Float64Array(n * n);
  for (let i = 0; i < re.length; i++) re[i] = channel[i] - mean;
  const im = new Float64Array(n * n);
  fft2(re, im, n);
  return ringPower(re, im, n);
}

export type ChannelReduce = 'luma' | 'mean';

/**
 * One channel from interleaved RGB: BT.601 luma Y = 0.299R + 0.587G + 0.114B, or the plain mean of R, G, B.
 * Linear, so the reduced x_t is α·(reduced x0) + σ·(reduced ε); unit-variance noise reduces to variance
 * 0.299² + 0.587² + 0.114² ≈ 0.447 (luma) or 1/3 (mean), which is the flat level of P_ε.
 */
export function reduceRgb(rgb: ArrayLike<number>, mode: ChannelReduce = 'luma'): Float64Array {
  const n = rgb.length / 3;
  const [wr, wg, wb] = mode === 'luma' ? [0.299, 0.587, 0.114] : [1 / 3, 1 / 3, 1 / 3];
  const out = new Float64Array(n);
  for (let p = 0; p < n; p++) out[p] = wr * rgb[3 * p] + wg * rgb[3 * p + 1] + wb * rgb[3 * p + 2];
  return out;
}

export type SpectraPrecomputed = {
  n: number;
  /** F(x0 − mean) and F(ε − mean) of the reduced channel, row-major n×n. */
  x0Re: Float64Array;
  x0Im: Float64Array;
  epsRe: Float64Array;
  epsIm: Float64Array;
  /** RAPSD of x0 and of ε, and the ring mean of Re(X·conj(E))/n² (the cross term). */
  pX0: Float64Array;
  pEps: Float64Array;
  cross: Float64Array;
};

/**
 * Transforms x0 (model-space interleaved RGB, n×n) and ε (the same layout) once: reduces both to one channel
 * (`mode`), removes the means, takes their 2D FFTs and the per-ring powers and cross term.
 */
export function spectraForImage(x0: ArrayLike<number>, eps: ArrayLike<number>, n: number, mode: ChannelReduce = 'luma'): SpectraPrecomputed {
  checkSize(n, x0.length, 3);
  checkSize(n, eps.length, 3);
  const centred = (rgb: ArrayLike<number>) => {
    const v = reduceRgb(rgb, mode);
    let mean = 0;
    for (let i = 0; i < v.length; i++) mean += v[i];
    mean /= v.length;
    for (let i = 0; i < v.length; i++) v[i] -= mean;
    return v;
  };
  // Both real signals in one complex FFT: Z = F(x + i·e), then X[k] = (Z[k] + conj Z[−k])/2 and
  // E[k] = (Z[k] − conj Z[−k])/(2i), with −k = ((n − u) mod n, (n − v) mod n). Half the work of two FFTs.
  const zr = centred(x0);
  const zi = centred(eps);
  fft2(zr, zi, n);
  const X = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
  const E = { re: new Float64Array(n * n), im: new Float64Array(n * n) };
  for (let u = 0; u < n; u++) {
    const mu = ((n - u) % n) * n;
    for (let v = 0; v < n; v++) {
      const i = u * n + v;
      const j = mu + ((n - v) % n);
      const ar = zr[i], ai = zi[i], br = zr[j], bi = -zi[j];
      X.re[i] = (ar + br) / 2;
      X.im[i] = (ai + bi) / 2;
      E.re[i] = (ai - bi) / 2;
      E.im[i] = -(ar - br) / 2;
    }
  }
  const { ring, count } = rings(n);
  const cross = new Float64Array(count.length);
  for (let i = 0; i < ring.length; i++) if (ring[i] >= 0) cross[ring[i]] += X.re[i] * E.re[i] + X.im[i] * E.im[i];
  for (let k = 0; k < cross.length; k++) cross[k] /= count[k] * n * n;
  return {
    n,
    x0Re: X.re,
    x0Im: X.im,
    epsRe: E.re,
    epsIm: E.im,
    pX0: ringPower(X.re, X.im, n),
    pEps: ringPower(E.re, E.im, n),
    cross,
  };
}

/**
 * RAPSD of x_t = α·x0 + σ·ε from the precomputed transforms. By linearity F(x_t) = α·X + σ·E, so per ring
 * mean|α·X + σ·E|²/n² = α²·P_x0 + σ²·P_ε + 2ασ·cross — exact, and O(rings) per call (no FFT, no pixel loop).
 */
export function spectrumAt(pre: SpectraPrecomputed, alpha: number, sigma: number): Float64Array {
  const out = new Float64Array(pre.pX0.length);
  for (let k = 0; k < out.length; k++) {
    out[k] = alpha * alpha * pre.pX0[k] + sigma * sigma * pre.pEps[k] + 2 * alpha * sigma * pre.cross[k];
  }
  return out;
}

/**
 * The smallest ring k ≥ 1 from which every ring up is "drowned", α²·P_x0(j) < σ²·P_ε(j) for all j ≥ k
 * (docs/conventions.md, "Spectra and drowned frequencies"), so "frequencies from k up are drowned" holds as said; null when
 * the highest ring is not drowned. Ring 0 (DC, 0 for both after mean removal) is skipped.
 */
export function drownedFrequency(pre: SpectraPrecomputed, alpha: number, sigma: number): number | null {
  let from: number | null = null;
  for (let k = pre.pX0.length - 1; k >= 1; k--) {
    if (!(alpha * alpha * pre.pX0[k] < sigma * sigma * pre.pEps[k])) break;
    from = k;
  }
  return from;
}

/** Per-ring SNR α²·P_x0(k)/(σ²·P_ε(k)); ring 0 is NaN (0/0), σ = 0 gives +∞ elsewhere. */
export function bandSnr(pre: SpectraPrecomputed, alpha: number, sigma: number): Float64Array {
  const out = new Float64Array(pre.pX0.length);
  out[0] = NaN;
  for (let k = 1; k < out.length; k++) out[k] = (alpha * alpha * pre.pX0[k]) / (sigma * sigma * pre.pEps[k]);
  return out;
}
