// Noise levels (α, σ) for a denoiser, taken from any schedule of the panel: the level at one t (for x̂0 at the
// slider's t) and a sampler's sequence of levels from noisiest to clean (for DDPM, DDIM and Euler).
// A denoiser sees x_t/√(α² + σ²) and λ (diffusionModelProtocol.ts), so a level is only ever read through λ and
// its overall scale; every schedule kind (VP, EDM, flow, an edited λ(t)) therefore drives the same network.
import { logSnrFromAlphaSigma, scheduleAt, tOfLogSnr, type ScheduleOptions, type ScheduleSpec } from './schedules';
import { vpFromLogSnr } from './editable';

/** α_t and σ_t of a schedule at one t (the worker protocol's NoiseLevel has the same shape). */
export type Level = { alpha: number; sigma: number };

/** The clean end every sampler finishes at: α = 1, σ = 0 (λ = +∞). */
export const CLEAN_LEVEL: Readonly<Level> = Object.freeze({ alpha: 1, sigma: 0 });

/** The level of a schedule at t ∈ [0, 1]. */
export function levelAt(spec: ScheduleSpec, t: number, opts: ScheduleOptions = {}): Level {
  const p = scheduleAt(spec, t, opts);
  return { alpha: p.alpha, sigma: p.sigma };
}

/** λ = log(α²/σ²) of a level (±∞ at the ends). */
export function levelLogSnr(level: Level): number {
  return logSnrFromAlphaSigma(level.alpha, level.sigma);
}

/** The EDM-equivalent noise level σ/α = e^{−λ/2} (0 for a clean level, ∞ for pure noise). */
export function levelSigmaEdm(level: Level): number {
  if (level.sigma === 0) return 0;
  if (level.alpha === 0) return Infinity;
  return level.sigma / level.alpha;
}

/**
 * The level moved to the nearest λ in [range[0], range[1]], keeping its scale √(α² + σ²): a network trained on
 * a finite λ range has no answer at λ = ±∞ (rectified flow at t = 0 and 1, a zero-terminal-SNR schedule's last
 * step). A level already inside is returned unchanged (same object values), with clamped = false.
 */
export function clampLevel(level: Level, range: readonly [number, number]): { level: Level; clamped: boolean } {
  const [lo, hi] = range;
  if (!(lo <= hi)) throw new RangeError(`a λ range needs lo ≤ hi, got [${lo}, ${hi}]`);
  const logSnr = levelLogSnr(level);
  if (logSnr >= lo && logSnr <= hi) return { level: { ...level }, clamped: false };
  const target = Math.min(hi, Math.max(lo, logSnr));
  const scale = Math.hypot(level.alpha, level.sigma);
  const vp = vpFromLogSnr(target);
  return { level: { alpha: vp.alpha * scale, sigma: vp.sigma * scale }, clamped: true };
}

export type SamplerLevelOptions = ScheduleOptions & {
  /**
   * The noisiest λ the denoiser knows (e.g. the low edge of its loss profile): sampling starts at the t where
   * the schedule reaches it, if t = 1 is noisier, and no level goes below it. Default: −∞ (start at t = 1).
   */
  minLogSnr?: number;
};

/**
 * A sampler's levels for `steps` steps, from noisiest to clean: the schedule at t_k = t_start·(1 − k/steps),
 * k = 0…steps − 1, then CLEAN_LEVEL (steps + 1 levels; fewer when a discrete schedule maps neighbouring t_k to
 * the same step: repeats are dropped, as a step between equal levels does nothing but cost a network call).
 * Evenly spaced in t like diffusers' "trailing" timestep spacing, which starts at the last training step (Lin
 * et al. 2023, §3.3), so the first level is the schedule's noisiest one (or the one at λ = minLogSnr).
 */
export function samplerLevels(spec: ScheduleSpec, steps: number, opts: SamplerLevelOptions = {}): Level[] {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be an integer ≥ 1, got ${steps}`);
  const minLogSnr = opts.minLogSnr ?? -Infinity;
  if (Number.isNaN(minLogSnr) || minLogSnr === Infinity) throw new RangeError(`minLogSnr must be a number < ∞, got ${minLogSnr}`);
  const tStart = scheduleAt(spec, 1, opts).logSnr < minLogSnr ? tOfLogSnr(spec, minLogSnr, opts) : 1;
  const out: Level[] = [];
  for (let k = 0; k < steps; k++) {
    // (steps − k)/steps, not 1 − k/steps: the former is exact at a discrete schedule's nodes (i + 1)/N.
    const t = (tStart * (steps - k)) / steps;
    // A discrete schedule read at tStart may sit one step below minLogSnr: clamp it back.
    const { level } = clampLevel(levelAt(spec, t, opts), [minLogSnr, Infinity]);
    const prev = out[out.length - 1];
    if (!prev || prev.alpha !== level.alpha || prev.sigma !== level.sigma) out.push(level);
  }
  out.push({ ...CLEAN_LEVEL });
  return out;
}
