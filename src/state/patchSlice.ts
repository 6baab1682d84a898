import type { StateCreator } from 'zustand';
import { ORDERING_KINDS } from '../core/orderings';
import { readChoice, readInt, type UrlCodec } from './codec';
import type { Store } from './store';

export const PATCH_ORDERINGS = [...ORDERING_KINDS, 'custom'] as const;
export type PatchOrdering = (typeof PATCH_ORDERINGS)[number];
/** Every working size is a power of two ≥ 32, so these patch sizes divide all of them. */
export const PATCH_SIZES = [2, 4, 8, 16, 32] as const;
export const PATCH_STATS = ['distance', 'neighbours', 'copy', 'mean', 'linear'] as const;
export type PatchStat = (typeof PATCH_STATS)[number];

export interface PatchView {
  ordering: PatchOrdering;
  patch: number;
  /** Step s: patches 0…s−1 are generated, patch s is next. Clamped to the grid when shown. */
  step: number;
  seed: number;
  numbers: boolean;
  stat: PatchStat;
  /** Cells painted by the user, in order (row-major indices); the rest follow in raster order. */
  custom: number[];
}

export interface PatchSlice {
  patch: PatchView;
  setPatch(patch: Partial<PatchView>): void;
}

export const patchDefaults: PatchView = {
  ordering: 'raster', patch: 16, step: 20, seed: 0, numbers: true, stat: 'copy', custom: [],
};

const MAX_CUSTOM = 4096;

export const patchCodec: UrlCodec<PatchView> = {
  encode(s) {
    const out: Record<string, string> = {
      order: s.ordering, patch: String(s.patch), step: String(s.step), seed: String(s.seed),
      nums: s.numbers ? '1' : '0', stat: s.stat,
    };
    // Painted cells travel compactly in base 36; only the custom ordering needs them.
    if (s.ordering === 'custom' && s.custom.length > 0) out.cells = s.custom.map((i) => i.toString(36)).join('.');
    return out;
  },
  decode(params) {
    const problems: string[] = [];
    const ordering = readChoice(params, 'order', PATCH_ORDERINGS, patchDefaults.ordering, problems);
    const patch = readChoice(params, 'patch', PATCH_SIZES, 16, problems);
    const step = readInt(params, 'step', 0, 65535, patchDefaults.step, problems);
    const seed = readInt(params, 'seed', 0, 2 ** 31 - 1, patchDefaults.seed, problems);
    const numbers = params.get('nums') !== '0';
    const stat = readChoice(params, 'stat', PATCH_STATS, patchDefaults.stat, problems);
    let custom: number[] = [];
    const cells = params.get('cells');
    if (cells) {
      const parsed = cells.split('.').slice(0, MAX_CUSTOM).map((t) => parseInt(t, 36));
      const seen = new Set<number>();
      // Cells outside the current grid are dropped where the grid is known (the panel); here only the form.
      custom = parsed.filter((i) => Number.isInteger(i) && i >= 0 && i < 65536 && !seen.has(i) && (seen.add(i), true));
      if (custom.length !== parsed.length) problems.push('Some painted cells in the link were invalid and were dropped.');
    }
    return { value: { ordering, patch, step, seed, numbers, stat, custom }, problems };
  },
};

export const createPatchSlice: StateCreator<Store, [], [], PatchSlice> = (set) => ({
  patch: { ...patchDefaults },
  setPatch: (patch) => set((s) => ({ patch: { ...s.patch, ...patch } })),
});
