import { createStore } from 'zustand/vanilla';
import { useStore as useZustand } from 'zustand';
import { createImageSlice, type ImageSlice } from './imageSlice';
import { createDepthSlice, type DepthSlice } from './depthSlice';
import { createPatchSlice, type PatchSlice } from './patchSlice';
import { createDiffusionSlice, type DiffusionSlice } from './diffusionSlice';
import { createLabSlice, type LabSlice } from './labSlice';
import { createUiSlice, type UiSlice } from './uiSlice';
import { createTourSlice, type TourSlice } from './tourSlice';

export type Store = ImageSlice & PatchSlice & DepthSlice & DiffusionSlice & LabSlice & TourSlice & UiSlice;

export function createAppStore() {
  return createStore<Store>()((...a) => ({
    ...createImageSlice(...a),
    ...createPatchSlice(...a),
    ...createDepthSlice(...a),
    ...createDiffusionSlice(...a),
    ...createLabSlice(...a),
    ...createTourSlice(...a),
    ...createUiSlice(...a),
  }));
}

export type AppStore = ReturnType<typeof createAppStore>;

/** The app's one store; tests make their own with createAppStore(). */
export const appStore = createAppStore();

export function useStore<T>(selector: (s: Store) => T): T {
  return useZustand(appStore, selector);
}
