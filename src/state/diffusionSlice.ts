import type { StateCreator } from 'zustand';
import {
  PARAMETERIZATIONS, SAMPLER_KINDS, SCHEDULE_KINDS, WEIGHTING_KINDS, type Parameterization, type SamplerKind, type WeightingKind,
} from '../core/diffusion/kinds';
import { custom, int, linkDefaults, oneOf, real, roundTo, type LinkSlice } from './codec';
import type { Store } from './store';

/** The named schedules and the user-edited one. */
export const DIFFUSION_SCHEDULES = [...SCHEDULE_KINDS, 'custom'] as const;
export type DiffusionSchedule = (typeof DIFFUSION_SCHEDULES)[number];
export type Target = Parameterization;
export type Weighting = WeightingKind;

export interface ControlPoint { t: number; logSnr: number }

/** The panel's denoisers: the digit U-Net (default), the digit MLP, the natural-patch Mixer. */
export const DENOISER_MODELS = ['digits-unet', 'digits', 'patches'] as const;
export type DenoiserModel = (typeof DENOISER_MODELS)[number];
export type Sampler = SamplerKind;
/** The digit model's null class (classifier-free guidance's unconditional branch). */
export const NULL_CLASS = 10;
/** x̂0 of a held-out digit conditioned on its own label. */
export const OWN_LABEL = -1;
/** Guidance-interval ends, on σ_EDM = σ/α: the slider's ends mean "no bound" (0 and ∞). */
export const GUIDANCE_SIGMA_RANGE: readonly [number, number] = [0.002, 100];
/** Min-SNR's γ: the link's range and the sliders'. */
export const MIN_SNR_GAMMA_RANGE: readonly [number, number] = [1, 20];

export interface DiffusionView {
  /** Diffusion time t ∈ [0,1], kept to 1/1000 (one step of a 1000-step schedule). */
  t: number;
  schedule: DiffusionSchedule;
  /** SD3 timestep shift s ≥ 1. */
  shift: number;
  seed: number;
  target: Target;
  weighting: Weighting;
  /** Min-SNR γ. */
  gamma: number;
  /** The user-edited λ(t) for the 'custom' schedule. */
  points: ControlPoint[];
  /** The denoiser: 28×28 class-conditional digits (U-Net or MLP) or unconditional 32×32 natural-image patches. */
  denoiser: DenoiserModel;
  /** x̂0 of held-out digit number `heldout`, conditioned on class `predictLabel` (OWN_LABEL: its own; NULL_CLASS: none). */
  heldout: number;
  predictLabel: number;
  sampler: Sampler;
  sampleSteps: number;
  sampleSeed: number;
  sampleCount: number;
  /** The class to sample (0–9, or NULL_CLASS for unconditional). */
  sampleLabel: number;
  /** Classifier-free guidance scale w (1 = the conditional model alone, 0 = the unconditional one). */
  guidance: number;
  /** Guidance applies for σ_EDM in [guidanceLo, guidanceHi]; the ends of GUIDANCE_SIGMA_RANGE mean unbounded. */
  guidanceLo: number;
  guidanceHi: number;
}

export interface DiffusionSlice {
  diffusion: DiffusionView;
  setDiffusion(patch: Partial<DiffusionView>): void;
}

export const DEFAULT_POINTS: ControlPoint[] = [
  { t: 0, logSnr: 10 }, { t: 0.25, logSnr: 4 }, { t: 0.5, logSnr: 0 }, { t: 0.75, logSnr: -4 }, { t: 1, logSnr: -10 },
];

export const SAMPLE_COUNTS = [1, 4, 9, 16] as const;
const HELDOUT_MAX = 9999;

const LOGSNR_LIMIT = 20;
/** Most control points a link's custom schedule holds. */
const MAX_POINTS = 12;

/** The custom schedule's λ(t) as `t:λ` pairs joined by '_'; read back sorted by t. */
const controlPoints = custom<ControlPoint[]>((points) => points.map((p) => `${roundTo(p.t, 3)}:${roundTo(p.logSnr, 2)}`).join('_'), (raw, _key, fallback) => {
  const pairs = raw.split('_');
  const pts = pairs.slice(0, MAX_POINTS).map((pair) => {
    const [t, l] = pair.split(':').map(Number);
    return { t, logSnr: l };
  });
  const ok = pts.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.logSnr) && p.t >= 0 && p.t <= 1);
  if (ok.length < 2) return { value: fallback, problem: 'The custom schedule in the link is unreadable; using the default one.' };
  // Read at the precision the link writes (t to 3 decimals, λ to 2), so that the view read is the view written.
  const value = ok.map((p) => ({ t: roundTo(p.t, 3), logSnr: roundTo(Math.max(-LOGSNR_LIMIT, Math.min(LOGSNR_LIMIT, p.logSnr)), 2) })).sort((a, b) => a.t - b.t);
  if (pairs.length > MAX_POINTS) return { value, problem: `The custom schedule in the link has ${pairs.length} points; only the first ${MAX_POINTS} were kept.` };
  if (ok.length !== pts.length) return { value, problem: 'Some custom schedule points in the link were invalid and were dropped.' };
  return { value };
});

/** Each end of the guidance interval, on σ_EDM within GUIDANCE_SIGMA_RANGE. */
const sigma = real(GUIDANCE_SIGMA_RANGE[0], GUIDANCE_SIGMA_RANGE[1], 4);

export const diffusionLink: LinkSlice<DiffusionView> = {
  fields: {
    t: { key: 't', codec: real(0, 1, 3, { fixed: true }), default: 0.5 },
    schedule: { key: 'sched', codec: oneOf(DIFFUSION_SCHEDULES), default: 'cosine' },
    shift: { key: 'shift', codec: real(1, 10, 2, { fixed: true }), default: 3 },
    seed: { key: 'dseed', codec: int(0, 2 ** 31 - 1), default: 0 },
    target: { key: 'target', codec: oneOf(PARAMETERIZATIONS), default: 'eps' },
    weighting: { key: 'weight', codec: oneOf(WEIGHTING_KINDS), default: 'min-snr' },
    gamma: { key: 'gamma', codec: int(...MIN_SNR_GAMMA_RANGE), default: 5 },
    points: { key: 'pts', codec: controlPoints, default: DEFAULT_POINTS, when: (v) => v.schedule === 'custom' },
    denoiser: { key: 'dnmodel', codec: oneOf(DENOISER_MODELS), default: 'digits-unet' },
    heldout: { key: 'dnheld', codec: int(0, HELDOUT_MAX), default: 0 },
    predictLabel: { key: 'dnlabel', codec: int(OWN_LABEL, NULL_CLASS), default: OWN_LABEL },
    sampler: { key: 'dnsampler', codec: oneOf(SAMPLER_KINDS), default: 'ddim' },
    sampleSteps: { key: 'dnsteps', codec: int(1, 1000), default: 20 },
    sampleSeed: { key: 'dnseed', codec: int(0, 2 ** 31 - 1), default: 0 },
    sampleCount: { key: 'dncount', codec: oneOf<number>(SAMPLE_COUNTS), default: 9 },
    sampleLabel: { key: 'dnclass', codec: int(0, NULL_CLASS), default: 3 },
    guidance: { key: 'dnguide', codec: real(0, 8, 1, { fixed: true }), default: 2 },
    guidanceLo: { key: 'dnglo', codec: sigma, default: GUIDANCE_SIGMA_RANGE[0] },
    guidanceHi: { key: 'dnghi', codec: sigma, default: GUIDANCE_SIGMA_RANGE[1] },
  },
  /** Swapped ends of the guidance interval are put back in order. */
  check(view) {
    const { guidanceLo: lo, guidanceHi: hi } = view;
    if (lo <= hi) return { value: view };
    return {
      value: { ...view, guidanceLo: hi, guidanceHi: lo },
      problem: `The guidance interval in the link runs backwards (σ from ${lo} to ${hi}); using it from ${hi} to ${lo}.`,
    };
  },
};

export const diffusionDefaults: DiffusionView = linkDefaults(diffusionLink);

export const createDiffusionSlice: StateCreator<Store, [], [], DiffusionSlice> = (set) => ({
  diffusion: { ...diffusionDefaults },
  setDiffusion: (patch) => set((s) => ({ diffusion: { ...s.diffusion, ...patch } })),
});
