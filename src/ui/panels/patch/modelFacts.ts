// Sizes of the patch transformers the Patch-order panel describes, for its text before a model is loaded (once
// one is, the worker's status reports the count). Kept equal to the models' own count by a test.

/** Parameters of the two-layer patch transformer: on 32×32 RGB crops (8×8 patches of 48 values), on 28×28 digits. */
export const PATCH_MODEL_PARAMS = { crops: 85_616, digits: 78_608 } as const;
