import { describe, expect, it } from 'vitest';
import { fft2 } from '../../../../src/core/fft';
import { seededNoise } from '../../../../src/core/diffusion/forward';
import { scheduleAt } from '../../../../src/core/diffusion/schedules';
import { bandSnr, drownedFrequency, rapsd, reduceRgb, spectraForImage, spectrumAt } from '../../../../src/core/diffusion/spectrum';
import { mulberry32 } from '../../../../src/core/random';

/** Bins per ring ⌊|f|⌋ = k, k < n/2, computed independently of spectrum.ts. */
function ringCounts(n: number): number[] {
  const c = new Array<number>(n / 2).fill(0);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const fy = y < n / 2 ? y : y - n, fx = x < n / 2 ? x : x - n;
      const k = Math.floor(Math.hypot(fx, fy));
      if (k < n / 2) c[k]++;
    }
  }
  return c;
}

/** A gray n×n field with power ∝ |f|^−2 (amplitude 1/|f|, random phases): a stand-in for a natural image. */
function pinkField(n: number, seed: number): Float64Array {
  const r = mulberry32(seed);
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const fy = y < n / 2 ? y : y - n, fx = x < n / 2 ? x : x - n;
      const f = Math.hypot(fx, fy);
      if (f === 0) continue;
      const phase = 2 * Math.PI * r();
      re[y * n + x] = Math.cos(phase) / f;
      im[y * n + x] = Math.sin(phase) / f;
    }
  }
  fft2(re, im, n, true);
  let max = 0;
  for (const v of re) max = Math.max(max, Math.abs(v));
  return re.map((v) => (0.8 * v) / max); // real part keeps the k^−2 shape; scaled into [−0.8, 0.8]
}

const gray = (c: Float64Array) => {
  const out = new Float32Array(c.length * 3);
  for (let i = 0; i < c.length; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = c[i];
  return out;
};

describe('RAPSD', () => {
  it('white noise of std 0.7 is flat at σ² = 0.49: pooled over rings within 10 % on one 64×64 draw', () => {
    const n = 64;
    const e = seededNoise(n * n, 1).map((v) => 0.7 * v);
    const p = rapsd(e, n);
    expect(p).toHaveLength(32);
    expect(p[0]).toBeCloseTo(0, 12); // DC after mean removal
    const counts = ringCounts(n);
    let num = 0, den = 0;
    for (let k = 1; k < 32; k++) {
      num += p[k] * counts[k];
      den += counts[k];
    }
    expect(Math.abs(num / den / 0.49 - 1)).toBeLessThan(0.1);
  });

  it('white noise: every ring k ≥ 1, averaged over 16 draws, is within 4 standard errors of σ² (SE = σ²/√(16·bins/2))', () => {
    const n = 64, draws = 16;
    const mean = new Float64Array(32);
    for (let s = 0; s < draws; s++) {
      const p = rapsd(seededNoise(n * n, 100 + s).map((v) => 0.7 * v), n);
      for (let k = 0; k < 32; k++) mean[k] += p[k] / draws;
    }
    const counts = ringCounts(n);
    for (let k = 1; k < 32; k++) {
      const se = 0.49 / Math.sqrt((draws * counts[k]) / 2); // |F|²/N is σ²·Exp(1); conjugate pairs are not independent
      expect(Math.abs(mean[k] - 0.49), `k=${k}`).toBeLessThan(4 * se);
    }
  });

  it('a field with amplitude 1/|f| has RAPSD slope −2 in log–log (k = 2 … 30, tol 0.15)', () => {
    const p = rapsd(pinkField(64, 4), 64);
    const xs: number[] = [], ys: number[] = [];
    for (let k = 2; k <= 30; k++) {
      xs.push(Math.log(k));
      ys.push(Math.log(p[k]));
    }
    const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
    const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
    expect(Math.abs(slope + 2)).toBeLessThan(0.15);
  });

  it('rejects sizes that are not n×n with n a power of two', () => {
    expect(() => rapsd(new Float64Array(48 * 48), 48)).toThrow(RangeError);
    expect(() => rapsd(new Float64Array(10), 4)).toThrow(RangeError);
  });
});

describe('spectra of x_t from precomputed transforms', () => {
  const n = 32;
  const x0 = new Float32Array(n * n * 3);
  const r = mulberry32(21);
  const base = pinkField(n, 8);
  for (let i = 0; i < n * n; i++) for (let c = 0; c < 3; c++) x0[3 * i + c] = Math.max(-1, Math.min(1, base[i] + 0.1 * (r() - 0.5)));
  const eps = seededNoise(n * n * 3, 5);
  const pre = spectraForImage(x0, eps, n);

  it('spectrumAt equals a direct FFT of x_t = α·x0 + σ·ε (luma and mean reduction, tol 1e-9)', () => {
    for (const mode of ['luma', 'mean'] as const) {
      const p = spectraForImage(x0, eps, n, mode);
      for (const [alpha, sigma] of [[1, 0], [0.8, 0.6], [0.1, 0.995], [0, 1], [1, 2.5]]) {
        const xt = new Float64Array(n * n * 3);
        for (let i = 0; i < xt.length; i++) xt[i] = alpha * x0[i] + sigma * eps[i];
        const direct = rapsd(reduceRgb(xt, mode), n);
        const fast = spectrumAt(p, alpha, sigma);
        for (let k = 0; k < direct.length; k++) expect(Math.abs(fast[k] - direct[k]), `${mode} k=${k}`).toBeLessThan(1e-9);
      }
    }
  });

  it('keeps P_x0 and P_ε per ring; luma-reduced unit noise is flat near 0.299² + 0.587² + 0.114² ≈ 0.447 (pooled, 10 %)', () => {
    expect(pre.pX0).toEqual(spectrumAt(pre, 1, 0));
    expect(pre.pEps).toEqual(spectrumAt(pre, 0, 1));
    const counts = ringCounts(n);
    let num = 0, den = 0;
    for (let k = 1; k < n / 2; k++) {
      num += pre.pEps[k] * counts[k];
      den += counts[k];
    }
    expect(Math.abs(num / den / (0.299 ** 2 + 0.587 ** 2 + 0.114 ** 2) - 1)).toBeLessThan(0.1);
  });

  it('drownedFrequency is the smallest k ≥ 1 with α²·P_x0 < σ²·P_ε in every ring from k up, and falls as t grows on a VP schedule', () => {
    let prev = Infinity;
    for (const t of [0.05, 0.2, 0.4, 0.6, 0.8, 0.95]) {
      const { alpha, sigma } = scheduleAt('cosine', t);
      const k = drownedFrequency(pre, alpha, sigma);
      const snr = bandSnr(pre, alpha, sigma);
      if (k !== null) {
        for (let j = k; j < snr.length; j++) expect(alpha ** 2 * pre.pX0[j]).toBeLessThan(sigma ** 2 * pre.pEps[j]);
        if (k > 1) expect(snr[k - 1]).toBeGreaterThanOrEqual(1);
      } else {
        expect(snr[snr.length - 1]).toBeGreaterThanOrEqual(1);
      }
      const kk = k ?? Infinity;
      expect(kk).toBeLessThanOrEqual(prev);
      prev = kk;
    }
    expect(drownedFrequency(pre, 1, 0)).toBeNull();
    expect(drownedFrequency(pre, 0, 1)).toBe(1);
  });

  it('drownedFrequency checks every ring above: a drowned ring with an undrowned one above it is not the answer', () => {
    // SNR per ring (α = σ = 1, P_ε = 1): ring 2 drowned, 3 not, 4 and 5 drowned → from 4 up.
    const fake = { ...pre, pX0: Float64Array.from([0, 2, 0.5, 2, 0.5, 0.1]), pEps: new Float64Array(6).fill(1) };
    expect(drownedFrequency(fake, 1, 1)).toBe(4);
    // The highest ring not drowned: no "from k up".
    fake.pX0[5] = 3;
    expect(drownedFrequency(fake, 1, 1)).toBeNull();
  });

  it('bandSnr is α²·P_x0/(σ²·P_ε) per ring, NaN at DC (tol 1e-12 relative)', () => {
    const snr = bandSnr(pre, 0.7, 0.3);
    expect(snr[0]).toBeNaN();
    for (let k = 1; k < snr.length; k++) expect(Math.abs(snr[k] / ((0.49 * pre.pX0[k]) / (0.09 * pre.pEps[k])) - 1)).toBeLessThan(1e-12);
  });

  it('handles a gray image: luma of R = G = B is the channel itself', () => {
    const c = pinkField(16, 2);
    expect(Array.from(reduceRgb(gray(c))).every((v, i) => Math.abs(v - Math.fround(c[i])) < 1e-6)).toBe(true);
  });
});
