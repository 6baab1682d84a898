import { describe, expect, it } from 'vitest';
import { imageFromPatches, patchVectors, rqFit, vqFit } from '../../../../src/core/depth/rq';
import { createImage, type RgbImage } from '../../../../src/core/image';
import { entropyBits, mse, psnr } from '../../../../src/core/metrics';
import { mulberry32 } from '../../../../src/core/random';

function photoLike(n: number, seed: number): RgbImage {
  const r = mulberry32(seed);
  const img = createImage(n, n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      for (let c = 0; c < 3; c++) img.data[(y * n + x) * 3 + c] = 0.45 + 0.25 * Math.sin(x / 5 + c) * Math.cos(y / 4) + 0.1 * (r() - 0.5);
    }
  }
  return img;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('patchVectors', () => {
  it('round-trips through imageFromPatches and refuses sizes that do not tile', () => {
    const img = photoLike(12, 1);
    const { data, rows, cols, dim } = patchVectors(img, 4);
    expect([rows, cols, dim]).toEqual([3, 3, 48]);
    expect(imageFromPatches(data, rows, cols, 4).data).toEqual(img.data);
    expect(() => patchVectors(img, 5)).toThrow(RangeError);
  });
});

describe('rqFit (greedy residual quantization)', () => {
  const img = photoLike(32, 2);
  const fit = rqFit(img, 4, 16, 6, 5, 1);

  it('never increases the reconstruction error with depth (codebooks fitted on residuals; relative 1e-9)', () => {
    let prev = mse(createImage(32, 32), img); // ẑ^(0) = 0
    for (const level of fit.levels) {
      expect(level.mse).toBeLessThanOrEqual(prev * (1 + 1e-9));
      prev = level.mse;
    }
    expect(fit.levels[5].mse).toBeLessThan(fit.levels[0].mse);
  });

  it('reconstructs ẑ^(d) = Σ_{i≤d} e_{code_i} from the stored codebooks and codes (to 1e-6)', () => {
    const n = fit.rows * fit.cols;
    const dim = 48;
    const sum = new Float64Array(n * dim);
    for (const level of fit.levels) {
      for (let i = 0; i < n; i++) for (let t = 0; t < dim; t++) sum[i * dim + t] += level.codebook[level.codes[i] * dim + t];
      expect(maxAbsDiff(imageFromPatches(sum, fit.rows, fit.cols, 4).data, level.reconstruction.data)).toBeLessThan(1e-6);
    }
  });

  it('reports PSNR of the reconstruction and rates as stated: d·log2 K / patch² and Σ H(codes) / patch² (to 1e-9)', () => {
    let h = 0;
    fit.levels.forEach((level, i) => {
      const d = i + 1;
      expect(level.psnr).toBeCloseTo(psnr(level.reconstruction, img), 9);
      expect(level.fixedBpp).toBeCloseTo((d * Math.log2(16)) / 16, 9);
      const counts = new Array(16).fill(0);
      level.codes.forEach((c) => counts[c]++);
      expect(level.codeEntropy).toBeCloseTo(entropyBits(counts), 9);
      h += entropyBits(counts);
      expect(level.entropyBpp).toBeCloseTo(h / 16, 9);
      expect(level.entropyBpp).toBeLessThanOrEqual(level.fixedBpp + 1e-9);
    });
  });

  it('caps the codebook at the number of patches (then depth 1 is exact)', () => {
    const small = photoLike(8, 3); // 4 patches of 4×4
    const f = rqFit(small, 4, 256, 2, 3, 1);
    expect(f.levels[0].codebookSize).toBe(4);
    expect(f.levels[0].mse).toBeLessThan(1e-12);
  });

  it('reports progress up to depth·(iters + 1) passes', () => {
    const seen: number[] = [];
    rqFit(photoLike(16, 4), 4, 4, 3, 2, 1, (done, total) => {
      expect(total).toBe(9);
      seen.push(done);
    });
    expect(seen[seen.length - 1]).toBe(9);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});

describe('vqFit (plain VQ with codebook min(K^d, 4096))', () => {
  const img = photoLike(32, 5); // 64 patches
  const vq = vqFit(img, 4, 4, 4, 5, 1);

  it('uses min(K^d, 4096, patches) codewords with fixed rate log2(min(K^d, 4096)) / patch²', () => {
    expect(vq.levels.map((l) => l.codebookSize)).toEqual([4, 16, 64, 64]);
    vq.levels.forEach((l, i) => expect(l.fixedBpp).toBeCloseTo(Math.log2(Math.min(4 ** (i + 1), 4096)) / 16, 9));
  });

  it('is exact once the codebook holds every patch, and equals RQ at depth 1 (same k-means; to 1e-12)', () => {
    expect(vq.levels[2].mse).toBe(0);
    const rq = rqFit(img, 4, 4, 1, 5, 1);
    expect(Math.abs(vq.levels[0].mse - rq.levels[0].mse)).toBeLessThan(1e-12);
  });
});

describe('codebook charge and degenerate levels', () => {
  it('RQ charges d codebooks of min(K, patches) entries × dim × 8 bits over the pixels; VQ its one codebook', () => {
    const img = photoLike(32, 6); // 64 patches of 4×4, dim 48, 1024 pixels
    const rq = rqFit(img, 4, 16, 3, 3, 1);
    rq.levels.forEach((l, i) => {
      expect(l.codebookBpp).toBeCloseTo(((i + 1) * 16 * 48 * 8) / 1024, 12);
      expect(l.degenerate).toBe(false);
    });
    const vq = vqFit(img, 4, 4, 4, 3, 1); // codebooks 4, 16, 64 = patches, 64 (nominal 256)
    expect(vq.levels.map((l) => l.codebookBpp)).toEqual([4, 16, 64, 64].map((k) => (k * 48 * 8) / 1024));
    expect(vq.levels.map((l) => l.degenerate)).toEqual([false, false, true, true]);
    // K ≥ patches: the RQ codebook holds every patch from depth 1 on.
    expect(rqFit(img, 4, 64, 2, 3, 1).levels.map((l) => l.degenerate)).toEqual([true, true]);
  });
});
