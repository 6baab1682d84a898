// Shaping for the Diffusion panel: the schedule the view describes, target scales, number formats.
import { noisyRgba, type StripEntry } from '../../../core/diffusion/forward';
import { scheduleAt, monotoneLogSnr, type ScheduleOptions, type ScheduleSpec } from '../../../core/diffusion/schedules';
import { resizeNearest } from '../../../core/image';
import type { DiffusionView } from '../../../state/diffusionSlice';

export const SCHEDULE_LABELS: Record<DiffusionView['schedule'], string> = {
  'ddpm-linear': 'DDPM linear',
  'scaled-linear': 'Scaled linear (Stable Diffusion)',
  cosine: 'Cosine (Nichol & Dhariwal)',
  'cosine-zsnr': 'Cosine, zero terminal SNR',
  edm: 'EDM (Karras et al.)',
  'rectified-flow': 'Rectified flow',
  sd3: 'SD3 (shifted flow)',
  custom: 'Custom (drag λ(t))',
};

export function scheduleSpec(view: Pick<DiffusionView, 'schedule' | 'points'>): ScheduleSpec {
  return view.schedule === 'custom' ? monotoneLogSnr(view.points) : view.schedule;
}

/** Sums that give the RMS of any α·ε + β·x0 combination in O(1): E[ε²], E[x0²], E[ε·x0] over all values. */
export interface PairMoments { ee: number; xx: number; ex: number }

export function pairMoments(x0: Float32Array, eps: Float32Array): PairMoments {
  let ee = 0, xx = 0, ex = 0;
  for (let i = 0; i < x0.length; i++) {
    ee += eps[i] * eps[i];
    xx += x0[i] * x0[i];
    ex += eps[i] * x0[i];
  }
  const n = x0.length;
  return { ee: ee / n, xx: xx / n, ex: ex / n };
}

/** RMS of a·ε + b·x0 from the moments (exact for these arrays). */
export function rmsOf(m: PairMoments, a: number, b: number): number {
  return Math.sqrt(Math.max(0, a * a * m.ee + b * b * m.xx + 2 * a * b * m.ex));
}

export function fmtNum(v: number, digits = 3): string {
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(digits);
}

/**
 * The k with which x_t is shown as 0.5 + k·x_t: divided by √(α² + σ²), so that EDM's large σ stays visible (VP
 * schedules: no change), then halved to map [−1, 1] onto [0, 1]. The x_t figure and the strip share it.
 */
export function xtScale(alpha: number, sigma: number): number {
  return 0.5 / Math.sqrt(alpha ** 2 + sigma ** 2);
}

/**
 * The strip's thumbnails have at most this many pixels a side. They are shown about 40–50 CSS px wide; drawn at a
 * 512² working size, eight 1 MB canvases cost more to compute, draw and hand to the compositor than the rest of
 * the panel's images together.
 */
export const STRIP_SIDE = 128;

/**
 * x_t at each strip entry as an 8-bit frame of min(side, STRIP_SIDE) pixels a side: x0 and ε are first resampled
 * nearest-neighbour (the pixel under each thumbnail pixel's centre, as a pixelated canvas shows a larger image),
 * so each thumbnail pixel is x_t at one pixel of the image, with its noise; scaled like the x_t figure (xtScale).
 */
export function stripFrames(x0: Float32Array, eps: Float32Array, side: number, entries: StripEntry[], spec: ScheduleSpec, opts: ScheduleOptions): { width: number; height: number; data: Uint8ClampedArray }[] {
  const n = Math.min(side, STRIP_SIDE);
  const small = (data: Float32Array) => (n === side ? data : resizeNearest({ width: side, height: side, data }, n, n).data);
  const [x, e] = [small(x0), small(eps)];
  return entries.map((entry) => {
    const p = scheduleAt(spec, entry.t, opts);
    return { width: n, height: n, data: noisyRgba(x, e, p.alpha, p.sigma, xtScale(p.alpha, p.sigma)) };
  });
}
