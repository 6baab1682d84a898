import { describe, expect, it } from 'vitest';
import { normalDensity } from '../../../../src/core/diffusion/densities';
import { discreteInterpolant, discreteOf, monotoneLogSnr, tOfLogSnr } from '../../../../src/core/diffusion/schedules';
import {
  WEIGHTING_KINDS,
  epsLossFactor,
  isCurveElboEquivalent,
  isElboEquivalent,
  minSnrEpsWeight,
  minSnrLossWeight,
  weightingCurve,
} from '../../../../src/core/diffusion/weighting';

const grid = (a: number, b: number, step: number) => Array.from({ length: Math.round((b - a) / step) + 1 }, (_, i) => a + i * step);
const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe('c(λ): each target’s squared error in ε-MSE units', () => {
  // Perturb ε̂ = ε + δ, derive every other prediction from x_t, and compare squared errors (tol 1e-12 relative).
  const x0 = 0.37, eps = -1.1, delta = 0.23;
  it('x0: e^{−λ}; VP v: 1 + e^{−λ}; velocity u = ε − x0: (1 + e^{−λ/2})² on any (α, σ)', () => {
    for (const [alpha, sigma, vp] of [[0.8, 0.6, true], [0.3, Math.sqrt(0.91), true], [0.75, 0.25, false], [1, 3, false]] as const) {
      const lambda = 2 * Math.log(alpha / sigma);
      const xt = alpha * x0 + sigma * eps;
      const epsHat = eps + delta;
      const x0Hat = (xt - sigma * epsHat) / alpha;
      expect(rel((x0Hat - x0) ** 2, epsLossFactor('x0', lambda) * delta ** 2)).toBeLessThan(1e-12);
      const uErr = epsHat - x0Hat - (eps - x0);
      expect(rel(uErr ** 2, epsLossFactor('velocity', lambda) * delta ** 2)).toBeLessThan(1e-12);
      if (vp) {
        const vErr = alpha * epsHat - sigma * x0Hat - (alpha * eps - sigma * x0);
        expect(rel(vErr ** 2, epsLossFactor('v', lambda) * delta ** 2)).toBeLessThan(1e-12);
      }
    }
  });

  it('EDM: λ(σ)·‖D − x0‖² = (1 + e^{−λ}/σ_d²)·ε-MSE with λ(σ) = (σ² + σ_d²)/(σ·σ_d)² (tol 1e-12)', () => {
    for (const sigma of [0.01, 0.5, 3, 80]) {
      const sd = 0.5;
      const dErr2 = (sigma * delta) ** 2; // D = x̂0 = x − σε̂ at α = 1
      const edmLoss = ((sigma ** 2 + sd ** 2) / (sigma * sd) ** 2) * dErr2;
      const cm = weightingCurve('edm', [-2 * Math.log(sigma)]).cm[0];
      expect(rel(edmLoss, cm * delta ** 2)).toBeLessThan(1e-12);
    }
  });
});

describe('Min-SNR-γ', () => {
  // Transcribed from huggingface/diffusers, examples/text_to_image/train_text_to_image.py (commit 58eb52c0):
  //   mse_loss_weights = torch.stack([snr, args.snr_gamma * torch.ones_like(timesteps)], dim=1).min(dim=1)[0]
  //   if noise_scheduler.config.prediction_type == "epsilon":
  //       mse_loss_weights = mse_loss_weights / snr
  //   elif noise_scheduler.config.prediction_type == "v_prediction":
  //       mse_loss_weights = mse_loss_weights / (snr + 1)
  const diffusers = (snr: number, gamma: number, type: 'epsilon' | 'v_prediction' | 'sample') => {
    let w = Math.min(snr, gamma);
    if (type === 'epsilon') w = w / snr;
    else if (type === 'v_prediction') w = w / (snr + 1);
    return w;
  };
  const typeOf = { eps: 'epsilon', v: 'v_prediction', x0: 'sample' } as const;

  it('matches diffusers’ loss weights for finite SNR > 0 (tol 1e-15)', () => {
    for (const p of ['eps', 'x0', 'v'] as const) {
      for (const snr of [1e-4, 0.3, 1, 4.99, 5, 5.01, 100, 1e6]) {
        expect(minSnrLossWeight(snr, 5, p)).toBeCloseTo(diffusers(snr, 5, typeOf[p]), 15);
      }
    }
  });

  it('has the limits: ε 1 and 0, x0 0 and γ, v 0 and 0 at SNR = 0 and ∞', () => {
    expect([minSnrLossWeight(0, 5, 'eps'), minSnrLossWeight(Infinity, 5, 'eps')]).toEqual([1, 0]);
    expect([minSnrLossWeight(0, 5, 'x0'), minSnrLossWeight(Infinity, 5, 'x0')]).toEqual([0, 5]);
    expect([minSnrLossWeight(0, 5, 'v'), minSnrLossWeight(Infinity, 5, 'v')]).toEqual([0, 0]);
  });

  it('in ε-MSE units every prediction type gets the same weight min(1, γ/SNR), ends included (tol 1e-12)', () => {
    for (const p of ['eps', 'x0', 'v'] as const) {
      for (const l of [-20, -3, 0, Math.log(5), 2, 15]) {
        expect(minSnrEpsWeight(l, 5, p)).toBeCloseTo(Math.min(1, 5 / Math.exp(l)), 12);
      }
      expect(minSnrEpsWeight(-Infinity, 5, p)).toBe(1);
      expect(minSnrEpsWeight(Infinity, 5, p)).toBe(0);
    }
  });
});

describe('effective weights w = p·c·m', () => {
  it('w = p·cm wherever p > 0, for every kind', () => {
    const ls = grid(-12, 12, 0.5);
    for (const kind of WEIGHTING_KINDS) {
      const c = weightingCurve(kind, ls, { schedule: 'ddpm-linear' });
      for (let i = 0; i < ls.length; i++) if (c.p[i] > 0) expect(c.w[i], kind).toBeCloseTo(c.p[i] * c.cm[i], 12);
    }
  });

  it('velocity-MSE with uniform t on rectified flow: w = ½·e^{−λ/2} exactly (p normalized per unit λ, tol 1e-12 relative)', () => {
    const ls = grid(-15, 15, 0.25);
    const c = weightingCurve('velocity-mse', ls, { schedule: 'rectified-flow' });
    for (let i = 0; i < ls.length; i++) expect(rel(c.w[i], 0.5 * Math.exp(-ls[i] / 2))).toBeLessThan(1e-12);
  });

  it('EDM: w = N(λ; 2.4, 2.4²)·(e^{−λ} + σ_d²)/σ_d² (tol 1e-12 relative)', () => {
    const ls = grid(-10, 15, 0.25);
    const c = weightingCurve('edm', ls);
    for (let i = 0; i < ls.length; i++) {
      expect(rel(c.w[i], normalDensity(ls[i], 2.4, 2.4) * (Math.exp(-ls[i]) + 0.25) / 0.25)).toBeLessThan(1e-12);
    }
  });

  it('v-MSE with uniform t on the (discrete) cosine schedule: w ≈ (1.008/π)·e^{−λ/2} on [−9, 4] (tol 1 %)', () => {
    // Continuous cosine ᾱ = cos²(π/2·(t + s)/(1 + s)) gives p = (1 + s)·e^{−λ/2}/(π(1 + e^{−λ})), s = 0.008.
    const ls = grid(-9, 4, 0.25);
    const c = weightingCurve('v-mse', ls, { schedule: 'cosine' });
    for (let i = 0; i < ls.length; i++) expect(rel(c.w[i], (1.008 / Math.PI) * Math.exp(-ls[i] / 2))).toBeLessThan(0.01);
  });
});

describe('the ELBO-equivalent badge (w non-increasing in λ)', () => {
  it('true for rectified-flow velocity-MSE (w = ½e^{−λ/2} falls everywhere)', () => {
    const ls = grid(-12, 12, 0.05);
    expect(isElboEquivalent(weightingCurve('velocity-mse', ls, { schedule: 'rectified-flow' }).w, ls)).toBe(true);
  });

  it('EDM: false on [−10, 10] — w rises up to λ ≈ −3.3 (where d/dλ[−(λ−2.4)²/11.52 + ln(e^{−λ} + ¼)] = 0), then falls; true on [0, 10]', () => {
    const ls = grid(-10, 10, 0.05);
    const c = weightingCurve('edm', ls);
    expect(isElboEquivalent(c.w, ls)).toBe(false);
    let peak = 0;
    for (let i = 1; i < ls.length; i++) if (c.w[i] > c.w[peak]) peak = i;
    expect(ls[peak]).toBeCloseTo(-3.3, 0);
    const right = grid(0, 10, 0.05);
    expect(isElboEquivalent(weightingCurve('edm', right).w, right)).toBe(true);
  });

  it('constant ε-MSE: false with uniform t on rectified flow (p = ⅛sech²(λ/4) rises for λ < 0)', () => {
    const ls = grid(-10, 10, 0.1);
    expect(isElboEquivalent(weightingCurve('eps-mse', ls, { schedule: 'rectified-flow' }).w, ls)).toBe(false);
  });

  it('constant ε-MSE: true with a uniform-λ density (straight λ(t) from 6 to −6: w = 1/12 on [−6, 6], 0 above — VDM’s ELBO)', () => {
    const straight = monotoneLogSnr([{ t: 0, logSnr: 6 }, { t: 1, logSnr: -6 }]);
    const ls = grid(-5.5, 9, 0.1);
    const c = weightingCurve('eps-mse', ls, { schedule: straight });
    expect(c.w[10]).toBeCloseTo(1 / 12, 9);
    expect(isElboEquivalent(c.w, ls)).toBe(true);
    // Below the trained range w is 0: the badge leaves those points out (they are the bound's untrained prior
    // term); the bare neighbour rule sees the jump from 0 to 1/12 as a rise.
    const wide = grid(-9.95, 9, 0.1);
    const cw = weightingCurve('eps-mse', wide, { schedule: straight });
    expect(isCurveElboEquivalent(cw)).toBe(true);
    expect(isElboEquivalent(cw.w, wide)).toBe(false);
  });

  it('v-MSE on the discrete cosine schedule: true on [−10, 9] and on [−14, 9] (the β cap thins the last steps, but c = 1 + e^{−λ} grows faster)', () => {
    const inner = grid(-10, 9, 0.05);
    expect(isCurveElboEquivalent(weightingCurve('v-mse', inner, { schedule: 'cosine' }))).toBe(true);
    // λ_998 ≈ −12.9 → λ_999 ≈ −19.8: the step density falls by ≈ 2.1× (the cell widens from 0.7 to 4.1 in λ) while
    // c grows by e^{6.9}, so the step-wise weight keeps falling with λ (the old cubic density made it dip there).
    const full = grid(-14, 9, 0.05);
    expect(isCurveElboEquivalent(weightingCurve('v-mse', full, { schedule: 'cosine' }))).toBe(true);
  });

  it('Min-SNR-5 (ε) with uniform t on rectified flow: false (c·m = 1 for λ < ln 5, so w = p rises there)', () => {
    const ls = grid(-10, 10, 0.1);
    expect(isElboEquivalent(weightingCurve('min-snr', ls, { schedule: 'rectified-flow' }).w, ls)).toBe(false);
  });

  it('SD3 logit-normal (shift 3): false on [−12, 12], rising below λ ≈ −6.2; true on [−6, 12]', () => {
    const ls = grid(-12, 12, 0.05);
    expect(isElboEquivalent(weightingCurve('sd3-logit-normal', ls).w, ls)).toBe(false);
    const right = grid(-6, 12, 0.05);
    expect(isElboEquivalent(weightingCurve('sd3-logit-normal', right).w, right)).toBe(true);
  });

  it('VDM++ sigmoid weighting: true (w = ½·sigmoid(2 − λ) is decreasing by construction)', () => {
    const ls = grid(-12, 12, 0.05);
    const c = weightingCurve('vdmpp-sigmoid', ls, { schedule: 'cosine' });
    expect(isElboEquivalent(c.w, ls)).toBe(true);
    expect(c.w[240]).toBeCloseTo(0.5 / (1 + Math.exp(-2)), 12); // λ = 0
  });

  it('decides from the curve: order-independent, tolerant to 1e-6 relative wiggles, false on NaN', () => {
    const ls = [0, 1, 2, 3];
    expect(isElboEquivalent([4, 3, 3, 1], ls)).toBe(true);
    expect(isElboEquivalent([1, 3, 3, 4], [3, 2, 1, 0])).toBe(true);
    expect(isElboEquivalent([4, 3, 3 + 1e-7, 1], ls)).toBe(true);
    expect(isElboEquivalent([4, 3, 3.01, 1], ls)).toBe(false);
    expect(isElboEquivalent([4, NaN, 3, 1], ls)).toBe(false);
    expect(isElboEquivalent([0, 0, 0, 0], ls)).toBe(true);
    expect(isElboEquivalent([0, 1, 1, 0], ls)).toBe(false);
    expect(() => isElboEquivalent([1], ls)).toThrow(RangeError);
    expect(() => isElboEquivalent([1, 1], [0, NaN])).toThrow(RangeError);
    // The badge leaves out λ below the first positive w, and has nothing to judge without one.
    expect(isCurveElboEquivalent({ w: [0, 0, 2, 1], lambda: ls })).toBe(true);
    expect(isCurveElboEquivalent({ w: [0, 0, 0, 0], lambda: ls })).toBe(false);
  });

  it('compares each point with its neighbour, relative to it: w[i+1] ≤ w[i]·(1 + tol), so a rise at the small end counts', () => {
    // Six decades of decrease, then a 2.5 % rise at the last point: 2.5e-8 above its neighbour, far below 1e-6 of
    // the curve's maximum (which a comparison against the maximum would let through), 2.5e-2 relative to it.
    const ls = [0, 1, 2, 3, 4, 5, 6, 7];
    const w = [1, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1.025e-6];
    expect(isElboEquivalent(w, ls)).toBe(false);
    expect(isElboEquivalent(w.slice(0, 7), ls.slice(0, 7))).toBe(true);
    // At the tolerance exactly: passes; just above it: fails (default tol 1e-6, and a custom one).
    expect(isElboEquivalent([1e-6, 1e-6 * (1 + 1e-6)], [0, 1])).toBe(true);
    expect(isElboEquivalent([1e-6, 1e-6 * (1 + 2e-6)], [0, 1])).toBe(false);
    expect(isElboEquivalent([1e-6, 1.025e-6], [0, 1], 0.03)).toBe(true);
  });
});

describe('ELBO badge on discrete schedules: the step-wise weighting decides', () => {
  // The panel's grid: 161 points on [−10, 10] (step 0.125).
  const panel = grid(-10, 10, 0.125);
  const kinds = ['ddpm-linear', 'scaled-linear', 'cosine', 'cosine-zsnr'] as const;
  const targets = { 'eps-mse': 'eps', 'x0-mse': 'x0', 'v-mse': 'v', 'velocity-mse': 'velocity' } as const;
  /** W_i = p_i·c(λ_i) with step i's density p_i = 2/(N·(λ_{i−1} − λ_{i+1})) (one-sided at the ends), in ascending λ. */
  const stepWise = (kind: (typeof kinds)[number], target: 'eps' | 'x0' | 'v' | 'velocity', lo: number, hi: number) => {
    const { logSnr: l, steps: n } = discreteOf(kind);
    const last = Number.isFinite(l[n - 1]) ? n - 1 : n - 2;
    const w: number[] = [];
    const ls: number[] = [];
    for (let i = last; i >= 0; i--) {
      if (l[i] < lo || l[i] > hi) continue;
      const width = i === 0 ? l[0] - l[1] : i === last ? l[last - 1] - l[last] : (l[i - 1] - l[i + 1]) / 2;
      w.push(epsLossFactor(target, l[i]) / (n * width));
      ls.push(l[i]);
    }
    return { w, ls };
  };

  it('v- and velocity-MSE (and x0-MSE) are ELBO-equivalent on every discrete schedule, as their step-wise weights are monotone', () => {
    for (const kind of kinds) {
      for (const name of ['x0-mse', 'v-mse', 'velocity-mse'] as const) {
        const steps = stepWise(kind, targets[name], -10, 10);
        expect(isElboEquivalent(steps.w, steps.ls), `${kind} ${name} step-wise`).toBe(true);
        expect(isCurveElboEquivalent(weightingCurve(name, panel, { schedule: kind })), `${kind} ${name} badge`).toBe(true);
      }
    }
  });

  it('ε-MSE is not, on any of them: its step-wise weight (the density itself) rises with λ at the noisy end', () => {
    for (const kind of kinds) {
      const steps = stepWise(kind, 'eps', -10, 10);
      expect(isElboEquivalent(steps.w, steps.ls), kind).toBe(false);
      expect(isCurveElboEquivalent(weightingCurve('eps-mse', panel, { schedule: kind })), kind).toBe(false);
    }
  });

  it('the curve’s w at each step’s λ is the step-wise weight (tol 1e-12 relative)', () => {
    for (const kind of kinds) {
      const steps = stepWise(kind, 'v', -10, 10);
      const c = weightingCurve('v-mse', steps.ls, { schedule: kind });
      for (let i = 0; i < steps.ls.length; i += 37) expect(rel(c.w[i], steps.w[i]), `${kind} ${i}`).toBeLessThan(1e-12);
    }
  });

  it('linear v-MSE near λ_0 = 9.21: the cubic density rose 2.5 % from λ = 9 to 9.125 (the global-maximum test hid it); the step densities do not', () => {
    // The previous density, 1/|dλ/dt| of the monotone cubic through (t_i, λ_i) with the end secant as end slope.
    const { nodes, finite } = discreteInterpolant('ddpm-linear');
    const oldW = (l: number) => epsLossFactor('v', l) / Math.abs(finite.slope(tOfLogSnr('ddpm-linear', l)));
    expect(nodes.length).toBe(1000);
    const [a, b] = [oldW(9), oldW(9.125)];
    expect(b / a - 1).toBeCloseTo(0.0249, 3);
    expect(isElboEquivalent([a, b], [9, 9.125])).toBe(false);
    const c = weightingCurve('v-mse', [9, 9.125], { schedule: 'ddpm-linear' });
    expect(c.w[1]).toBeLessThan(c.w[0]);
    expect(isCurveElboEquivalent(weightingCurve('v-mse', panel, { schedule: 'ddpm-linear' }))).toBe(true);
  });
});
