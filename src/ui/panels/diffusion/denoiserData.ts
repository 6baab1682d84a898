// Shaping for the Diffusion panel's denoiser: model arrays (side × side × channels, pixels in [0, 1]) as images,
// the guidance interval's log-scale sliders, the step-count slider and the λ range the model knows.
import { createImage, type RgbImage } from '../../../core/image';
import { samplerLevels } from '../../../core/diffusion/levels';
import { GUIDANCE_SIGMA_RANGE, type DiffusionView } from '../../../state/diffusionSlice';
import type { DenoiserParameterization, DenoiserStatus, NoiseLevel } from '../../../protocol';
import { fmtNum, scheduleSpec } from './diffusionData';

/** Model images are drawn this many screen pixels per model pixel (28 → 224, 32 → 256), so they stay sharp. */
export const MODEL_SCALE = 8;

/**
 * Image `index` of a batch of side × side × channels arrays (grey: channels 1) as an RgbImage, each value
 * multiplied by `gain` (clipped when drawn) and every pixel repeated `scale` × `scale` times.
 */
export function modelImage(batch: Float32Array, side: number, channels: number, index = 0, scale = MODEL_SCALE, gain = 1): RgbImage {
  const w = side * scale;
  const img = createImage(w, w);
  const base = index * side * side * channels;
  for (let y = 0; y < w; y++) {
    const py = Math.floor(y / scale);
    for (let x = 0; x < w; x++) {
      const src = base + (py * side + Math.floor(x / scale)) * channels;
      const o = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) img.data[o + c] = gain * batch[src + (channels === 3 ? c : 0)];
    }
  }
  return img;
}

/** How many images a batch array holds. */
export function batchCount(batch: Float32Array, side: number, channels: number): number {
  return Math.floor(batch.length / (side * side * channels));
}

// Guidance interval: sliders of POSITIONS steps, evenly spaced in log σ over GUIDANCE_SIGMA_RANGE.
export const SIGMA_POSITIONS = 100;
const LOG_MIN = Math.log(GUIDANCE_SIGMA_RANGE[0]);
const LOG_MAX = Math.log(GUIDANCE_SIGMA_RANGE[1]);

/** σ_EDM at slider position p ∈ [0, SIGMA_POSITIONS], to 3 significant digits (the link stores 4 decimals). */
export function sigmaOfPosition(p: number): number {
  const q = Math.min(SIGMA_POSITIONS, Math.max(0, p));
  if (q === 0) return GUIDANCE_SIGMA_RANGE[0];
  if (q === SIGMA_POSITIONS) return GUIDANCE_SIGMA_RANGE[1];
  const s = Math.exp(LOG_MIN + (q / SIGMA_POSITIONS) * (LOG_MAX - LOG_MIN));
  return Number(Number(s.toPrecision(3)).toFixed(4));
}

/** The slider position nearest to σ. */
export function positionOfSigma(sigma: number): number {
  const q = ((Math.log(sigma) - LOG_MIN) / (LOG_MAX - LOG_MIN)) * SIGMA_POSITIONS;
  return Math.min(SIGMA_POSITIONS, Math.max(0, Math.round(q)));
}

/** The interval the worker gets: an end at the slider's limit is no bound at all (0 or ∞). */
export function guidanceInterval(lo: number, hi: number): [number, number] {
  return [lo <= GUIDANCE_SIGMA_RANGE[0] ? 0 : lo, hi >= GUIDANCE_SIGMA_RANGE[1] ? Infinity : hi];
}

export { EDM2_INTERVAL } from '../../../core/diffusion/samplers';

/** Sampler step counts on the steps slider (1…1000, dense where few steps differ most). */
export const STEP_CHOICES = [1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 250, 300, 400, 500, 600, 800, 1000] as const;

/** The index of the step choice nearest to `steps` (in log steps; a link may hold any count). */
export function stepChoiceIndex(steps: number): number {
  let best = 0;
  STEP_CHOICES.forEach((c, i) => {
    if (Math.abs(Math.log(c / steps)) < Math.abs(Math.log(STEP_CHOICES[best] / steps))) best = i;
  });
  return best;
}

/**
 * The λ range the model was measured on: from the low edge of its first loss bin to the high edge of its
 * last (equal bins, centres in status.lambda). Null when the status has fewer than two bins.
 */
export function modelLogSnrRange(status: Pick<DenoiserStatus, 'lambda'>): [number, number] | null {
  const l = status.lambda;
  if (l.length < 2) return null;
  const half = Math.abs(l[1] - l[0]) / 2;
  const lo = Math.min(l[0], l[l.length - 1]);
  const hi = Math.max(l[0], l[l.length - 1]);
  return [lo - half, hi + half];
}

/**
 * The levels the panel samples with: `steps` steps of the view's schedule (and shift), starting no noisier
 * than the model's λ range. The Sample button and the sample:digits script both take them from here.
 */
export function panelSamplerLevels(view: Pick<DiffusionView, 'schedule' | 'points' | 'shift'>, steps: number, status: Pick<DenoiserStatus, 'lambda'>): NoiseLevel[] {
  const range = modelLogSnrRange(status);
  return samplerLevels(scheduleSpec(view), steps, { shift: view.shift, minLogSnr: range ? range[0] : undefined });
}

export const PARAMETERIZATION_LABELS: Record<DenoiserParameterization, string> = { eps: 'ε', x0: 'x₀', v: 'v', velocity: 'velocity (ε − x₀)' };

export const CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'none'] as const;

export function fmtPercent(p: number, digits = 0): string {
  return Number.isFinite(p) ? `${(100 * p).toFixed(digits)} %` : '—';
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/**
 * What the sampler's start leaves out: it draws pure noise at its first level, which is right only where that
 * level keeps no signal (α = 0, zero terminal SNR). Null there; otherwise a note with the signal fraction
 * α/√(α² + σ²) the level still keeps — at the schedule's noisiest step (`end`), or at the model's noisiest trained
 * level where sampling starts later than that.
 */
export function pureNoiseStartNote(first: NoiseLevel, end: NoiseLevel, scheduleLabel: string): string | null {
  const keep = first.alpha / Math.hypot(first.alpha, first.sigma);
  if (!(keep > 0)) return null;
  if (first.alpha === end.alpha && first.sigma === end.sigma) {
    return `Starts from pure noise; on ${scheduleLabel} the noisiest step still keeps α = ${fmtNum(keep)} of the signal (no zero terminal SNR).`;
  }
  const logSnr = 2 * Math.log(first.alpha / first.sigma);
  return `Starts from pure noise at the model's noisiest trained level (λ = ${fmtNum(logSnr, 1)}), where α = ${fmtNum(keep)} of the signal remains.`;
}
