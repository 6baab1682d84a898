// Discrete DDPM noise schedules, transcribed from diffusers (huggingface/diffusers,
// src/diffusers/schedulers/scheduling_ddpm.py: `DDPMScheduler.__init__`, `betas_for_alpha_bar`,
// `rescale_zero_terminal_snr`). diffusers computes in float32 (torch.float32); we compute in float64, so values
// agree with diffusers to float32 precision (~1e-7 relative) and with the defining formulas to ~1e-15.

/** diffusers' `beta_schedule` names. */
export const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const;
export type BetaSchedule = (typeof BETA_SCHEDULES)[number];

export type BetaOptions = {
  /** diffusers `beta_start` (default 1e-4, diffusers' default for every kind; Stable Diffusion uses 0.00085). */
  betaStart?: number;
  /** diffusers `beta_end` (default 0.02; Stable Diffusion uses 0.012). */
  betaEnd?: number;
  /** `betas_for_alpha_bar`'s `max_beta` for squaredcos_cap_v2 (default 0.999). */
  maxBeta?: number;
};

/** numpy/torch-style linspace: start + i·(end − start)/(n − 1), last value exactly `end`. */
function linspace(start: number, end: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  const step = (end - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  out[n - 1] = end;
  return out;
}

/** Nichol & Dhariwal's ᾱ(u) = cos²((u + 0.008)/1.008 · π/2) (diffusers `alpha_bar_fn`, "cosine"). */
function cosineAlphaBar(u: number): number {
  return Math.cos(((u + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
}

/**
 * β_0 … β_{N−1} as diffusers' `DDPMScheduler` builds them:
 * - linear: linspace(β_start, β_end, N)
 * - scaled_linear: linspace(√β_start, √β_end, N)²
 * - squaredcos_cap_v2: β_i = min(1 − ᾱ((i+1)/N)/ᾱ(i/N), max_beta)
 */
export function ddpmBetas(kind: BetaSchedule, steps = 1000, opts: BetaOptions = {}): Float64Array {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be an integer ≥ 1, got ${steps}`);
  const betaStart = opts.betaStart ?? 1e-4;
  const betaEnd = opts.betaEnd ?? 0.02;
  switch (kind) {
    case 'linear':
      return linspace(betaStart, betaEnd, steps);
    case 'scaled_linear': {
      const b = linspace(Math.sqrt(betaStart), Math.sqrt(betaEnd), steps);
      for (let i = 0; i < steps; i++) b[i] = b[i] * b[i];
      return b;
    }
    case 'squaredcos_cap_v2': {
      const maxBeta = opts.maxBeta ?? 0.999;
      const b = new Float64Array(steps);
      for (let i = 0; i < steps; i++) {
        b[i] = Math.min(1 - cosineAlphaBar((i + 1) / steps) / cosineAlphaBar(i / steps), maxBeta);
      }
      return b;
    }
  }
}

/** ᾱ_i = ∏_{j≤i} (1 − β_j) (diffusers `alphas_cumprod = torch.cumprod(1 − betas)`). */
export function alphasCumprod(betas: ArrayLike<number>): Float64Array {
  const out = new Float64Array(betas.length);
  let p = 1;
  for (let i = 0; i < betas.length; i++) {
    p *= 1 - betas[i];
    out[i] = p;
  }
  return out;
}

/**
 * Zero terminal SNR (Lin et al. 2023, Algorithm 1; diffusers `rescale_zero_terminal_snr`): on s = √ᾱ,
 * s ← (s − s_last)·s_0/(s_0 − s_last), ᾱ ← s². The first ᾱ is kept, the last becomes exactly 0.
 * diffusers takes and returns betas; this takes and returns ᾱ (use `betasFromAlphasCumprod` for betas).
 */
export function rescaleZeroTerminalSnr(alphasCumprodIn: ArrayLike<number>): Float64Array {
  const n = alphasCumprodIn.length;
  const s0 = Math.sqrt(alphasCumprodIn[0]);
  const sT = Math.sqrt(alphasCumprodIn[n - 1]);
  const scale = s0 / (s0 - sT);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = (Math.sqrt(alphasCumprodIn[i]) - sT) * scale;
    out[i] = s * s;
  }
  return out;
}

/** β_i = 1 − ᾱ_i/ᾱ_{i−1} (β_0 = 1 − ᾱ_0), the inverse of `alphasCumprod` ("Revert cumprod" in diffusers). */
export function betasFromAlphasCumprod(ac: ArrayLike<number>): Float64Array {
  const out = new Float64Array(ac.length);
  for (let i = 0; i < ac.length; i++) out[i] = 1 - (i === 0 ? ac[0] : ac[i] / ac[i - 1]);
  return out;
}

export type DiscreteSchedule = {
  steps: number;
  /** ᾱ_i. */
  alphasCumprod: Float64Array;
  /** λ_i = log(ᾱ_i/(1 − ᾱ_i)), strictly decreasing; −∞ where ᾱ_i = 0 (zero terminal SNR). */
  logSnr: Float64Array;
};

/**
 * The ᾱ and λ of a discrete schedule. λ is computed from log ᾱ = Σ log1p(−β) and 1 − ᾱ = −expm1(log ᾱ),
 * so it stays accurate where ᾱ ≈ 1 (step 0 of the linear schedule has 1 − ᾱ = 1e-4).
 */
export function discreteSchedule(kind: BetaSchedule, steps: number, opts: BetaOptions, zeroTerminalSnr: boolean): DiscreteSchedule {
  // One step has no t grid to read between (and no first and last for zero terminal SNR to tell apart).
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`steps must be an integer ≥ 2, got ${steps}`);
  const betas = ddpmBetas(kind, steps, opts);
  const logSnr = new Float64Array(steps);
  let ac: Float64Array;
  if (zeroTerminalSnr) {
    ac = rescaleZeroTerminalSnr(alphasCumprod(betas));
    for (let i = 0; i < steps; i++) logSnr[i] = ac[i] === 0 ? -Infinity : Math.log(ac[i]) - Math.log1p(-ac[i]);
  } else {
    ac = alphasCumprod(betas);
    let logAc = 0;
    for (let i = 0; i < steps; i++) {
      logAc += Math.log1p(-betas[i]);
      logSnr[i] = logAc - Math.log(-Math.expm1(logAc));
    }
  }
  return { steps, alphasCumprod: ac, logSnr };
}
