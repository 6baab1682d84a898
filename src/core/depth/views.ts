// One interface over every depth decomposition the Depth panel shows: each is a list of steps d = 1…D, each
// step a reconstruction of the same pixels plus what it cost (rate, counted the same way for every view:
// docs/conventions.md, "Rates") and what it bought (PSNR, SSIM). The worker runs these and caches them per image.
import { createImage, type RgbImage } from '../image';
import { entropyBits, psnr } from '../metrics';
import { ssimAgainst, ssimReference, type SsimReference } from '../ssimFast';
import { analyzeBitplanes } from './bitplanes';
import { bitOrderSteps, imageCodes, knownBitsImage, knownMasks, planeEntropy, type BitOrder } from './bitOrders';
import { channelSteps, rgbToYcbcr, type ChannelSpace } from './channels';
import { codebookHealth } from './codebook';
import { blockDctCoefficients, blockDctFromCoefficients, wholeDctCoefficients, wholeDctFromCoefficients } from './dct';
import { rqFit, vqFit } from './rq';
import { scalePyramid, varScalesFor } from './scales';

export type DepthSpec =
  | { kind: 'bitplanes' }
  | { kind: 'bit-order'; order: BitOrder }
  | { kind: 'channels'; space: ChannelSpace }
  | { kind: 'scales'; step: number }
  | { kind: 'dct-block'; step: number }
  | { kind: 'dct-whole'; step: number }
  | { kind: 'rq'; patch: number; K: number; depth: number }
  | { kind: 'vq'; patch: number; K: number; depth: number };

/** DEPTH_KINDS names these kinds once for the state and the selector (a type test keeps the two equal). */
export type { DepthKind } from './kinds';

export interface DepthStep {
  d: number;
  /** What step d adds, in words (e.g. "bit 7", "Cb", "13×13", "16 coefficients"). */
  label: string;
  reconstruction: RgbImage;
  psnr: number;
  /**
   * SSIM on luma; NaN for images under 11×11, and when not asked for (DepthStepOptions.ssim false: the analysis
   * worker scores it later, for the steps it shows).
   */
  ssim: number;
  /** Cumulative bits per pixel of the symbols sent up to this step: fixed-length and entropy-coded. */
  fixedBpp: number;
  entropyBpp: number;
  /**
   * RQ / VQ only: bits per pixel of the codebooks fitted to this image, which a decoder needs on top of the codes
   * (rate.codebookBpp); totalBpp adds it. Other views use fixed transforms and send no codebook.
   */
  codebookBpp?: number;
  /** RQ / VQ only: the codebook has at least as many entries as there are patches (it is the patches: exact). */
  degenerate?: boolean;
  /** Entropy of the symbols this step emits (bits per symbol). */
  stepEntropy: number;
  /** RQ / VQ only: every patch's code at this step (patch grid row-major), the codebook's size, the grid. */
  codes?: Int32Array;
  codebookSize?: number;
  grid?: { rows: number; cols: number };
  /** RQ / VQ only: 2^H(codes) (effective codewords) and codewords used by no patch. */
  perplexity?: number;
  deadCodes?: number;
}

/** Block DCT: coefficients kept per 8×8 block at each step (of 64). */
export const DCT_BLOCK_KEEPS = [1, 2, 3, 4, 6, 8, 10, 15, 21, 28, 36, 45, 64] as const;
const DCT_BLOCK = 8;


/** Entropy in bits of 8-bit codes of one channel (values in [0,1]) of an interleaved image. */
function channelCodeEntropy(img: RgbImage, c: number): number {
  const counts = new Float64Array(256);
  for (let i = c; i < img.data.length; i += 3) counts[Math.min(255, Math.max(0, Math.round(img.data[i] * 255)))]++;
  return entropyBits(counts);
}

/** Whole-image DCT: coefficients kept per channel at each step, lowest frequencies first (log-spaced to all). */
export function wholeDctKeeps(width: number, height: number): number[] {
  const n = width * height;
  const out: number[] = [];
  for (let k = 1; k < n; k *= 2) out.push(k);
  out.push(n);
  return out;
}

/**
 * SSIM (metrics.ssim) of reconstructions against `img`, through a reference prepared at the first call (the
 * image's luma and local statistics; ssimFast.ts), not once per reconstruction. NaN for images under 11×11.
 */
export function ssimScorer(img: RgbImage): (reconstruction: RgbImage) => number {
  let ref: SsimReference | null = null;
  return (rec) => {
    if (img.width < 11 || img.height < 11) return NaN;
    ref ??= ssimReference(img);
    return ssimAgainst(ref, rec);
  };
}

/** Scores every step against the image: PSNR, and SSIM unless it is left out (then NaN). */
function stepScorer(img: RgbImage, withSsim: boolean) {
  const ssimOf = withSsim ? ssimScorer(img) : () => NaN;
  return (d: number, label: string, reconstruction: RgbImage, fixedBpp: number, entropyBpp: number, stepEntropy: number): DepthStep => ({
    d, label, reconstruction, psnr: psnr(reconstruction, img), ssim: ssimOf(reconstruction), fixedBpp, entropyBpp, stepEntropy,
  });
}

export type DepthProgress = (done: number, total: number) => void;

export interface DepthStepOptions {
  /**
   * Score each step's SSIM too (default). SSIM is more than half the cost of a view's steps at 256² and 512²:
   * the rate–distortion curves, which read PSNR and rates only, leave it out, and the steps view scores only the
   * steps it shows (ssimScorer). Left out, every step's `ssim` is NaN.
   */
  ssim?: boolean;
}

/** Every step of a decomposition of `img` (reconstructions included). */
export function depthSteps(img: RgbImage, spec: DepthSpec, onProgress: DepthProgress = () => {}, options: DepthStepOptions = {}): DepthStep[] {
  const pixels = img.width * img.height;
  const steps: DepthStep[] = [];
  const finish = stepScorer(img, options.ssim ?? true);
  switch (spec.kind) {
    case 'bitplanes': {
      // Each plane costs 1 bit per value (3 per pixel) fixed; entropy-coded, its empirical entropy per value.
      const a = analyzeBitplanes(img);
      const codes = imageCodes(img);
      let ent = 0;
      for (let k = 1; k <= 8; k++) {
        ent += 3 * a.entropy[k - 1];
        // = keepTopBits(img, k) (the top-k mask, unknown bits at their mean), from codes rounded once.
        const top = (0xff << (8 - k)) & 0xff;
        steps.push(finish(k, `bit ${8 - k}`, knownBitsImage(img, [top, top, top], codes), 3 * k, ent, a.entropy[k - 1]));
        onProgress(k, 8);
      }
      return steps;
    }
    case 'bit-order': {
      // A plane of c channels costs c bits per pixel fixed; entropy-coded, c times its entropy per value.
      const order = bitOrderSteps(spec.order);
      const codes = imageCodes(img); // rounded once, read by every step
      let fixed = 0, ent = 0;
      order.forEach((step, k) => {
        const h = planeEntropy(img, step.plane, step.channels, codes);
        fixed += step.channels.length;
        ent += step.channels.length * h;
        const where = step.channels.length === 3 ? '' : ` of ${'RGB'[step.channels[0]]}`;
        steps.push(finish(k + 1, `bit ${step.plane}${where}`, knownBitsImage(img, knownMasks(order, k + 1), codes), fixed, ent, h));
        onProgress(k + 1, order.length);
      });
      return steps;
    }
    case 'channels': {
      // Each channel is sent as 8-bit codes: 8 bits per pixel fixed, its code entropy entropy-coded.
      const coded = spec.space === 'rgb' ? img : rgbToYcbcr(img);
      let ent = 0;
      channelSteps(img, spec.space).forEach((s, i) => {
        const h = channelCodeEntropy(coded, i);
        ent += h;
        steps.push(finish(s.d, s.channel, s.reconstruction, 8 * s.d, ent, h));
        onProgress(i + 1, 3);
      });
      return steps;
    }
    case 'scales': {
      const scales = varScalesFor(Math.max(img.width, img.height));
      scalePyramid(img, scales, { step: spec.step }).forEach((s, i) => {
        const r = s.cumulativeRate ?? { fixedBpp: NaN, entropyBpp: NaN };
        steps.push(finish(i + 1, `${s.scale}×${s.scale}`, s.reconstruction, r.fixedBpp, r.entropyBpp, s.rate ? s.rate.entropyBpp * pixels / Math.max(1, s.scale * s.scale * 3) : NaN));
        onProgress(i + 1, scales.length);
      });
      return steps;
    }
    case 'dct-block': {
      const coeffs = blockDctCoefficients(img, DCT_BLOCK); // the forward transform once, for every keep
      DCT_BLOCK_KEEPS.forEach((keep, i) => {
        const code = blockDctFromCoefficients(coeffs, img.width, img.height, DCT_BLOCK, keep, spec.step);
        const r = code.rate ?? { fixedBpp: NaN, entropyBpp: NaN };
        steps.push(finish(i + 1, `${keep} of 64 per block`, code.image, r.fixedBpp, r.entropyBpp, r.entropyBpp * DCT_BLOCK * DCT_BLOCK / (3 * keep)));
        onProgress(i + 1, DCT_BLOCK_KEEPS.length);
      });
      return steps;
    }
    case 'dct-whole': {
      const coeffs = wholeDctCoefficients(img);
      const keeps = wholeDctKeeps(img.width, img.height);
      keeps.forEach((keep, i) => {
        const code = wholeDctFromCoefficients(coeffs, img.width, img.height, keep, spec.step);
        const r = code.rate ?? { fixedBpp: NaN, entropyBpp: NaN };
        steps.push(finish(i + 1, `${keep} coefficients`, code.image, r.fixedBpp, r.entropyBpp, r.entropyBpp * pixels / (3 * keep)));
        onProgress(i + 1, keeps.length);
      });
      return steps;
    }
    case 'rq':
    case 'vq': {
      const fit = (spec.kind === 'rq' ? rqFit : vqFit)(img, spec.patch, spec.K, spec.depth, 10, 0, onProgress);
      for (const level of fit.levels) {
        const step = finish(level.depth, spec.kind === 'rq' ? `code ${level.depth}` : `${level.codebookSize} codewords`, level.reconstruction, level.fixedBpp, level.entropyBpp, level.codeEntropy);
        const health = codebookHealth(level.codes, level.codebookSize);
        steps.push({
          ...step, codes: level.codes, codebookSize: level.codebookSize, grid: { rows: fit.rows, cols: fit.cols },
          perplexity: health.perplexity, deadCodes: health.dead, codebookBpp: level.codebookBpp, degenerate: level.degenerate,
        });
      }
      return steps;
    }
  }
}

/** A step's whole rate in bits per pixel: its symbols (entropy-coded or fixed-length) plus any codebook it needs. */
export function totalBpp(step: Pick<DepthStep, 'fixedBpp' | 'entropyBpp' | 'codebookBpp'>, coding: 'entropy' | 'fixed' = 'entropy'): number {
  return (coding === 'entropy' ? step.entropyBpp : step.fixedBpp) + (step.codebookBpp ?? 0);
}

/** Image minus image, shown around mid-grey: 0.5 + (a − b). */
export function differenceImage(a: RgbImage, b: RgbImage | null): RgbImage {
  const out = createImage(a.width, a.height);
  for (let i = 0; i < a.data.length; i++) out.data[i] = 0.5 + a.data[i] - (b ? b.data[i] : 0);
  return out;
}
