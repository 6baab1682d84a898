import type { StateCreator } from 'zustand';
import {
  PARAMETERIZATIONS, SAMPLER_KINDS, SCHEDULE_KINDS, WEIGHTING_KINDS, type Parameterization, type SamplerKind, type WeightingKind,
} from '../core/diffusion/kinds';
import { readChoice, readInt, readNumber, type UrlCodec } from './codec';
import type { Store } from './store';

/** The named schedules and the user-edited one. */
export const DIFFUSION_SCHEDULES = [...SCHEDULE_KINDS, 'custom'] as const;
export type DiffusionSchedule = (typeof DIFFUSION_SCHEDULES)[number];
export type Target = Parameterization;
export type Weighting = WeightingKind;

export interface ControlPoint { t: number; logSnr: number }

export const DENOISER_MODELS = ['digits', 'patches'] as const;
export type DenoiserModel = (typeof DENOISER_MODELS)[number];
export type Sampler = SamplerKind;
/** The digit model's null class (classifier-free guidance's unconditional branch). */
export const NULL_CLASS = 10;
/** x̂0 of a held-out digit conditioned on its own label. */
export const OWN_LABEL = -1;
/** Guidance-interval ends, on σ_EDM = σ/α: the slider's ends mean "no bound" (0 and ∞). */
export const GUIDANCE_SIGMA_RANGE: readonly [number, number] = [0.002, 100];

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
  /** The denoiser: 28×28 class-conditional digits or unconditional 32×32 natural-image patches. */
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

export const diffusionDefaults: DiffusionView = {
  t: 0.5, schedule: 'cosine', shift: 3, seed: 0, target: 'eps', weighting: 'min-snr', gamma: 5, points: DEFAULT_POINTS,
  denoiser: 'digits', heldout: 0, predictLabel: OWN_LABEL, sampler: 'ddim', sampleSteps: 20, sampleSeed: 0, sampleCount: 9,
  sampleLabel: 3, guidance: 2, guidanceLo: GUIDANCE_SIGMA_RANGE[0], guidanceHi: GUIDANCE_SIGMA_RANGE[1],
};

export const SAMPLE_COUNTS = [1, 4, 9, 16] as const;
const HELDOUT_MAX = 9999;

const LOGSNR_LIMIT = 20;

function readPoints(raw: string | null, problems: string[]): ControlPoint[] {
  if (raw === null) return DEFAULT_POINTS;
  const pts = raw.split('_').slice(0, 12).map((pair) => {
    const [t, l] = pair.split(':').map(Number);
    return { t, logSnr: l };
  });
  const ok = pts.filter((p) => Number.isFinite(p.t) && Number.isFinite(p.logSnr) && p.t >= 0 && p.t <= 1);
  if (ok.length < 2) {
    problems.push('The custom schedule in the link is unreadable; using the default one.');
    return DEFAULT_POINTS;
  }
  if (ok.length !== pts.length) problems.push('Some custom schedule points in the link were invalid and were dropped.');
  return ok.map((p) => ({ t: p.t, logSnr: Math.max(-LOGSNR_LIMIT, Math.min(LOGSNR_LIMIT, p.logSnr)) })).sort((a, b) => a.t - b.t);
}

/** The guidance interval, each end on σ_EDM within GUIDANCE_SIGMA_RANGE; swapped ends are put back in order. */
function readInterval(params: URLSearchParams, problems: string[]): { guidanceLo: number; guidanceHi: number } {
  const [min, max] = GUIDANCE_SIGMA_RANGE;
  const lo = readNumber(params, 'dnglo', min, max, diffusionDefaults.guidanceLo, problems, 4);
  const hi = readNumber(params, 'dnghi', min, max, diffusionDefaults.guidanceHi, problems, 4);
  if (lo <= hi) return { guidanceLo: lo, guidanceHi: hi };
  problems.push(`The guidance interval in the link runs backwards (σ from ${lo} to ${hi}); using it from ${hi} to ${lo}.`);
  return { guidanceLo: hi, guidanceHi: lo };
}

export const diffusionCodec: UrlCodec<DiffusionView> = {
  encode(s) {
    const out: Record<string, string> = {
      t: s.t.toFixed(3), sched: s.schedule, shift: s.shift.toFixed(2), dseed: String(s.seed), target: s.target, weight: s.weighting, gamma: String(s.gamma),
    };
    Object.assign(out, {
      dnmodel: s.denoiser, dnheld: String(s.heldout), dnlabel: String(s.predictLabel), dnsampler: s.sampler, dnsteps: String(s.sampleSteps),
      dnseed: String(s.sampleSeed), dncount: String(s.sampleCount), dnclass: String(s.sampleLabel), dnguide: s.guidance.toFixed(1),
      dnglo: String(s.guidanceLo), dnghi: String(s.guidanceHi),
    });
    if (s.schedule === 'custom') out.pts = s.points.map((p) => `${+p.t.toFixed(3)}:${+p.logSnr.toFixed(2)}`).join('_');
    return out;
  },
  decode(params) {
    const problems: string[] = [];
    return {
      value: {
        t: readNumber(params, 't', 0, 1, diffusionDefaults.t, problems, 3),
        schedule: readChoice(params, 'sched', DIFFUSION_SCHEDULES, diffusionDefaults.schedule, problems),
        shift: readNumber(params, 'shift', 1, 10, diffusionDefaults.shift, problems, 2),
        seed: readInt(params, 'dseed', 0, 2 ** 31 - 1, 0, problems),
        target: readChoice(params, 'target', PARAMETERIZATIONS, diffusionDefaults.target, problems),
        weighting: readChoice(params, 'weight', WEIGHTING_KINDS, diffusionDefaults.weighting, problems),
        gamma: readInt(params, 'gamma', 1, 20, diffusionDefaults.gamma, problems),
        points: readPoints(params.get('pts'), problems),
        denoiser: readChoice(params, 'dnmodel', DENOISER_MODELS, diffusionDefaults.denoiser, problems),
        heldout: readInt(params, 'dnheld', 0, HELDOUT_MAX, diffusionDefaults.heldout, problems),
        predictLabel: readInt(params, 'dnlabel', OWN_LABEL, NULL_CLASS, diffusionDefaults.predictLabel, problems),
        sampler: readChoice(params, 'dnsampler', SAMPLER_KINDS, diffusionDefaults.sampler, problems),
        sampleSteps: readInt(params, 'dnsteps', 1, 1000, diffusionDefaults.sampleSteps, problems),
        sampleSeed: readInt(params, 'dnseed', 0, 2 ** 31 - 1, diffusionDefaults.sampleSeed, problems),
        sampleCount: readChoice<number>(params, 'dncount', SAMPLE_COUNTS, diffusionDefaults.sampleCount, problems),
        sampleLabel: readInt(params, 'dnclass', 0, NULL_CLASS, diffusionDefaults.sampleLabel, problems),
        guidance: readNumber(params, 'dnguide', 0, 8, diffusionDefaults.guidance, problems, 1),
        ...readInterval(params, problems),
      },
      problems,
    };
  },
};

export const createDiffusionSlice: StateCreator<Store, [], [], DiffusionSlice> = (set) => ({
  diffusion: { ...diffusionDefaults },
  setDiffusion: (patch) => set((s) => ({ diffusion: { ...s.diffusion, ...patch } })),
});
