// The bits of tfjs the model worker needs outside a model: models saved in this browser (tf.io's model
// stores, IndexedDB in browsers and workers; none in Node) and the active backend's name.
import * as tf from '@tensorflow/tfjs';

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
