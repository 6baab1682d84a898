// Shaping for the Diffusion panel: the schedule the view describes, target scales, number formats.
import { noisyRgba, type StripEntry } from '../../../core/diffusion/forward';
import { scheduleAt, monotoneLogSnr, type ScheduleOptions, type ScheduleSpec } from '../../../core/diffusion/schedules';
import { pixelToModel } from '../../../core/conventions';
import { nearestPixels, type RgbImage } from '../../../core/image';
import { LruMap } from '../../../core/lru';
import type { PixelSource } from '../../components/PixelCanvas';
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

const modelSpaceCache = new WeakMap<RgbImage, Float32Array>();

/**
 * x0: the image's values in model space (conventions pixelToModel), once per working image. The pipeline returns
 * the same image object for a working size just left (ui/image/pipeline.ts workingImage), so going back costs no
 * new 3 MB array. Shared: callers must not write it.
 */
export function modelSpace(image: RgbImage): Float32Array {
  let x0 = modelSpaceCache.get(image);
  if (!x0) {
    x0 = new Float32Array(image.data.length);
    for (let i = 0; i < x0.length; i++) x0[i] = pixelToModel(image.data[i]);
    modelSpaceCache.set(image, x0);
  }
  return x0;
}

/** Sums that give the RMS of any α·ε + β·x0 combination in O(1): E[ε²], E[x0²], E[ε·x0] over all values. */
export interface PairMoments { ee: number; xx: number; ex: number }

const momentsCache = new WeakMap<Float32Array, { eps: Float32Array; moments: PairMoments }>();

/** The moments of a pair, remembered per x0 and ε (both kept per working image and seed: a size just left is a hit). */
export function pairMoments(x0: Float32Array, eps: Float32Array): PairMoments {
  const hit = momentsCache.get(x0);
  if (hit?.eps === eps) return hit.moments;
  let ee = 0, xx = 0, ex = 0;
  for (let i = 0; i < x0.length; i++) {
    ee += eps[i] * eps[i];
    xx += x0[i] * x0[i];
    ex += eps[i] * x0[i];
  }
  const n = x0.length;
  const moments = { ee: ee / n, xx: xx / n, ex: ex / n };
  momentsCache.set(x0, { eps, moments });
  return moments;
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

/** The last sizes x0 and ε were resampled to, per pair: the panel's images are shown at two or three sizes. */
const SAMPLED_SIZES = 4;
const sampledCache = new WeakMap<Float32Array, { eps: Float32Array; sizes: LruMap<string, [Float32Array, Float32Array]> }>();

/**
 * x0 and ε (side² RGB pixels) resampled nearest-neighbour to w × h: the pixel under each new pixel's centre, as a
 * pixelated canvas shows a larger image. Kept for the last few sizes of each pair, so the panel's images shown at
 * one size resample once; at full size, the arrays themselves.
 */
export function sampledPair(x0: Float32Array, eps: Float32Array, side: number, w: number, h: number): [Float32Array, Float32Array] {
  if (w === side && h === side) return [x0, eps];
  let entry = sampledCache.get(x0);
  if (!entry || entry.eps !== eps) sampledCache.set(x0, (entry = { eps, sizes: new LruMap({ entries: SAMPLED_SIZES }) }));
  return entry.sizes.getOrSet(`${w}x${h}`, () => [nearestPixels(x0, side, side, 3, w, h), nearestPixels(eps, side, side, 3, w, h)]);
}

/**
 * The image 0.5 + k·(α·x0 + σ·ε) of a side² pair, made at the size it is drawn (noisyRgba of the resampled pair):
 * a canvas shown 130 px wide computes 130² pixels, not 512², and an export the whole image. Nearest-neighbour
 * sampling commutes with this per-pixel map, so the pixels equal the whole image resampled.
 */
export function blendSource(x0: Float32Array, eps: Float32Array, side: number, alpha: number, sigma: number, k: number): PixelSource {
  return {
    width: side,
    height: side,
    pixels: (w, h) => {
      const [x, e] = sampledPair(x0, eps, side, w, h);
      return noisyRgba(x, e, alpha, sigma, k);
    },
  };
}

/** x_t at each strip entry, scaled like the x_t figure (xtScale), made at the size each thumbnail is shown. */
export function stripSources(x0: Float32Array, eps: Float32Array, side: number, entries: StripEntry[], spec: ScheduleSpec, opts: ScheduleOptions): PixelSource[] {
  return entries.map((entry) => {
    const p = scheduleAt(spec, entry.t, opts);
    return blendSource(x0, eps, side, p.alpha, p.sigma, xtScale(p.alpha, p.sigma));
  });
}
