// The Equivalence lab's view: how the noise-level conflict matrix of the digit denoiser is measured. The matrix
// itself is a computed result, not view state: it is not in the link.
import type { StateCreator } from 'zustand';
import { readChoice, readInt, type UrlCodec } from './codec';
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

export const labDefaults: LabView = { k: 8, batch: 32, seed: 1 };

export const labCodec: UrlCodec<LabView> = {
  encode: (s) => ({ eqk: String(s.k), eqbatch: String(s.batch), eqseed: String(s.seed) }),
  decode(params) {
    const problems: string[] = [];
    return {
      value: {
        k: readInt(params, 'eqk', LAB_K_RANGE[0], LAB_K_RANGE[1], labDefaults.k, problems),
        batch: readChoice<number>(params, 'eqbatch', LAB_BATCHES, labDefaults.batch, problems),
        seed: readInt(params, 'eqseed', 0, LAB_SEED_MAX, labDefaults.seed, problems),
      },
      problems,
    };
  },
};

export const createLabSlice: StateCreator<Store, [], [], LabSlice> = (set) => ({
  lab: { ...labDefaults },
  setLab: (lab) => set((s) => ({ lab: { ...s.lab, ...lab } })),
});
