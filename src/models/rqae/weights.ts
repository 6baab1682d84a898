// Saving and loading RQ auto-encoder weights: a tfjs-style model.json (config, objective, training record,
// weight manifest) next to one little-endian float32 weights.bin, as shipped in public/models/rqae/<key>/;
// and the same artifacts in IndexedDB (tf.io's 'indexeddb://' handler) for models trained in the browser.
import { modelIo, type ModelFile, type ModelIo } from '../weightsIo';
import type { Objective } from './losses';
import { createRqae, dispose, paramShapes, validateConfig, type Rqae, type RqaeConfig } from './model';

export type { Progress } from '../weightsIo';

export const WEIGHTS_FORMAT = 'rqae';
export const WEIGHTS_VERSION = 1;

export type RqaeMeta = {
  objective: Objective;
  /** Free-form training record (steps, seed, data, held-out metrics…). */
  training?: Record<string, unknown>;
};

export type ModelJson = ModelFile<typeof WEIGHTS_FORMAT, RqaeConfig, RqaeMeta>;

/**
 * serialize/deserialize: model.json and weights.bin in memory; loadFromUrl: a shipped model from a directory
 * URL (e.g. `${base}models/rqae/summed-d8/`); saveTo/loadFrom: through any tf.io handler ('indexeddb://name').
 */
export const { serialize, deserialize, loadFromUrl, saveTo, loadFrom }: ModelIo<typeof WEIGHTS_FORMAT, RqaeConfig, Rqae, RqaeMeta> = modelIo({
  format: WEIGHTS_FORMAT, version: WEIGHTS_VERSION, names: { foreign: 'an RQ auto-encoder', newer: 'rqae model' },
  shapes: paramShapes, validate: validateConfig, create: (config, initial) => createRqae(config, 0, initial), dispose,
});

/** The IndexedDB key of the user's trained copy of a shipped model (e.g. 'summed-d8'). */
export function indexedDbUrl(key: string): string {
  return `indexeddb://rqae-${key}`;
}
