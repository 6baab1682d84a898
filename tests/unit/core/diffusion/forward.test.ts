import { describe, expect, it } from 'vitest';
import { logSnrStrip, noisyImage, noisyRgba, seededNoise, seededNoiseMemo, targets } from '../../../../src/core/diffusion/forward';
import { createImage, toRgba } from '../../../../src/core/image';
import { mulberry32 } from '../../../../src/core/random';
import { scheduleAt, SCHEDULE_KINDS } from '../../../../src/core/diffusion/schedules';

const x0 = Float32Array.from([-1, -0.5, 0, 0.25, 1, 0.8]);
const eps = Float32Array.from([0.3, -1.2, 2, 0.1, -0.7, 0.05]);

describe('forward process', () => {
  it('x_t = α·x0 + σ·ε elementwise (float32 tol 1e-6)', () => {
    const xt = noisyImage(x0, eps, 0.6, 0.8);
    for (let i = 0; i < x0.length; i++) expect(xt[i]).toBeCloseTo(0.6 * x0[i] + 0.8 * eps[i], 6);
    expect(() => noisyImage(x0, eps.subarray(1), 1, 0)).toThrow(RangeError);
  });

  it('seeded noise repeats per seed and is standard normal (mean ±0.02, variance ±3 % over 50 000)', () => {
    expect(seededNoise(5, 3)).toEqual(seededNoise(5, 3));
    expect(seededNoise(5, 3)).not.toEqual(seededNoise(5, 4));
    const e = seededNoise(50000, 9);
    let s = 0, s2 = 0;
    for (const v of e) {
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / e.length)).toBeLessThan(0.02);
    expect(Math.abs(s2 / e.length - 1)).toBeLessThan(0.03);
  });

  it('seeded noise with memory gives exactly seededNoise(n, seed) for any order of lengths and seeds, without copying a kept draw', () => {
    const noise = seededNoiseMemo();
    // Grow, shrink (odd lengths drop a Box–Muller pair's second half), change seed and come back.
    for (const [n, seed] of [[1001, 7], [300, 7], [3, 7], [4096, 7], [1001, 8], [1001, 7], [4095, 7]]) expect(noise(n, seed)).toEqual(seededNoise(n, seed));
    // A shorter draw of the kept seed is a view of the kept draw; another seed is a new draw.
    const kept = noise(4096, 7);
    expect(noise(513, 7).buffer).toBe(kept.buffer);
    expect(noise(513, 7)).toBe(noise(513, 7)); // and the same view each time
    expect(noise(513, 9).buffer).not.toBe(kept.buffer);
    expect(noise(4096, 7)).toEqual(seededNoise(4096, 7));
  });

  it('seeded noise with memory hands out the same array for a length after a longer draw of the seed, until the seed changes', () => {
    const noise = seededNoiseMemo();
    const first = noise(300, 3);
    const longer = noise(1200, 3);
    expect(noise(300, 3)).toBe(first); // what is remembered of the first array (its moments, its charts) stays valid
    expect(longer.subarray(0, 300)).toEqual(first);
    expect(noise(600, 3).buffer).toBe(longer.buffer);
    noise(300, 4);
    const again = noise(300, 3);
    expect(again).not.toBe(first);
    expect(again).toEqual(seededNoise(300, 3));
  });

  it('targets: v = α·ε − σ·x0, velocity = ε − x0, and for VP x0 = α·x_t − σ·v, ε = σ·x_t + α·v (tol 1e-6)', () => {
    const alpha = Math.cos(0.7), sigma = Math.sin(0.7);
    const tg = targets(x0, eps, alpha, sigma);
    const xt = noisyImage(x0, eps, alpha, sigma);
    for (let i = 0; i < x0.length; i++) {
      expect(tg.v[i]).toBeCloseTo(alpha * eps[i] - sigma * x0[i], 6);
      expect(tg.velocity[i]).toBeCloseTo(eps[i] - x0[i], 6);
      expect(alpha * xt[i] - sigma * tg.v[i]).toBeCloseTo(x0[i], 6);
      expect(sigma * xt[i] + alpha * tg.v[i]).toBeCloseTo(eps[i], 6);
    }
    expect(tg.eps).toEqual(eps);
    expect(tg.x0).toEqual(x0);
  });

  it('rectified-flow velocity is dx_t/dt: (x_{t+h} − x_{t−h})/2h = ε − x0 (tol 1e-3 in float32)', () => {
    const t = 0.4, h = 1e-3;
    const a = noisyImage(x0, eps, 1 - (t + h), t + h);
    const b = noisyImage(x0, eps, 1 - (t - h), t - h);
    const u = targets(x0, eps, 1 - t, t).velocity;
    for (let i = 0; i < x0.length; i++) expect((a[i] - b[i]) / (2 * h)).toBeCloseTo(u[i], 3);
  });
});

describe('logSnrStrip', () => {
  it('gives 8 t values whose λ are evenly spaced between finite ends (continuous kinds: tol 1e-9)', () => {
    for (const kind of ['rectified-flow', 'sd3', 'edm'] as const) {
      const strip = logSnrStrip(kind);
      expect(strip).toHaveLength(8);
      const gaps = strip.slice(1).map((e, i) => e.logSnr - strip[i].logSnr);
      for (const g of gaps) expect(g).toBeCloseTo(gaps[0], 9);
      expect(gaps[0]).toBeLessThan(0);
      for (const e of strip) expect(Number.isFinite(e.logSnr)).toBe(true);
    }
    // Rectified flow's infinite ends are clamped to ±10: t = sigmoid(∓5).
    const rf = logSnrStrip('rectified-flow');
    expect(rf[0].logSnr).toBeCloseTo(10, 9);
    expect(rf[7].logSnr).toBeCloseTo(-10, 9);
    // EDM's upper end is λ(σ_min) = 12.4, clamped to 10; its lower end −2 ln 80 is inside the window.
    const edm = logSnrStrip('edm');
    expect(edm[7].logSnr).toBeCloseTo(-2 * Math.log(80), 9);
  });

  it('discrete kinds snap to steps (t = (i+1)/N) nearest the even λ grid, never to a λ = −∞ step', () => {
    for (const kind of SCHEDULE_KINDS.filter((k) => k !== 'rectified-flow' && k !== 'sd3' && k !== 'edm')) {
      const strip = logSnrStrip(kind, 6);
      for (const e of strip) {
        expect(Number.isInteger(Math.round(e.t * 1000)) && Math.abs(e.t * 1000 - Math.round(e.t * 1000)) < 1e-9).toBe(true);
        expect(scheduleAt(kind, e.t).logSnr).toBe(e.logSnr);
        expect(Number.isFinite(e.logSnr), kind).toBe(true);
      }
      for (let i = 1; i < strip.length; i++) expect(strip[i].t).toBeGreaterThan(strip[i - 1].t);
    }
  });
});

describe('noisyRgba (x_t drawn straight to 8-bit RGBA)', () => {
  it('gives exactly the bytes of noisyImage → float image 0.5 + k·x_t → toRgba, clipped values included', () => {
    const n = 37 * 23;
    const clean = new Float32Array(3 * n);
    const r = mulberry32(11);
    for (let i = 0; i < clean.length; i++) clean[i] = 2 * r() - 1;
    const noise = seededNoise(clean.length, 5);
    // [1, 0, 0.5]: the x₀ image; [0, 1, 0.25]: the ε image; the rest: x_t as the strip and the t view draw it.
    for (const [alpha, sigma, k] of [[1, 0, 0.5], [0, 1, 0.25], [0.8, 0.6, 0.5], [0.05, 0.9987, 0.5], [0.3, 2.5, 0.5 / Math.sqrt(0.09 + 6.25)], [0.7, 0.7, 0.25]]) {
      const xt = noisyImage(clean, noise, alpha, sigma);
      const img = createImage(37, 23);
      for (let i = 0; i < xt.length; i++) img.data[i] = 0.5 + k * xt[i];
      expect(Array.from(noisyRgba(clean, noise, alpha, sigma, k))).toEqual(Array.from(toRgba(img)));
    }
  });

  it('draws the v and velocity targets (0.5 + x/4) as noisyRgba(x0, ε, −σ, α) and (−1, 1): the bytes of targets()', () => {
    const clean = Float32Array.from({ length: 3 * 64 }, (_, i) => Math.sin(i) * 0.9);
    const noise = seededNoise(clean.length, 9);
    const { alpha, sigma } = scheduleAt('cosine', 0.42);
    const tg = targets(clean, noise, alpha, sigma);
    const bytes = (x: Float32Array) => {
      const img = createImage(8, 8);
      for (let i = 0; i < x.length; i++) img.data[i] = 0.5 + 0.25 * x[i];
      return Array.from(toRgba(img));
    };
    expect(Array.from(noisyRgba(clean, noise, -sigma, alpha, 0.25))).toEqual(bytes(tg.v));
    expect(Array.from(noisyRgba(clean, noise, -1, 1, 0.25))).toEqual(bytes(tg.velocity));
    expect(Array.from(noisyRgba(clean, noise, 1, 0, 0.25))).toEqual(bytes(tg.x0));
  });
});
