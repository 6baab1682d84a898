// The analysis workers' part of the protocol: per-image analyses (bit-planes, patch statistics, spectra, depth
// views and rate–distortion curves). tfjs-free; the layer's index re-exports it.
import type { BitplaneAnalysis } from '../core/depth/bitplanes';
import type { OrderingAnalysis, OrderingSpec } from '../core/patch/analysis';
import type { SpectraPrecomputed } from '../core/diffusion/spectrum';
import type { DepthSpec, DepthStep } from '../core/depth/views';
import type { RgbImage } from '../core/image';
import type { ImagePayload } from './image';

export type AnalysisRequest =
  | { id: number; kind: 'bitplane-analysis'; image: ImagePayload }
  | { id: number; kind: 'patch-stats'; image: ImagePayload; patch: number; orderings: OrderingSpec[] }
  | { id: number; kind: 'diffusion-spectra'; image: ImagePayload; seed: number }
  | { id: number; kind: 'depth-view'; image: ImagePayload; spec: DepthSpec; d: number }
  | { id: number; kind: 'depth-rd'; image: ImagePayload; specs: DepthSpec[] };

/**
 * A step's numbers without its image or codes (curves travel; images and codes only for the step on screen). Its
 * `ssim` is scored when the step is first shown: NaN for steps of the view not shown yet.
 */
export type DepthStepInfo = Omit<DepthStep, 'reconstruction' | 'codes'>;
/** A rate–distortion curve's step: the numbers the curves need (no SSIM: the sweep does not score it). */
export type RdStepInfo = Omit<DepthStepInfo, 'ssim'>;
/** `codes`: step d's code per patch (RQ / VQ; null for other views), over steps[d − 1].grid. */
/** `of`: the image hash and decomposition the answer is for (`${hash}|${JSON of the spec}`), so a view tells an old answer from a new one. */
export type DepthViewResult = { steps: DepthStepInfo[]; d: number; reconstruction: RgbImage; previous: RgbImage | null; codes: Int32Array | null; of: string };

/** Per-ordering statistics, in the order the orderings were asked for. */
export type PatchStatsResult = { rows: number; cols: number; orderings: OrderingAnalysis[] };

export interface AnalysisResults {
  'bitplane-analysis': BitplaneAnalysis;
  'patch-stats': PatchStatsResult;
  'diffusion-spectra': SpectraPrecomputed;
  'depth-view': DepthViewResult;
  'depth-rd': RdStepInfo[][];
}

/** Channels of the analysis requests (see CHANNEL in the index): one each, so a newer request supersedes an older. */
export const ANALYSIS_CHANNELS = {
  'bitplane-analysis': 'bitplanes',
  'patch-stats': 'patch-stats',
  'diffusion-spectra': 'diffusion-spectra',
  'depth-view': 'depth-view',
  'depth-rd': 'depth-rd',
} as const satisfies Record<AnalysisRequest['kind'], string>;

/** Analyses long enough to run in the background worker: never waited on by a slider. */
export const BACKGROUND_KINDS = ['depth-rd'] as const satisfies readonly AnalysisRequest['kind'][];
