// Residual quantization of image patches, model-free (docs/conventions.md, "Residual quantization and
// non-monotone samples" and "Rates"; RQ-VAE, Lee et al. 2022, "Autoregressive Image Generation using Residual
// Quantization", CVPR): z = a patch as a vector,
// r_0 = z; code_d = argmin_k ‖r_{d−1} − e_k‖; r_d = r_{d−1} − e_{code_d}; ẑ^(d) = Σ_{i≤d} e_{code_i}.
// Greedy fit: codebook d is k-means (k-means++ seeds, Lloyd) on the residuals r_{d−1}, so with ≥ 1 Lloyd
// iteration Σ‖r_d‖² ≤ Σ‖r_{d−1}‖² (each cluster's mean beats the zero vector, and re-assignment only helps).
// Plain VQ for comparison: one k-means codebook of size min(K^d, 4096) on the patches themselves (the same
// nominal bits per patch as RQ depth d, capped).
// Rate (bits per pixel, pixels per patch = patch²): fixed-length d·log2 K / patch²; entropy-coded
// Σ_{i≤d} H(code_i) / patch², H the empirical entropy of the codes. The codebooks are fitted to this image, so
// they are charged too, apart (codebookBpp, rate.ts): RQ d codebooks, VQ one. A level is degenerate when its
// codebook has at least as many entries as there are patches: the codebook is the patches themselves.
import { createImage, type RgbImage } from '../image';
import { entropyBits, mse, psnr } from '../metrics';
import { kmeans, type KMeansScratch } from './kmeans';
import { codebookBpp } from './rate';

/** Largest plain-VQ codebook (4096 = 2^12 codes: K = 64 at depth 2, K = 16 at depth 3). */
export const VQ_MAX_CODEBOOK = 4096;

export interface CodeLevel {
  /** Depth d (1-based). */
  depth: number;
  /** Codebook actually fitted: min(nominal size, number of patches) entries. */
  codebookSize: number;
  /** codebookSize × dim codewords; dim = patch·patch·3, row-major within the patch, interleaved RGB. */
  codebook: Float64Array;
  /** Code of every patch (patch grid row-major). */
  codes: Int32Array;
  /** The image rebuilt from ẑ^(d) (RQ) or from the VQ codewords. */
  reconstruction: RgbImage;
  mse: number;
  /** PSNR (dB, peak 1); Infinity when exact. */
  psnr: number;
  /** Empirical entropy of this level's codes, bits per code. */
  codeEntropy: number;
  /** Cumulative fixed-length and entropy-coded rates of the codes after this level, bits per pixel. */
  fixedBpp: number;
  entropyBpp: number;
  /** Bits per pixel of the codebooks a decoder needs up to this level (RQ: d of them; VQ: one), see rate.codebookBpp. */
  codebookBpp: number;
  /** The nominal codebook has at least as many entries as there are patches (so it holds them all: exact). */
  degenerate: boolean;
  /** k-means inertia (Σ squared error over patches) after seeding and after each Lloyd iteration. */
  inertiaHistory: number[];
}

export interface CodeFit {
  patch: number;
  rows: number;
  cols: number;
  levels: CodeLevel[];
}

/** Progress: `done` of `total` k-means passes (seeding or Lloyd iteration) finished. */
export type FitProgress = (done: number, total: number) => void;

/** The patches of an image as rows of an n × (patch²·3) matrix, patch grid row-major. */
export function patchVectors(img: RgbImage, patch: number): { data: Float32Array; rows: number; cols: number; dim: number } {
  if (!Number.isInteger(patch) || patch < 1) throw new RangeError(`patch size must be a positive integer, got ${patch}`);
  if (img.width % patch !== 0 || img.height % patch !== 0) {
    throw new RangeError(`image ${img.width}×${img.height} does not divide into ${patch}-pixel patches`);
  }
  const rows = img.height / patch;
  const cols = img.width / patch;
  const dim = patch * patch * 3;
  const rowLen = patch * 3;
  const data = new Float32Array(rows * cols * dim);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      for (let y = 0; y < patch; y++) {
        const src = ((r * patch + y) * img.width + c * patch) * 3;
        data.set(img.data.subarray(src, src + rowLen), (r * cols + c) * dim + y * rowLen);
      }
    }
  }
  return { data, rows, cols, dim };
}

/** Inverse of patchVectors: an image from n × dim patch rows. */
export function imageFromPatches(vectors: ArrayLike<number>, rows: number, cols: number, patch: number): RgbImage {
  const img = createImage(cols * patch, rows * patch);
  const dim = patch * patch * 3;
  const rowLen = patch * 3;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      for (let y = 0; y < patch; y++) {
        const dst = ((r * patch + y) * img.width + c * patch) * 3;
        const src = (r * cols + c) * dim + y * rowLen;
        for (let t = 0; t < rowLen; t++) img.data[dst + t] = vectors[src + t];
      }
    }
  }
  return img;
}

function codeEntropy(codes: Int32Array, size: number): number {
  const counts = new Float64Array(size);
  for (let i = 0; i < codes.length; i++) counts[codes[i]]++;
  return entropyBits(counts);
}

function assertFitArgs(K: number, depth: number, iters: number): void {
  if (!Number.isInteger(K) || K < 2) throw new RangeError(`K must be an integer ≥ 2, got ${K}`);
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`depth must be a positive integer, got ${depth}`);
  if (!Number.isInteger(iters) || iters < 0) throw new RangeError(`iters must be a non-negative integer, got ${iters}`);
}

/**
 * Greedy residual quantization of `patch`×`patch` patches with `depth` codebooks of K codewords (capped at
 * the number of patches), each fitted by k-means (`iters` Lloyd iterations, seed + d − 1) on the residuals.
 */
export function rqFit(img: RgbImage, patch: number, K: number, depth: number, iters: number, seed: number, onProgress?: FitProgress): CodeFit {
  assertFitArgs(K, depth, iters);
  const { data, rows, cols, dim } = patchVectors(img, patch);
  const n = rows * cols;
  const size = Math.min(K, n);
  const pixelsPerPatch = patch * patch;
  const pixels = n * pixelsPerPatch;
  const residual = data.slice();
  const recon = new Float64Array(data.length);
  const levels: CodeLevel[] = [];
  const total = depth * (iters + 1);
  let entropySum = 0;
  const scratch: KMeansScratch = {}; // the depths share kmeans' n·size bounds array
  for (let d = 1; d <= depth; d++) {
    const done0 = (d - 1) * (iters + 1);
    const fit = kmeans(residual, dim, size, { iters, seed: seed + d - 1, scratch, onIteration: (t) => onProgress?.(done0 + t + 1, total) });
    const { centroids, assignments } = fit;
    for (let i = 0; i < n; i++) {
      const q = assignments[i] * dim;
      for (let t = 0, p = i * dim; t < dim; t++, p++) {
        recon[p] += centroids[q + t];
        residual[p] = data[p] - recon[p];
      }
    }
    const reconstruction = imageFromPatches(recon, rows, cols, patch);
    const h = codeEntropy(assignments, size);
    entropySum += h;
    levels.push({
      depth: d,
      codebookSize: size,
      codebook: centroids,
      codes: assignments,
      reconstruction,
      mse: mse(reconstruction, img),
      psnr: psnr(reconstruction, img),
      codeEntropy: h,
      fixedBpp: (d * Math.log2(size)) / pixelsPerPatch,
      entropyBpp: entropySum / pixelsPerPatch,
      codebookBpp: d * codebookBpp(size, dim, pixels),
      degenerate: K >= n,
      inertiaHistory: fit.inertiaHistory,
    });
    onProgress?.(d * (iters + 1), total);
  }
  return { patch, rows, cols, levels };
}

/**
 * Plain VQ for comparison: for d = 1…depth one codebook of min(K^d, VQ_MAX_CODEBOOK) codewords (capped at the
 * number of patches, where the codebook is the patches themselves and the fit is exact). Cost: k-means with
 * up to 4096 centroids, n·4096·dim multiply-adds per unpruned pass; equal sizes reuse the previous fit.
 */
export function vqFit(img: RgbImage, patch: number, K: number, depth: number, iters: number, seed: number, onProgress?: FitProgress): CodeFit {
  assertFitArgs(K, depth, iters);
  const { data, rows, cols, dim } = patchVectors(img, patch);
  const n = rows * cols;
  const pixelsPerPatch = patch * patch;
  const pixels = n * pixelsPerPatch;
  const levels: CodeLevel[] = [];
  const total = depth * (iters + 1);
  for (let d = 1; d <= depth; d++) {
    const nominal = Math.min(K ** d, VQ_MAX_CODEBOOK);
    const prev = levels[levels.length - 1];
    if (prev && Math.min(nominal, n) === prev.codebookSize) {
      // Same codebook as depth d − 1; only the nominal fixed rate (log2 of the nominal size) can differ.
      levels.push({ ...prev, depth: d, fixedBpp: Math.log2(nominal) / pixelsPerPatch, degenerate: nominal >= n });
      onProgress?.(d * (iters + 1), total);
      continue;
    }
    const done0 = (d - 1) * (iters + 1);
    let codebook: Float64Array;
    let codes: Int32Array;
    let inertiaHistory: number[];
    if (nominal >= n) {
      codebook = Float64Array.from(data);
      codes = Int32Array.from({ length: n }, (_, i) => i);
      inertiaHistory = [0];
    } else {
      const fit = kmeans(data, dim, nominal, { iters, seed: seed + d - 1, onIteration: (t) => onProgress?.(done0 + t + 1, total) });
      ({ centroids: codebook, assignments: codes, inertiaHistory } = fit);
    }
    const size = Math.min(nominal, n);
    const recon = new Float64Array(n * dim);
    for (let i = 0; i < n; i++) recon.set(codebook.subarray(codes[i] * dim, (codes[i] + 1) * dim), i * dim);
    const reconstruction = imageFromPatches(recon, rows, cols, patch);
    const h = codeEntropy(codes, size);
    levels.push({
      depth: d,
      codebookSize: size,
      codebook,
      codes,
      reconstruction,
      mse: mse(reconstruction, img),
      psnr: psnr(reconstruction, img),
      codeEntropy: h,
      fixedBpp: Math.log2(nominal) / pixelsPerPatch,
      entropyBpp: h / pixelsPerPatch,
      codebookBpp: codebookBpp(size, dim, pixels),
      degenerate: nominal >= n,
      inertiaHistory,
    });
    onProgress?.(d * (iters + 1), total);
  }
  return { patch, rows, cols, levels };
}
