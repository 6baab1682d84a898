// The Equivalence lab's view: how the noise-level conflict matrix of the digit denoiser is measured. The matrix
// itself is a computed result, not view state: it is not in the link.
import type { StateCreator } from 'zustand';
import { int, linkDefaults, oneOf, type LinkSlice } from './codec';
import type { Store } from './store';

export interface LabView {
  /** Number of noise levels K (equal λ bins of the training range). */
  k: number;
  /** Held-out digits the gradients are taken on (split in two halves to show the sampling noise). */
  batch: number;
  /** Seed of the noise ε added to the digits. */
  seed: number;
}

export interface LabSlice {
  lab: LabView;
  setLab(lab: Partial<LabView>): void;
}

export const LAB_K_RANGE: readonly [number, number] = [4, 12];
export const LAB_BATCHES = [8, 16, 32, 64] as const;
export const LAB_SEED_MAX = 2 ** 31 - 1;

export const labLink: LinkSlice<LabView> = {
  fields: {
    k: { key: 'eqk', codec: int(LAB_K_RANGE[0], LAB_K_RANGE[1]), default: 8 },
    batch: { key: 'eqbatch', codec: oneOf<number>(LAB_BATCHES), default: 32 },
    seed: { key: 'eqseed', codec: int(0, LAB_SEED_MAX), default: 1 },
  },
};

export const labDefaults: LabView = linkDefaults(labLink);

export const createLabSlice: StateCreator<Store, [], [], LabSlice> = (set) => ({
  lab: { ...labDefaults },
  setLab: (lab) => set((s) => ({ lab: { ...s.lab, ...lab } })),
});
