import type { StateCreator } from 'zustand';
import { BIT_DEPTH } from '../core/depth/bitplanes';
import { BIT_ORDERS, type BitOrder } from '../core/depth/bitOrders';
import { CHANNEL_SPACES, DEPTH_KINDS, type ChannelSpace, type DepthKind } from '../core/depth/kinds';
import { readChoice, readInt, type UrlCodec } from './codec';
import type { Store } from './store';

export type DepthViewKind = DepthKind;
export const RQ_PATCHES = [2, 4, 8] as const;
export const RQ_CODEBOOKS = [4, 8, 16, 32, 64, 128, 256, 512, 1024] as const;

export interface DepthView {
  view: DepthViewKind;
  /** Bit-planes kept per 8-bit channel, 1…8 (the bit-plane view). */
  bits: number;
  /** The order in which the bit-order view sends the 24 bit-planes. */
  bitOrder: BitOrder;
  /** Depth step d of the other views (clamped to the view's number of steps when shown). */
  d: number;
  space: ChannelSpace;
  /** Uniform quantizer step for DCT coefficients and scale residuals, in units of 1/255. */
  qstep: number;
  patch: number;
  K: number;
  depth: number;
}

export interface DepthSlice {
  depth: DepthView;
  setDepth(patch: Partial<DepthView>): void;
}

export const depthDefaults: DepthView = { view: 'bitplanes', bits: 4, bitOrder: 'lsb', d: 3, space: 'ycbcr', qstep: 4, patch: 4, K: 64, depth: 4 };

export const depthCodec: UrlCodec<DepthView> = {
  encode: (s) => ({
    dview: s.view, bits: String(s.bits), border: s.bitOrder, d: String(s.d), space: s.space, qstep: String(s.qstep),
    rqp: String(s.patch), rqk: String(s.K), rqd: String(s.depth),
  }),
  decode(params) {
    const problems: string[] = [];
    return {
      value: {
        view: readChoice(params, 'dview', DEPTH_KINDS, depthDefaults.view, problems),
        bits: readInt(params, 'bits', 1, BIT_DEPTH, depthDefaults.bits, problems),
        bitOrder: readChoice(params, 'border', BIT_ORDERS, depthDefaults.bitOrder, problems),
        d: readInt(params, 'd', 1, 64, depthDefaults.d, problems),
        space: readChoice(params, 'space', CHANNEL_SPACES, depthDefaults.space, problems),
        qstep: readInt(params, 'qstep', 1, 64, depthDefaults.qstep, problems),
        patch: readChoice(params, 'rqp', RQ_PATCHES, 4, problems),
        K: readChoice(params, 'rqk', RQ_CODEBOOKS, 64, problems),
        depth: readInt(params, 'rqd', 1, 16, depthDefaults.depth, problems),
      },
      problems,
    };
  },
};

export const createDepthSlice: StateCreator<Store, [], [], DepthSlice> = (set) => ({
  depth: { ...depthDefaults },
  setDepth: (patch) => set((s) => ({ depth: { ...s.depth, ...patch } })),
});
