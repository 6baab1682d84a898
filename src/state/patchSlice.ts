import type { StateCreator } from 'zustand';
import { ORDERING_KINDS } from '../core/orderings';
import { custom, int, linkDefaults, oneOf, type LinkSlice } from './codec';
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

const MAX_CUSTOM = 4096;

/** Any value but 0 is on. */
const flag = custom<boolean>((on) => (on ? '1' : '0'), (raw) => ({ value: raw !== '0' }));

/** Painted cells travel compactly in base 36. */
const cells = custom<number[]>((list) => list.map((i) => i.toString(36)).join('.'), (raw) => {
  if (raw === '') return { value: [] };
  const tokens = raw.split('.');
  const parsed = tokens.slice(0, MAX_CUSTOM).map((t) => parseInt(t, 36));
  const seen = new Set<number>();
  // Cells outside the current grid are dropped where the grid is known (the panel); here only the form.
  const list = parsed.filter((i) => Number.isInteger(i) && i >= 0 && i < 65536 && !seen.has(i) && (seen.add(i), true));
  if (tokens.length > MAX_CUSTOM) return { value: list, problem: `The link paints ${tokens.length} cells; only the first ${MAX_CUSTOM} were kept.` };
  if (list.length !== parsed.length) return { value: list, problem: 'Some painted cells in the link were invalid and were dropped.' };
  return { value: list };
});

export const patchLink: LinkSlice<PatchView> = {
  fields: {
    ordering: { key: 'order', codec: oneOf(PATCH_ORDERINGS), default: 'raster' },
    patch: { key: 'patch', codec: oneOf<number>(PATCH_SIZES), default: 16 },
    step: { key: 'step', codec: int(0, 65535), default: 20 },
    seed: { key: 'seed', codec: int(0, 2 ** 31 - 1), default: 0 },
    numbers: { key: 'nums', codec: flag, default: true },
    stat: { key: 'stat', codec: oneOf(PATCH_STATS), default: 'copy' },
    // Only the custom ordering needs the painted cells.
    custom: { key: 'cells', codec: cells, default: [], when: (v) => v.ordering === 'custom' && v.custom.length > 0 },
  },
};

export const patchDefaults: PatchView = linkDefaults(patchLink);

export const createPatchSlice: StateCreator<Store, [], [], PatchSlice> = (set) => ({
  patch: { ...patchDefaults },
  setPatch: (patch) => set((s) => ({ patch: { ...s.patch, ...patch } })),
});
