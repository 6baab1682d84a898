import { describe, expect, it } from 'vitest';
import { logSnrStrip, noisyRgba, seededNoise } from '../../../src/core/diffusion/forward';
import { scheduleAt } from '../../../src/core/diffusion/schedules';
import { nearestPixels } from '../../../src/core/image';
import { pixelToModel } from '../../../src/core/conventions';
import { blendSource, modelSpace, pairMoments, rmsOf, sampledPair, stripSources } from '../../../src/ui/panels/diffusion/diffusionData';
import { enforceMonotone } from '../../../src/ui/panels/diffusion/ScheduleEditor';

describe('target scale from moments', () => {
  it('equals the RMS of a·ε + b·x₀ computed value by value', () => {
    const x0 = seededNoise(999, 1).map((v) => Math.tanh(v));
    const eps = seededNoise(999, 2);
    const m = pairMoments(x0, eps);
    for (const [a, b] of [[1, 0], [0, 1], [0.6, -0.8], [1, -1]]) {
      let s = 0;
      for (let i = 0; i < x0.length; i++) s += (a * eps[i] + b * x0[i]) ** 2;
      expect(rmsOf(m, a, b)).toBeCloseTo(Math.sqrt(s / x0.length), 5);
    }
  });
});

describe('what is kept per working image', () => {
  it('x0 in model space is 2p − 1 of every value, one array per image', () => {
    const image = { width: 4, height: 2, data: Float32Array.from({ length: 24 }, (_, i) => i / 23) };
    const x0 = modelSpace(image);
    expect(Array.from(x0)).toEqual(Array.from(image.data, (p) => Math.fround(pixelToModel(p))));
    expect(modelSpace(image)).toBe(x0);
    expect(modelSpace({ ...image, data: image.data.slice() })).not.toBe(x0);
  });

  it('the moments of a pair are recomputed when ε changes for the same x0', () => {
    const x0 = seededNoise(300, 1);
    const a = pairMoments(x0, seededNoise(300, 2));
    const eps = seededNoise(300, 3);
    const b = pairMoments(x0, eps);
    expect(b).not.toEqual(a);
    let ex = 0;
    for (let i = 0; i < 300; i++) ex += x0[i] * eps[i];
    expect(b.ex).toBeCloseTo(ex / 300, 12);
  });
});

describe('custom schedule points', () => {
  it('are sorted, pinned at t = 0 and 1, and never increase in λ', () => {
    const out = enforceMonotone([{ t: 0.7, logSnr: 3 }, { t: 0.2, logSnr: -1 }, { t: 0.1, logSnr: 9 }, { t: 0.9, logSnr: -20 }]);
    expect(out.map((p) => p.t)).toEqual([0, 0.2, 0.7, 1]);
    for (let i = 1; i < out.length; i++) expect(out[i].logSnr).toBeLessThanOrEqual(out[i - 1].logSnr);
    expect(out.at(-1)!.logSnr).toBe(-15);
  });
});

describe('images made at the size they are shown (blendSource, stripSources)', () => {
  /** The first index where two byte arrays differ (-1: equal, lengths included): a quick check of 10⁶ bytes. */
  const firstDiff = (a: Uint8ClampedArray, b: Uint8ClampedArray) => {
    if (a.length !== b.length) return Math.min(a.length, b.length);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
    return -1;
  };
  const pair = (side: number, seed = 3) => ({
    x0: seededNoise(side * side * 3, seed).map((v) => Math.tanh(v)),
    eps: seededNoise(side * side * 3, seed + 1),
  });
  // x_t / √(α² + σ²) shown as (x + 1)/2, byte for byte as the whole image is made.
  const xtWhole = (x0: Float32Array, eps: Float32Array, t: number) => {
    const p = scheduleAt('cosine', t, {});
    return noisyRgba(x0, eps, p.alpha, p.sigma, 0.5 / Math.sqrt(p.alpha ** 2 + p.sigma ** 2));
  };

  it('at full size, are the whole image: what an export writes', () => {
    const side = 64;
    const { x0, eps } = pair(side);
    expect(firstDiff(blendSource(x0, eps, side, 0.6, 0.8, 0.25).pixels(side, side), noisyRgba(x0, eps, 0.6, 0.8, 0.25))).toBe(-1);
  });

  it('at any smaller size, equal the whole image resampled nearest-neighbour (what a fitted canvas showed of it)', () => {
    const side = 512;
    const { x0, eps } = pair(side);
    const blends: [number, number, number][] = [[1, 0, 0.5], [0, 1, 0.25], [-1, 1, 0.25], [0.3, 0.95, 0.4]];
    for (const [alpha, sigma, k] of blends) {
      const whole = noisyRgba(x0, eps, alpha, sigma, k);
      const source = blendSource(x0, eps, side, alpha, sigma, k);
      for (const [w, h] of [[130, 130], [43, 43], [256, 256], [511, 511], [97, 200]]) {
        expect(firstDiff(source.pixels(w, h), nearestPixels(whole, side, side, 4, w, h))).toBe(-1);
      }
    }
  });

  it('stay right when sizes and pairs change: more sizes than are kept, a new ε for the same x0, back to an old size', () => {
    const side = 128;
    const a = pair(side, 3);
    const b = { x0: a.x0, eps: seededNoise(side * side * 3, 99) };
    const check = (p: { x0: Float32Array; eps: Float32Array }, w: number) =>
      expect(firstDiff(blendSource(p.x0, p.eps, side, 0.7, 0.7, 0.3).pixels(w, w), nearestPixels(noisyRgba(p.x0, p.eps, 0.7, 0.7, 0.3), side, side, 4, w, w))).toBe(-1);
    for (const w of [40, 50, 60, 70, 80, 40, 90]) check(a, w);
    for (const w of [40, 90, 50]) check(b, w);
    check(a, 50);
    const [x, e] = sampledPair(a.x0, a.eps, side, side, side);
    expect(x).toBe(a.x0); // full size: the arrays themselves, no copy
    expect(e).toBe(a.eps);
  });

  it('give the strip x_t at each entry, scaled like the x_t figure, at any thumbnail size', () => {
    const side = 256;
    const { x0, eps } = pair(side);
    const entries = logSnrStrip('cosine', 8);
    const sources = stripSources(x0, eps, side, entries, 'cosine', {});
    expect(sources).toHaveLength(8);
    sources.forEach((s, i) => {
      expect([s.width, s.height]).toEqual([side, side]);
      const whole = xtWhole(x0, eps, entries[i].t);
      expect(firstDiff(s.pixels(side, side), whole)).toBe(-1);
      expect(firstDiff(s.pixels(43, 43), nearestPixels(whole, side, side, 4, 43, 43))).toBe(-1);
    });
  });
});
