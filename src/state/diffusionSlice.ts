import type { StateCreator } from 'zustand';
import { readChoice, readInt, readNumber, type UrlCodec } from './codec';
import type { Store } from './store';

export const DIFFUSION_SCHEDULES = ['ddpm-linear', 'scaled-linear', 'cosine', 'cosine-zsnr', 'edm', 'rectified-flow', 'sd3', 'custom'] as const;
export type DiffusionSchedule = (typeof DIFFUSION_SCHEDULES)[number];
export const TARGETS = ['eps', 'x0', 'v', 'velocity'] as const;
export type Target = (typeof TARGETS)[number];
export const WEIGHTINGS = ['eps-mse', 'x0-mse', 'v-mse', 'velocity-mse', 'min-snr', 'edm', 'sd3-logit-normal', 'vdmpp-sigmoid'] as const;
export type Weighting = (typeof WEIGHTINGS)[number];

export interface ControlPoint { t: number; logSnr: number }

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
};

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

export const diffusionCodec: UrlCodec<DiffusionView> = {
  encode(s) {
    const out: Record<string, string> = {
      t: s.t.toFixed(3), sched: s.schedule, shift: s.shift.toFixed(2), dseed: String(s.seed), target: s.target, weight: s.weighting, gamma: String(s.gamma),
    };
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
        target: readChoice(params, 'target', TARGETS, diffusionDefaults.target, problems),
        weighting: readChoice(params, 'weight', WEIGHTINGS, diffusionDefaults.weighting, problems),
        gamma: readInt(params, 'gamma', 1, 20, diffusionDefaults.gamma, problems),
        points: readPoints(params.get('pts'), problems),
      },
      problems,
    };
  },
};

export const createDiffusionSlice: StateCreator<Store, [], [], DiffusionSlice> = (set) => ({
  diffusion: { ...diffusionDefaults },
  setDiffusion: (patch) => set((s) => ({ diffusion: { ...s.diffusion, ...patch } })),
});
