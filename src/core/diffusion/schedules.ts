// One continuous view of every noise schedule: t ∈ [0,1] (0 = data, 1 = most noise) ↦ α, σ, λ = log(α²/σ²) and
// the EDM-equivalent noise level σ_EDM = σ/α = e^{−λ/2} (docs/conventions.md, "Noise levels").
// - Discrete DDPM schedules (diffusers' index): step i = stepOfT(t, N) (conventions.ts), α = √ᾱ_i, σ = √(1 − ᾱ_i).
// - EDM (Karras et al. 2022, eq. 5): t ↦ σ by the sampling ρ-schedule read backwards,
//   σ(t) = (σ_max^{1/ρ} + (1 − t)(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ, so t = 1 is σ_max (most noise) and t = 0 is σ_min;
//   Karras' step i of n sits at t = 1 − i/(n − 1). α = 1, σ = σ_EDM, λ = −2 ln σ.
// - Rectified flow: α = 1 − t, σ = t, λ = 2 ln((1 − t)/t) (+∞ at t = 0, −∞ at t = 1).
// - SD3 (Esser et al. 2024, §5.3.2): rectified flow at the shifted t' = s·t/(1 + (s − 1)·t). Since
//   (1 − t')/t' = (1 − t)/(s·t), this is λ_SD3(t) = λ_RF(t) − 2 ln s: the shift moves λ down by 2 ln s.
// - A user-editable schedule (editable.ts) is passed as its λ(t) function and read as variance-preserving.
import { stepOfT } from '../conventions';
import { alphasCumprod, BETA_SCHEDULES, ddpmBetas, discreteSchedule, rescaleZeroTerminalSnr, type BetaSchedule, type DiscreteSchedule } from './discrete';
import { monotoneCubic, vpFromLogSnr, type LogSnrFn, type MonotoneCubic } from './editable';
import { DISCRETE_SCHEDULE_KINDS, type DiscreteScheduleKind, type ScheduleKind } from './kinds';

export * from './discrete';
export * from './editable';
export { DISCRETE_SCHEDULE_KINDS, SCHEDULE_KINDS, type DiscreteScheduleKind, type ScheduleKind } from './kinds';

/** A named schedule, or a user-edited one given by λ(t) (variance-preserving). */
export type ScheduleSpec = ScheduleKind | LogSnrFn;

export type ScheduleOptions = {
  /** Discrete schedules: number of training steps N (default 1000). */
  steps?: number;
  /** Discrete β range; defaults: ddpm-linear 1e-4 → 0.02 (DDPM), scaled-linear 0.00085 → 0.012 (Stable Diffusion). */
  betaStart?: number;
  betaEnd?: number;
  /** EDM: σ_min 0.002, σ_max 80, ρ 7 (Karras et al. 2022, Table 1). */
  sigmaMin?: number;
  sigmaMax?: number;
  rho?: number;
  /** SD3 timestep shift s (default 3.0, SD3's scheduler config). */
  shift?: number;
};

export type SchedulePoint = { alpha: number; sigma: number; logSnr: number; sigmaEdm: number };

export function isDiscrete(kind: ScheduleSpec): kind is DiscreteScheduleKind {
  return (DISCRETE_SCHEDULE_KINDS as readonly ScheduleSpec[]).includes(kind);
}

export function isVariancePreserving(kind: ScheduleSpec): boolean {
  return typeof kind === 'function' || isDiscrete(kind);
}

const discreteCache = new Map<string, DiscreteSchedule>();

/** The diffusers β schedule of each discrete kind (cosine-zsnr is the cosine one rescaled to zero terminal SNR). */
const BETA_OF: Record<DiscreteScheduleKind, BetaSchedule> = {
  'ddpm-linear': 'linear', 'scaled-linear': 'scaled_linear', cosine: 'squaredcos_cap_v2', 'cosine-zsnr': 'squaredcos_cap_v2',
};

/** The β range unless given: DDPM's 1e-4 → 0.02, or Stable Diffusion's 0.00085 → 0.012 for scaled_linear. */
function betaRange(beta: BetaSchedule, opts: { betaStart?: number; betaEnd?: number }): { betaStart: number; betaEnd: number } {
  const sd = beta === 'scaled_linear';
  return { betaStart: opts.betaStart ?? (sd ? 0.00085 : 1e-4), betaEnd: opts.betaEnd ?? (sd ? 0.012 : 0.02) };
}

/** ᾱ and λ per step of a discrete kind (cached per kind, N and β range). */
export function discreteOf(kind: DiscreteScheduleKind, opts: ScheduleOptions = {}): DiscreteSchedule {
  const steps = opts.steps ?? 1000;
  const beta = BETA_OF[kind];
  const { betaStart, betaEnd } = betaRange(beta, opts);
  const key = `${kind}|${steps}|${betaStart}|${betaEnd}`;
  let s = discreteCache.get(key);
  if (!s) {
    s = discreteSchedule(beta, steps, { betaStart, betaEnd }, kind === 'cosine-zsnr');
    if (discreteCache.size > 32) discreteCache.clear();
    discreteCache.set(key, s);
  }
  return s;
}

/** A DDPM β schedule by its diffusers name, or by this app's name for the two linear ones. */
export type DdpmScheduleName = BetaSchedule | Extract<DiscreteScheduleKind, 'ddpm-linear' | 'scaled-linear'>;

export type DdpmAlphasOptions = {
  /** The β range; defaults as discreteOf's (see betaRange). */
  betaStart?: number;
  betaEnd?: number;
  /** Apply diffusers' rescale_zero_terminal_snr (Lin et al. 2023): the last ᾱ becomes 0, the first is kept. */
  rescaleZeroTerminalSnr?: boolean;
};

/**
 * ᾱ_0 … ᾱ_{N−1} (diffusers' `alphas_cumprod`) of a DDPM schedule, with discreteOf's β ranges: scaled_linear
 * defaults to Stable Diffusion's 0.00085 → 0.012, where diffusers' DDPMScheduler would take 1e-4 → 0.02.
 */
export function ddpmAlphasCumprod(kind: DdpmScheduleName, steps = 1000, opts: DdpmAlphasOptions = {}): Float64Array {
  const beta = kind === 'ddpm-linear' || kind === 'scaled-linear' ? BETA_OF[kind] : kind;
  if (!(BETA_SCHEDULES as readonly string[]).includes(beta)) throw new RangeError(`unknown DDPM schedule '${String(kind)}'`);
  const range = betaRange(beta, opts);
  for (const [name, b] of Object.entries(range)) if (!(b >= 0 && b <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${b}`);
  // One step has no first ᾱ to keep apart from a last one to zero.
  if (opts.rescaleZeroTerminalSnr && steps === 1) throw new RangeError('zero terminal SNR needs at least 2 steps');
  const ac = alphasCumprod(ddpmBetas(beta, steps, range));
  if (!opts.rescaleZeroTerminalSnr) return ac;
  const z = rescaleZeroTerminalSnr(ac);
  z[0] = ac[0]; // kept exactly, as the algorithm does in exact arithmetic (√ then ² can move it by an ulp)
  return z;
}

/**
 * λ = log(α²/σ²) = 2(ln α − ln σ), with the ends explicit: σ = 0 < α gives +∞, α = 0 < σ gives −∞.
 * α = σ = 0 (or negative or NaN inputs) is not a noise level: RangeError.
 */
export function logSnrFromAlphaSigma(alpha: number, sigma: number): number {
  if (!(alpha >= 0 && sigma >= 0) || (alpha === 0 && sigma === 0)) {
    throw new RangeError(`log-SNR needs α, σ ≥ 0, not both 0; got α=${alpha}, σ=${sigma}`);
  }
  if (sigma === 0) return Infinity;
  if (alpha === 0) return -Infinity;
  return 2 * (Math.log(alpha) - Math.log(sigma));
}

/** σ_EDM = e^{−λ/2} (0 at λ = +∞, ∞ at λ = −∞). */
export function sigmaEdmOfLogSnr(logSnr: number): number {
  return Math.exp(-logSnr / 2);
}

/** EDM constants with defaults applied. */
export function edmParams(opts: ScheduleOptions = {}): { sigmaMin: number; sigmaMax: number; rho: number } {
  return { sigmaMin: opts.sigmaMin ?? 0.002, sigmaMax: opts.sigmaMax ?? 80, rho: opts.rho ?? 7 };
}

/** EDM's sampling ρ-schedule as a function of t ∈ [0,1]: σ(0) = σ_min, σ(1) = σ_max. */
export function edmSigmaOfT(t: number, opts: ScheduleOptions = {}): number {
  const { sigmaMin, sigmaMax, rho } = edmParams(opts);
  const a = sigmaMax ** (1 / rho);
  const b = sigmaMin ** (1 / rho);
  return (a + (1 - t) * (b - a)) ** rho;
}

/**
 * Karras et al.'s n sampling noise levels, σ_max down to σ_min (eq. 5; k-diffusion's get_sigmas_karras without
 * the 0 it appends): σ_i = (σ_max^{1/ρ} + i/(n − 1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ, i.e. edmSigmaOfT at
 * t = 1 − i/(n − 1). The ends are σ_max and σ_min exactly (the ρ-th power of the root can miss by an ulp);
 * n = 1 gives σ_max alone.
 */
export function karrasSigmas(n: number, sigmaMin = 0.002, sigmaMax = 80, rho = 7): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be an integer ≥ 1, got ${n}`);
  if (!(sigmaMin >= 0 && sigmaMin <= sigmaMax && sigmaMax < Infinity)) {
    throw new RangeError(`the noise levels need 0 ≤ σ_min ≤ σ_max < ∞, got σ_min = ${sigmaMin}, σ_max = ${sigmaMax}`);
  }
  if (!(rho > 0 && rho < Infinity)) throw new RangeError(`ρ must be positive and finite, got ${rho}`);
  const out = new Float64Array(n);
  for (let i = 1; i < n - 1; i++) out[i] = edmSigmaOfT(1 - i / (n - 1), { sigmaMin, sigmaMax, rho });
  out[0] = sigmaMax;
  if (n > 1) out[n - 1] = sigmaMin;
  return out;
}

/** Rectified-flow λ = 2(ln(1 − t) − ln t), exact ±∞ at the ends. */
function rfLogSnr(t: number): number {
  if (t <= 0) return Infinity;
  if (t >= 1) return -Infinity;
  return 2 * (Math.log1p(-t) - Math.log(t));
}

/** SD3's shifted time t' = s·t/(1 + (s − 1)·t). */
export function sd3ShiftedT(t: number, shift = 3): number {
  return (shift * t) / (1 + (shift - 1) * t);
}

function checkT(t: number): void {
  if (!(t >= 0 && t <= 1)) throw new RangeError(`t must be in [0,1], got ${t}`);
}

/**
 * SD3's timestep shift s·t/(1 + (s − 1)·t) (sd3ShiftedT; diffusers' FlowMatchEulerDiscreteScheduler applies
 * it to its sigmas) for t ∈ [0,1] and s > 0. It fixes 0 and 1; 1 is returned exactly, which 1 + (s − 1) need
 * not be for every s.
 */
export function shiftTimestep(t: number, shift = 3): number {
  checkT(t);
  if (!(shift > 0 && shift < Infinity)) throw new RangeError(`the shift must be positive and finite, got ${shift}`);
  return t === 1 ? 1 : sd3ShiftedT(t, shift);
}

/** α, σ, λ and σ_EDM of a schedule at t ∈ [0,1]. */
export function scheduleAt(kind: ScheduleSpec, t: number, opts: ScheduleOptions = {}): SchedulePoint {
  checkT(t);
  if (typeof kind === 'function') {
    const logSnr = kind(t);
    return { ...vpFromLogSnr(logSnr), logSnr, sigmaEdm: sigmaEdmOfLogSnr(logSnr) };
  }
  if (isDiscrete(kind)) {
    const s = discreteOf(kind, opts);
    const i = stepOfT(t, s.steps);
    const ac = s.alphasCumprod[i];
    const logSnr = s.logSnr[i];
    // σ from the λ (= √sigmoid(−λ)) keeps 1 − ᾱ accurate where ᾱ ≈ 1.
    return { alpha: Math.sqrt(ac), sigma: vpFromLogSnr(logSnr).sigma, logSnr, sigmaEdm: sigmaEdmOfLogSnr(logSnr) };
  }
  switch (kind) {
    case 'edm': {
      const sigma = edmSigmaOfT(t, opts);
      return { alpha: 1, sigma, logSnr: -2 * Math.log(sigma), sigmaEdm: sigma };
    }
    case 'rectified-flow':
    case 'sd3': {
      const tt = kind === 'sd3' ? sd3ShiftedT(t, opts.shift ?? 3) : t;
      const logSnr = rfLogSnr(tt);
      return { alpha: 1 - tt, sigma: tt, logSnr, sigmaEdm: tt === 0 ? 0 : tt === 1 ? Infinity : tt / (1 - tt) };
    }
  }
}

/** λ(t) of a schedule. */
export function logSnrAt(kind: ScheduleSpec, t: number, opts: ScheduleOptions = {}): number {
  return scheduleAt(kind, t, opts).logSnr;
}

export type ScheduleCurve = {
  t: Float64Array;
  alpha: Float64Array;
  sigma: Float64Array;
  logSnr: Float64Array;
  sigmaEdm: Float64Array;
};

/** The schedule at n evenly spaced t from 0 to 1 inclusive, for charting (ends may hold ±∞ λ). */
export function scheduleCurve(kind: ScheduleSpec, n: number, opts: ScheduleOptions = {}): ScheduleCurve {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`n must be an integer ≥ 2, got ${n}`);
  const c: ScheduleCurve = {
    t: new Float64Array(n),
    alpha: new Float64Array(n),
    sigma: new Float64Array(n),
    logSnr: new Float64Array(n),
    sigmaEdm: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const t = i === n - 1 ? 1 : i / (n - 1);
    const p = scheduleAt(kind, t, opts);
    c.t[i] = t;
    c.alpha[i] = p.alpha;
    c.sigma[i] = p.sigma;
    c.logSnr[i] = p.logSnr;
    c.sigmaEdm[i] = p.sigmaEdm;
  }
  return c;
}

/**
 * The t at which a schedule reaches log-SNR λ (λ is non-increasing in t). Closed forms for rectified flow,
 * SD3 (t = sigmoid(−(λ + 2 ln s)/2)) and EDM; bisection for an editable λ(t) and for discrete schedules, which
 * are read between their step nodes through `discreteInterpolant`. λ outside the schedule's range gives the
 * nearer end (0 or 1 for the continuous kinds; t_0 = 1/N, or the last finite node, or 1 for discrete ones).
 */
export function tOfLogSnr(kind: ScheduleSpec, logSnr: number, opts: ScheduleOptions = {}): number {
  if (Number.isNaN(logSnr)) throw new RangeError('logSnr is NaN');
  if (typeof kind === 'function') {
    if (kind(0) <= logSnr) return 0;
    if (kind(1) >= logSnr) return 1;
    return bisectDecreasing(kind, logSnr, 0, 1);
  }
  if (isDiscrete(kind)) {
    const { nodes, finite } = discreteInterpolant(kind, opts);
    const t0 = nodes[0];
    const t1 = nodes[nodes.length - 1];
    if (logSnr >= finite.value(t0)) return t0;
    if (logSnr <= finite.value(t1)) return logSnr === -Infinity ? 1 : t1;
    return bisectDecreasing(finite.value, logSnr, t0, t1);
  }
  switch (kind) {
    case 'rectified-flow':
      return sigmoidHalf(logSnr);
    case 'sd3':
      return sigmoidHalf(logSnr + 2 * Math.log(opts.shift ?? 3));
    case 'edm': {
      const { sigmaMin, sigmaMax, rho } = edmParams(opts);
      const a = sigmaMax ** (1 / rho);
      const b = sigmaMin ** (1 / rho);
      const u = Math.exp(-logSnr / (2 * rho)); // σ^{1/ρ}
      return Math.min(1, Math.max(0, 1 - (u - a) / (b - a)));
    }
  }
}

/** 1/(1 + e^{λ/2}), the rectified-flow t of log-SNR λ. */
function sigmoidHalf(logSnr: number): number {
  if (logSnr === Infinity) return 0;
  if (logSnr === -Infinity) return 1;
  return logSnr >= 0 ? Math.exp(-logSnr / 2) / (1 + Math.exp(-logSnr / 2)) : 1 / (1 + Math.exp(logSnr / 2));
}

/** The t in [lo, hi] where a non-increasing f crosses `target` (60 halvings: to float64 resolution). */
function bisectDecreasing(f: (t: number) => number, target: number, lo: number, hi: number): number {
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const interpolantCache = new WeakMap<DiscreteSchedule, { nodes: Float64Array; finite: MonotoneCubic }>();

/**
 * A smooth continuous reading of a discrete schedule, for inverses only (scheduleAt stays discrete; the density
 * of λ uses the steps' own densities, densities.discreteStepDensities): the Fritsch–Carlson monotone cubic
 * through the nodes (t_i = (i+1)/N, λ_i) with finite λ_i (a zero-terminal-SNR schedule drops its last node).
 */
export function discreteInterpolant(kind: DiscreteScheduleKind, opts: ScheduleOptions = {}): { nodes: Float64Array; finite: MonotoneCubic } {
  const s = discreteOf(kind, opts);
  let r = interpolantCache.get(s);
  if (!r) {
    let count = s.steps;
    while (count > 0 && !Number.isFinite(s.logSnr[count - 1])) count--;
    const nodes = new Float64Array(count);
    for (let i = 0; i < count; i++) nodes[i] = (i + 1) / s.steps;
    r = { nodes, finite: monotoneCubic(nodes, s.logSnr.subarray(0, count)) };
    interpolantCache.set(s, r);
  }
  return r;
}
