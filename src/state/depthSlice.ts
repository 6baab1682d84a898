import type { StateCreator } from 'zustand';
import { BIT_DEPTH } from '../core/depth/bitplanes';
import { readChoice, readInt, type UrlCodec } from './codec';
import type { Store } from './store';

export const DEPTH_VIEWS = ['bitplanes'] as const;
export type DepthViewKind = (typeof DEPTH_VIEWS)[number];

export interface DepthView {
  view: DepthViewKind;
  /** Bit-planes kept per 8-bit channel, 1…8. */
  bits: number;
}

export interface DepthSlice {
  depth: DepthView;
  setDepth(patch: Partial<DepthView>): void;
}

export const depthDefaults: DepthView = { view: 'bitplanes', bits: 4 };

export const depthCodec: UrlCodec<DepthView> = {
  encode: (s) => ({ dview: s.view, bits: String(s.bits) }),
  decode(params) {
    const problems: string[] = [];
    const view = readChoice(params, 'dview', DEPTH_VIEWS, depthDefaults.view, problems);
    const bits = readInt(params, 'bits', 1, BIT_DEPTH, depthDefaults.bits, problems);
    return { value: { view, bits }, problems };
  },
};

export const createDepthSlice: StateCreator<Store, [], [], DepthSlice> = (set) => ({
  depth: { ...depthDefaults },
  setDepth: (patch) => set((s) => ({ depth: { ...s.depth, ...patch } })),
});
