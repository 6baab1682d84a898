// The named choices of diffusion, each list written once: what a network predicts, the schedules, the loss
// weightings and the samplers. The maths (samplers.ts, schedules.ts, weighting.ts) re-exports them; the URL
// state, the panel's selectors and the worker protocol take their types from here. No imports, so the app's
// first chunk can check a link's choices without loading the maths.

/** The three predictions of the variance-preserving literature (Min-SNR-γ has a divisor for each). */
export const PREDICTIONS = ['eps', 'x0', 'v'] as const;
export type Prediction = (typeof PREDICTIONS)[number];

/** What a network outputs: ε, x0, v = α·ε − σ·x0, or the flow velocity ε − x0 (samplers.fromPrediction). */
export const PARAMETERIZATIONS = [...PREDICTIONS, 'velocity'] as const;
export type Parameterization = (typeof PARAMETERIZATIONS)[number];

/** Schedules defined by diffusers-style steps (schedules.discreteOf); the rest are continuous in t. */
export const DISCRETE_SCHEDULE_KINDS = ['ddpm-linear', 'scaled-linear', 'cosine', 'cosine-zsnr'] as const;
export type DiscreteScheduleKind = (typeof DISCRETE_SCHEDULE_KINDS)[number];

export const SCHEDULE_KINDS = [...DISCRETE_SCHEDULE_KINDS, 'edm', 'rectified-flow', 'sd3'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

/** The loss weightings of weighting.weightingCurve. */
export const WEIGHTING_KINDS = ['eps-mse', 'x0-mse', 'v-mse', 'velocity-mse', 'min-snr', 'edm', 'sd3-logit-normal', 'vdmpp-sigmoid'] as const;
export type WeightingKind = (typeof WEIGHTING_KINDS)[number];

/** The sampler updates of samplers.sample: ancestral DDPM, DDIM (η = 0), the Euler step of the flow ODE. */
export const SAMPLER_KINDS = ['ddpm', 'ddim', 'euler'] as const;
export type SamplerKind = (typeof SAMPLER_KINDS)[number];

/** Where classifier-free guidance applies in a sample-quality measurement: at every noise level, only at middle noise (EDM2's interval), or nowhere (the conditional model alone). */
export const GUIDANCE_PLACEMENTS = ['everywhere', 'middle', 'nowhere'] as const;
export type GuidancePlacement = (typeof GUIDANCE_PLACEMENTS)[number];
