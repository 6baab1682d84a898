import { describe, expect, it } from 'vitest';
import { codebookBpp, CODEBOOK_ENTRY_BITS } from '../../../src/core/depth/rate';
import { depthSteps, totalBpp } from '../../../src/core/depth/views';
import { createImage, type RgbImage } from '../../../src/core/image';
import { mulberry32 } from '../../../src/core/random';
import { rateDistortionSeries, RD_PSNR_CAP } from '../../../src/ui/panels/depth/rdSeries';
import { depthDefaults } from '../../../src/state/depthSlice';
import { DEFAULT_WORKING_SIZE } from '../../../src/core/conventions';

/** A smooth picture with seeded noise on 8-bit codes: every 4×4 patch differs. */
function picture(n: number, seed: number): RgbImage {
  const r = mulberry32(seed);
  const img = createImage(n, n);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) for (let c = 0; c < 3; c++) {
    const v = 0.5 + 0.3 * Math.sin(x / 5 + c) * Math.cos(y / 7) + 0.1 * (r() - 0.5);
    img.data[(y * n + x) * 3 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255) / 255;
  }
  return img;
}

describe('rate–distortion at the defaults: plain VQ pays for its codebook', () => {
  // Defaults: 128×128 image, 4×4 patches (1024 of them, dim 4·4·3 = 48), K = 64, depth 4.
  const n = DEFAULT_WORKING_SIZE;
  const { patch, K, depth } = depthDefaults;
  const img = picture(n, 3);
  const vq = depthSteps(img, { kind: 'vq', patch, K, depth });
  const patches = (n / patch) ** 2;
  const dim = patch * patch * 3;

  it('depth 2 (min(64², 4096) = 4096 ≥ 1024 patches) is exact at 0.625 bpp of codes, and now costs 0.625 + 1024·48·8/128² = 24.625 bpp', () => {
    expect([n, patch, K, depth, patches, dim]).toEqual([128, 4, 64, 4, 1024, 48]);
    const s = vq[1];
    expect(s.psnr).toBe(Infinity);
    expect(s.codebookSize).toBe(1024);
    expect(s.entropyBpp).toBeCloseTo(Math.log2(1024) / 16, 12); // 0.625: every patch its own code
    // Codebook: entries × patch dimension × bits per entry, amortised over the image's pixels.
    const charge = (1024 * 48 * CODEBOOK_ENTRY_BITS) / (128 * 128);
    expect(CODEBOOK_ENTRY_BITS).toBe(8);
    expect(charge).toBe(24); // the raw image's 24 bits per pixel: the codebook is the image
    expect(s.codebookBpp).toBeCloseTo(codebookBpp(1024, 48, 128 * 128), 12);
    expect(s.codebookBpp).toBeCloseTo(charge, 12);
    expect(totalBpp(s)).toBeCloseTo(0.625 + 24, 12);
    // Depth 1: 64 codewords, not degenerate; its charge is 64·48·8/128² = 1.5 bpp.
    expect(vq[0].codebookBpp).toBeCloseTo(1.5, 12);
  });

  it('flags the degenerate steps (codebook ≥ patches): depths 2–4, not depth 1', () => {
    expect(vq.map((s) => s.degenerate)).toEqual([false, true, true, true]);
  });

  it('the chart draws VQ with the codebook, codes only, and marks the degenerate points; the description says so', () => {
    const { series, description } = rateDistortionSeries([
      { id: 'bitplanes', label: 'bit-planes', steps: depthSteps(img, { kind: 'bitplanes' }) },
      { id: 'vq', label: 'VQ (K=64)', steps: vq },
    ]);
    expect(series.map((s) => s.id)).toEqual(['bitplanes', 'vq', 'vq-codes', 'vq-degenerate']);
    const at = (id: string) => series.find((s) => s.id === id)!.points;
    expect(at('vq')[1].x).toBeCloseTo(24.625, 12);
    expect(at('vq')[1].y).toBe(RD_PSNR_CAP);
    expect(at('vq-codes')[1].x).toBeCloseTo(0.625, 12);
    expect(at('vq-degenerate')).toHaveLength(3);
    expect(at('vq-degenerate')[0]).toEqual({ x: at('vq-codes')[1].x, y: RD_PSNR_CAP });
    expect(series.find((s) => s.id === 'vq')!.label).toBe('VQ (K=64), codes + codebook');
    expect(series.find((s) => s.id === 'vq-codes')!.label).toBe('VQ (K=64), codes only');
    expect(description).toContain('their rate counts the codebook too (entries × patch dimension × 8 bits');
    expect(description).toContain('Marked, degenerate: VQ (K=64) at depth 2–4');
  });

  it('views without a codebook keep one curve at their entropy-coded rate and say nothing about codebooks', () => {
    const steps = depthSteps(img, { kind: 'bitplanes' });
    const { series, description } = rateDistortionSeries([{ id: 'bitplanes', label: 'bit-planes', steps }]);
    expect(series).toHaveLength(1);
    expect(series[0].points.map((p) => p.x)).toEqual(steps.map((s) => s.entropyBpp));
    expect(description).not.toContain('codebook');
  });
});
