// The claims tour's step: which claim was last shown. It is in the link, so a link copied after a claim was shown
// opens on that claim's view and shows its measurement again.
import type { StateCreator } from 'zustand';
import { CLAIM_IDS, type ClaimId } from '../core/claimIds';
import { linkDefaults, oneOf, type LinkSlice } from './codec';
import type { Store } from './store';

/** No claim shown (the link then has no `claim` key). */
export const NO_CLAIM = 'none';
export const TOUR_STEPS = [NO_CLAIM, ...CLAIM_IDS] as const;
export type TourStep = (typeof TOUR_STEPS)[number];

export interface TourView {
  claim: TourStep;
}

export interface TourSlice {
  tour: TourView;
  setTour(patch: Partial<TourView>): void;
}

export const tourLink: LinkSlice<TourView> = {
  fields: {
    claim: { key: 'claim', codec: oneOf(TOUR_STEPS), default: NO_CLAIM, when: (v) => v.claim !== NO_CLAIM },
  },
};

export const tourDefaults: TourView = linkDefaults(tourLink);

export function isClaim(step: TourStep): step is ClaimId {
  return step !== NO_CLAIM;
}

export const createTourSlice: StateCreator<Store, [], [], TourSlice> = (set) => ({
  tour: { ...tourDefaults },
  setTour: (patch) => set((s) => ({ tour: { ...s.tour, ...patch } })),
});
