import { describe, expect, it } from 'vitest';
import {
  alphasCumprod,
  BETA_SCHEDULES,
  betasFromAlphasCumprod,
  ddpmBetas,
  discreteSchedule,
  rescaleZeroTerminalSnr,
} from '../../../../src/core/diffusion/discrete';

// Reference implementation, transcribed line by line (in float64, with plain loops in place of torch) from
// huggingface/diffusers, src/diffusers/schedulers/scheduling_ddpm.py (commit 58eb52c0):
//
//   elif beta_schedule == "linear":
//       self.betas = torch.linspace(beta_start, beta_end, num_train_timesteps, dtype=torch.float32)
//   elif beta_schedule == "scaled_linear":
//       self.betas = (torch.linspace(beta_start**0.5, beta_end**0.5, num_train_timesteps, dtype=torch.float32) ** 2)
//   elif beta_schedule == "squaredcos_cap_v2":
//       self.betas = betas_for_alpha_bar(num_train_timesteps)
//   ...
//   self.alphas = 1.0 - self.betas
//   self.alphas_cumprod = torch.cumprod(self.alphas, dim=0)
//
// betas_for_alpha_bar(num_diffusion_timesteps, max_beta=0.999, alpha_transform_type="cosine"):
//       def alpha_bar_fn(t):
//           return math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
//   betas = []
//   for i in range(num_diffusion_timesteps):
//       t1 = i / num_diffusion_timesteps
//       t2 = (i + 1) / num_diffusion_timesteps
//       betas.append(min(1 - alpha_bar_fn(t2) / alpha_bar_fn(t1), max_beta))
//
// rescale_zero_terminal_snr(betas):
//   alphas = 1.0 - betas
//   alphas_cumprod = torch.cumprod(alphas, dim=0)
//   alphas_bar_sqrt = alphas_cumprod.sqrt()
//   alphas_bar_sqrt_0 = alphas_bar_sqrt[0].clone()
//   alphas_bar_sqrt_T = alphas_bar_sqrt[-1].clone()
//   alphas_bar_sqrt -= alphas_bar_sqrt_T
//   alphas_bar_sqrt *= alphas_bar_sqrt_0 / (alphas_bar_sqrt_0 - alphas_bar_sqrt_T)
//   alphas_bar = alphas_bar_sqrt**2  # Revert sqrt
//   alphas = alphas_bar[1:] / alphas_bar[:-1]  # Revert cumprod
//   alphas = torch.cat([alphas_bar[0:1], alphas])
//   betas = 1 - alphas
const ref = {
  linspace(a: number, b: number, n: number): number[] {
    const step = (b - a) / (n - 1);
    return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a + i * step));
  },
  alphaBarFn: (t: number) => Math.cos(((t + 0.008) / 1.008) * Math.PI / 2) ** 2,
  betasForAlphaBar(n: number, maxBeta = 0.999): number[] {
    const betas: number[] = [];
    for (let i = 0; i < n; i++) betas.push(Math.min(1 - ref.alphaBarFn((i + 1) / n) / ref.alphaBarFn(i / n), maxBeta));
    return betas;
  },
  cumprod(alphas: number[]): number[] {
    const out: number[] = [];
    let p = 1;
    for (const a of alphas) out.push((p *= a));
    return out;
  },
  rescaleZeroTerminalSnr(betas: number[]): number[] {
    const sqrtAc = ref.cumprod(betas.map((b) => 1 - b)).map(Math.sqrt);
    const s0 = sqrtAc[0];
    const sT = sqrtAc[sqrtAc.length - 1];
    const ab = sqrtAc.map((s) => ((s - sT) * s0) / (s0 - sT)).map((s) => s ** 2);
    const alphas = [ab[0], ...ab.slice(1).map((a, i) => a / ab[i])];
    return alphas.map((a) => 1 - a);
  },
};

const N = 1000;
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('DDPM betas and ᾱ match the diffusers reference transcription (float64, tol 1e-15 absolute)', () => {
  it('linear betas are linspace(1e-4, 0.02, 1000) and ᾱ their cumulative product', () => {
    const b = ddpmBetas('linear', N);
    expect(maxAbsDiff(b, ref.linspace(1e-4, 0.02, N))).toBeLessThan(1e-15);
    expect(maxAbsDiff(alphasCumprod(b), ref.cumprod(ref.linspace(1e-4, 0.02, N).map((x) => 1 - x)))).toBeLessThan(1e-15);
  });

  it('scaled_linear betas are linspace(√0.00085, √0.012, 1000)² (Stable Diffusion)', () => {
    const b = ddpmBetas('scaled_linear', N, { betaStart: 0.00085, betaEnd: 0.012 });
    const r = ref.linspace(Math.sqrt(0.00085), Math.sqrt(0.012), N).map((x) => x * x);
    expect(maxAbsDiff(b, r)).toBeLessThan(1e-15);
  });

  it('squaredcos_cap_v2 betas equal betas_for_alpha_bar', () => {
    expect(maxAbsDiff(ddpmBetas('squaredcos_cap_v2', N), ref.betasForAlphaBar(N))).toBeLessThan(1e-15);
  });

  it('zero-terminal-SNR rescaling equals rescale_zero_terminal_snr (compared as betas, tol 1e-12)', () => {
    for (const kind of BETA_SCHEDULES) {
      const opts = kind === 'scaled_linear' ? { betaStart: 0.00085, betaEnd: 0.012 } : {};
      const betas = ddpmBetas(kind, N, opts);
      const ours = betasFromAlphasCumprod(rescaleZeroTerminalSnr(alphasCumprod(betas)));
      expect(maxAbsDiff(ours, ref.rescaleZeroTerminalSnr(Array.from(betas)))).toBeLessThan(1e-12);
    }
  });
});

describe('step counts', () => {
  it('betas take one step (linspace of one value is its start); a schedule needs two, and whole numbers', () => {
    expect(Array.from(ddpmBetas('linear', 1))).toEqual([1e-4]);
    expect(() => ddpmBetas('linear', 0)).toThrow(RangeError);
    expect(() => ddpmBetas('linear', 2.5)).toThrow(RangeError);
    expect(() => discreteSchedule('linear', 1, {}, false)).toThrow(RangeError);
    expect(discreteSchedule('linear', 2, {}, true).logSnr[1]).toBe(-Infinity);
  });
});

describe('published values of the discrete schedules', () => {
  // Lin et al. 2023 ("Common Diffusion Noise Schedules and Sample Steps are Flawed", Table 1) list the terminal
  // √ᾱ_T and SNR(T) of Stable Diffusion (0.068265, 0.004682) and of DDPM's linear schedule (0.006353, 0.000040).
  it('Stable Diffusion scaled_linear: √ᾱ_999 = 0.068265 and SNR_999 = 0.004682 (to the 6 printed decimals)', () => {
    const ac = alphasCumprod(ddpmBetas('scaled_linear', N, { betaStart: 0.00085, betaEnd: 0.012 }));
    expect(Math.sqrt(ac[N - 1])).toBeCloseTo(0.068265, 6);
    expect(ac[N - 1] / (1 - ac[N - 1])).toBeCloseTo(0.004682, 6);
    expect(ac[N - 1]).toBeCloseTo(0.00466, 5);
  });

  it('DDPM linear: √ᾱ_999 = 0.006353, ᾱ_999 ≈ 4.04e-5 (within 0.5 %)', () => {
    const ac = alphasCumprod(ddpmBetas('linear', N));
    expect(Math.sqrt(ac[N - 1])).toBeCloseTo(0.006353, 6);
    expect(Math.abs(ac[N - 1] / 4.04e-5 - 1)).toBeLessThan(0.005);
    expect(ac[0]).toBeCloseTo(0.9999, 15);
  });

  it('cosine: only the last beta hits the 0.999 cap (ᾱ(1) = 0 would give β = 1)', () => {
    const b = ddpmBetas('squaredcos_cap_v2', N);
    expect(b[N - 1]).toBe(0.999);
    expect(b.filter((x) => x === 0.999).length).toBe(1);
    expect(b[N - 2]).toBeLessThan(0.999);
    expect(ddpmBetas('squaredcos_cap_v2', N, { maxBeta: 0.5 })[N - 1]).toBe(0.5);
  });
});

describe('zero terminal SNR', () => {
  it('makes the last ᾱ exactly 0, keeps the first exactly, and keeps ᾱ strictly decreasing', () => {
    for (const kind of BETA_SCHEDULES) {
      const ac = alphasCumprod(ddpmBetas(kind, N));
      const z = rescaleZeroTerminalSnr(ac);
      expect(z[N - 1]).toBe(0);
      expect(Math.abs(z[0] - ac[0])).toBeLessThan(1e-15);
      for (let i = 1; i < N; i++) expect(z[i]).toBeLessThan(z[i - 1]);
    }
  });

  it('round-trips through betas: cumprod(1 − β) gives back ᾱ (tol 1e-14), the last β is 1', () => {
    const z = rescaleZeroTerminalSnr(alphasCumprod(ddpmBetas('scaled_linear', N, { betaStart: 0.00085, betaEnd: 0.012 })));
    const b = betasFromAlphasCumprod(z);
    expect(b[N - 1]).toBe(1);
    expect(maxAbsDiff(alphasCumprod(b), z)).toBeLessThan(1e-14);
  });
});
