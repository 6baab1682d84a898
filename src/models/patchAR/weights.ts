// Saving and loading patch-transformer weights: a tfjs-style model.json (config, ordering, weight manifest)
// next to one little-endian float32 weights.bin, as shipped in public/models/patch-ar/<order>/; and the
// same artifacts in IndexedDB (tf.io's 'indexeddb://' handler) for models fine-tuned in the browser.
import { modelIo, type ModelFile, type ModelIo } from '../weightsIo';
import { createPatchAR, dispose, paramShapes, validateConfig, type PatchAR, type PatchARConfig } from './model';

export type { Progress } from '../weightsIo';

export const WEIGHTS_FORMAT = 'patch-ar';
export const WEIGHTS_VERSION = 1;

/** What a saved model says about itself besides its weights. */
export type PatchARMeta = {
  /** The ordering it was trained for: its kind, the seed of a random one, and the cells step by step. */
  order: { kind: string; seed?: number; cells: number[] };
  /** Free-form training record (steps, seed, data, held-out loss…). */
  training?: Record<string, unknown>;
};

export type ModelJson = ModelFile<typeof WEIGHTS_FORMAT, PatchARConfig, PatchARMeta>;

export type SerializedModel = { json: ModelJson; weights: ArrayBuffer };

/**
 * serialize/deserialize: model.json and weights.bin in memory; loadFromUrl: a shipped model from a directory
 * URL (e.g. `${base}models/patch-ar/raster/`); saveTo/loadFrom: through any tf.io handler ('indexeddb://name').
 */
export const { serialize, deserialize, loadFromUrl, saveTo, loadFrom }: ModelIo<typeof WEIGHTS_FORMAT, PatchARConfig, PatchAR, PatchARMeta> = modelIo({
  format: WEIGHTS_FORMAT, version: WEIGHTS_VERSION, names: { foreign: 'a patch-ar model', newer: 'patch-ar model' },
  shapes: paramShapes, validate: validateConfig, create: (config, initial) => createPatchAR(config, 0, initial), dispose,
});

/** The IndexedDB key of the user's fine-tuned model for an ordering. */
export function indexedDbUrl(orderKey: string): string {
  return `indexeddb://patch-ar-${orderKey}`;
}
