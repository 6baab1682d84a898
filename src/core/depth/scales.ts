// Next-scale residual pyramid, after VAR (Tian et al. 2024, "Visual Autoregressive Modeling", NeurIPS;
// docs/conventions.md, "Scales and resampling"): scale k is a k×k token map; each scale transmits the residual
// left by the up-sampled coarser scales. Model-free version on pixels:
//   rec_0 = 0;  t_d = areaDown_{k_d}(img − rec_{d−1}) (optionally uniformly quantized);
//   rec_d = rec_{d−1} + bicubicUp(t_d).
// VAR itself quantizes each scale's residual with a shared codebook in a VQ-VAE latent space and up-samples
// with PyTorch's bicubic interpolation (a = −0.75, followed by a small conv); bicubicUp here is that same
// kernel (resample.ts), and the quantizer is a uniform step, for the rate.
// The last scale equal to the image size makes the pyramid exact at full depth (area-down and bicubic-up are
// then identities). Residual energy does not have to shrink at every scale (bicubic up-sampling of an area
// average is not an orthogonal projection), but on natural images it does; the tests check it on fixed images.
import { createImage, resizeArea, type RgbImage } from '../image';
import { levelRateFast } from './levelRateFast';
import { assertStep, quantizeUniform, type Rate } from './rate';
import { resizeBicubic } from './resample';

/** VAR's scales: tokens per side at each of its ten steps (Tian et al. 2024, 256² model). */
export const VAR_SCALES: readonly number[] = Object.freeze([1, 2, 3, 4, 5, 6, 8, 10, 13, 16]);

/**
 * Scales for a working size: VAR_SCALES below `size`, then 32, 64, … (doubling) below `size`, then `size`
 * itself, so that the pyramid is exact at full depth. varScalesFor(128) = [1,2,3,4,5,6,8,10,13,16,32,64,128].
 */
export function varScalesFor(size: number): number[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a positive integer, got ${size}`);
  const out = VAR_SCALES.filter((k) => k < size);
  for (let k = 2 * VAR_SCALES[VAR_SCALES.length - 1]; k < size; k *= 2) out.push(k);
  out.push(size);
  return out;
}

/** Token grid of scale k on a w×h image: k along the longer side, the shorter side in proportion (≥ 1). */
export function scaleGrid(k: number, w: number, h: number): { width: number; height: number } {
  const long = Math.max(w, h);
  return { width: Math.max(1, Math.round((k * w) / long)), height: Math.max(1, Math.round((k * h) / long)) };
}

export interface ScaleStep {
  /** Tokens per side (along the longer side). */
  scale: number;
  /** The token map this scale transmits: the area-down-sampled residual (dequantized when quantized). */
  tokens: RgbImage;
  /** What this scale adds at full size: the bicubic up-sampled tokens. */
  added: RgbImage;
  /** Full-size reconstruction after scales 1…d. */
  reconstruction: RgbImage;
  /** Residual energy after scales 1…d: mean over all values of (img − reconstruction)² (= MSE). */
  residualEnergy: number;
  /** PSNR (dB, peak 1) of the reconstruction; Infinity when exact. */
  psnr: number;
  /** With a quantizer step: the integer levels of the tokens (row-major, interleaved RGB), else null. */
  levels: Int32Array | null;
  /** With a step: bits per image pixel of this scale's levels; and the sum over scales 1…d. */
  rate: Rate | null;
  cumulativeRate: Rate | null;
}

export interface ScalePyramidOptions {
  /** Uniform quantizer step for each scale's residual tokens (symbols = integer levels); none by default. */
  step?: number;
}

function meanSquare(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return a.length === 0 ? 0 : s / a.length;
}

/** Mean squared value of the image itself: the residual energy before any scale (rec_0 = 0). */
export function initialResidualEnergy(img: RgbImage): number {
  return meanSquare(img.data);
}

/** The residual pyramid over `scales` (ascending tokens per side; end with the image size to be exact). */
export function scalePyramid(img: RgbImage, scales: readonly number[], options: ScalePyramidOptions = {}): ScaleStep[] {
  const { step } = options;
  if (step !== undefined) assertStep(step);
  const { width: w, height: h } = img;
  const pixels = w * h;
  let rec = createImage(w, h);
  const residual = createImage(w, h);
  residual.data.set(img.data); // rec_0 = 0
  const steps: ScaleStep[] = [];
  let cumFixed = 0;
  let cumEntropy = 0;
  for (const k of scales) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`scales must be positive integers, got ${k}`);
    const grid = scaleGrid(k, w, h);
    const tokens = resizeArea(residual, grid.width, grid.height);
    let levels: Int32Array | null = null;
    let rate: Rate | null = null;
    if (step !== undefined) {
      levels = quantizeUniform(tokens.data, step);
      for (let i = 0; i < levels.length; i++) tokens.data[i] = levels[i] * step;
      rate = levelRateFast(levels, pixels);
      cumFixed += rate.fixedBpp;
      cumEntropy += rate.entropyBpp;
    }
    const added = resizeBicubic(tokens, w, h);
    const next = createImage(w, h);
    const nd = next.data, rd = rec.data, ad = added.data, id = img.data, res = residual.data;
    let energy = 0; // Σ (img − rec)², from the stored (float32) reconstruction: exactly what mse() sums
    for (let i = 0; i < nd.length; i++) {
      nd[i] = rd[i] + ad[i];
      const r = id[i] - nd[i];
      res[i] = r;
      energy += r * r;
    }
    energy /= nd.length;
    rec = next;
    steps.push({
      scale: k,
      tokens,
      added,
      reconstruction: rec,
      residualEnergy: energy,
      psnr: energy === 0 ? Infinity : 10 * Math.log10(1 / energy), // as metrics.psnr, peak 1
      levels,
      rate,
      cumulativeRate: rate ? { fixedBpp: cumFixed, entropyBpp: cumEntropy } : null,
    });
  }
  return steps;
}
