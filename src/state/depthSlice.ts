import type { StateCreator } from 'zustand';
import { BIT_DEPTH } from '../core/depth/bitplanes';
import { BIT_ORDERS, type BitOrder } from '../core/depth/bitOrders';
import { CHANNEL_SPACES, DEPTH_KINDS, type ChannelSpace, type DepthKind } from '../core/depth/kinds';
import { int, linkDefaults, oneOf, type LinkSlice } from './codec';
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

export const depthLink: LinkSlice<DepthView> = {
  fields: {
    view: { key: 'dview', codec: oneOf(DEPTH_KINDS), default: 'bitplanes' },
    bits: { key: 'bits', codec: int(1, BIT_DEPTH), default: 4 },
    bitOrder: { key: 'border', codec: oneOf(BIT_ORDERS), default: 'lsb' },
    d: { key: 'd', codec: int(1, 64), default: 3 },
    space: { key: 'space', codec: oneOf(CHANNEL_SPACES), default: 'ycbcr' },
    qstep: { key: 'qstep', codec: int(1, 64), default: 4 },
    patch: { key: 'rqp', codec: oneOf<number>(RQ_PATCHES), default: 4 },
    K: { key: 'rqk', codec: oneOf<number>(RQ_CODEBOOKS), default: 64 },
    depth: { key: 'rqd', codec: int(1, 16), default: 4 },
  },
};

export const depthDefaults: DepthView = linkDefaults(depthLink);

export const createDepthSlice: StateCreator<Store, [], [], DepthSlice> = (set) => ({
  depth: { ...depthDefaults },
  setDepth: (patch) => set((s) => ({ depth: { ...s.depth, ...patch } })),
});
