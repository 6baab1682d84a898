// The bits of tfjs the model worker needs outside a model: models saved in this browser (tf.io's model
// stores, IndexedDB in browsers and workers; none in Node) and the active backend's name.
import * as tf from '@tensorflow/tfjs-core';

/** The URLs ('indexeddb://name') of every model saved in this browser; empty where no store exists (Node). */
export async function listSavedModels(): Promise<string[]> {
  try {
    return Object.keys(await tf.io.listModels());
  } catch {
    return []; // a store that cannot be read (private mode, blocked storage) holds nothing we can use
  }
}

/** Deletes a saved model; resolves quietly if there was none. */
export async function removeSavedModel(url: string): Promise<void> {
  if ((await listSavedModels()).includes(url)) await tf.io.removeModel(url);
}

/** The name of the backend tfjs runs on now ('' before any started). */
export function activeBackendName(): string {
  return tf.getBackend() ?? '';
}

/** Where a model kind's copies saved in this browser live: IndexedDB through tf.io, or memory in tests. */
export interface ModelStorage<M, J, Meta> {
  has(name: string): Promise<boolean>;
  load(name: string): Promise<{ model: M; json: J }>;
  save(name: string, model: M, meta: Meta): Promise<void>;
  remove(name: string): Promise<void>;
}

/** tf.io's IndexedDB store for one model kind (it works in workers): `url` maps a name to 'indexeddb://…'. */
export function savedModelStorage<M, J, Meta>(
  url: (name: string) => string,
  loadFrom: (url: string) => Promise<{ model: M; json: J }>,
  saveTo: (url: string, model: M, meta: Meta) => Promise<void>,
): ModelStorage<M, J, Meta> {
  return {
    has: async (name) => (await listSavedModels()).includes(url(name)),
    load: (name) => loadFrom(url(name)),
    save: (name, model, meta) => saveTo(url(name), model, meta),
    remove: (name) => removeSavedModel(url(name)),
  };
}
