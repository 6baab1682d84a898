// The formulas the panels print beside their charts, each in TeX (typeset by KaTeX) and in plain text (shown until
// KaTeX has loaded, and the same words for copy and search). The definitions are docs/conventions.md's.

export interface FormulaText {
  tex: string;
  text: string;
}

export const FORMULAS = {
  // "Noise levels"
  noisy: { tex: 'x_t = \\alpha_t\\,x_0 + \\sigma_t\\,\\varepsilon', text: 'x_t = α_t·x₀ + σ_t·ε' },
  logSnr: { tex: '\\lambda = \\log(\\alpha^2/\\sigma^2)', text: 'λ = log(α²/σ²)' },
  // "Spectra and drowned frequencies"
  drowned: { tex: '\\text{ring } k \\text{ drowned when } \\alpha^2 P_{x_0}(k) < \\sigma^2 P_\\varepsilon(k)', text: 'ring k drowned when α²·P_x₀(k) < σ²·P_ε(k)' },
  // "Targets and ε-MSE units"
  targets: {
    tex: '\\varepsilon,\\allowbreak\\quad x_0,\\allowbreak\\quad {v = \\alpha\\,\\varepsilon - \\sigma\\,x_0},\\allowbreak\\quad {u = \\varepsilon - x_0}',
    text: 'ε, x₀, v = α·ε − σ·x₀, velocity u = ε − x₀',
  },
  targetUnits: {
    tex: '{c_\\varepsilon = 1},\\allowbreak\\quad {c_{x_0} = e^{-\\lambda}},\\allowbreak\\quad {c_v = 1 + e^{-\\lambda}},\\allowbreak\\quad {c_u = (1 + e^{-\\lambda/2})^2}',
    text: 'c: ε 1, x₀ e^−λ, v 1 + e^−λ, velocity (1 + e^−λ/2)²',
  },
  // "Loss weighting and the ELBO test"
  weighting: {
    tex: '\\int w(\\lambda)\\,\\mathbb{E}\\lVert\\hat\\varepsilon - \\varepsilon\\rVert^2\\,d\\lambda,\\qquad w = p\\cdot c\\cdot m',
    text: '∫ w(λ)·E‖ε̂ − ε‖² dλ, w = p·c·m',
  },
  minSnr: {
    tex: 'm = {\\min(\\mathrm{SNR}, \\gamma)\\,/\\,\\mathrm{SNR}\\ (\\varepsilon)},\\allowbreak\\ {/\\,(\\mathrm{SNR} + 1)\\ (v)},\\allowbreak\\ {/\\,1\\ (x_0)};\\allowbreak\\quad {\\mathrm{SNR} = e^{\\lambda}}',
    text: 'm = min(SNR, γ)/SNR (ε), /(SNR + 1) (v), /1 (x₀); SNR = e^λ',
  },
  // "PSNR and SSIM"
  psnr: { tex: '\\mathrm{PSNR} = 10\\log_{10}\\dfrac{1}{\\mathrm{MSE}}\\ \\text{dB}', text: 'PSNR = 10·log10(1/MSE) dB' },
  // "Rates"
  entropy: { tex: 'H = -\\sum_s p_s \\log_2 p_s\\ \\text{bits per value}', text: 'H = −Σ p_s·log2 p_s bits per value' },
  rate: {
    tex: '\\text{rate} = \\dfrac{n\\,H}{\\text{pixels}}\\ \\text{bits per pixel}\\quad(n \\text{ symbols of entropy } H)',
    text: 'rate = n·H / pixels bits per pixel (n symbols of entropy H)',
  },
} as const satisfies Record<string, FormulaText>;
