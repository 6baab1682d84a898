// Saving and loading patch-transformer weights: a tfjs-style model.json (config, ordering, weight manifest)
// next to one little-endian float32 weights.bin, as shipped in public/models/patch-ar/<order>/; and the
// same artifacts in IndexedDB (tf.io's 'indexeddb://' handler) for models fine-tuned in the browser.
import * as tf from '@tensorflow/tfjs';
import { loadArtifacts, readWithProgress, saveArtifacts, type Progress } from '../weightsIo';

export type { Progress } from '../weightsIo';
import { createPatchAR, dispose, paramShapes, validateConfig, type PatchAR, type PatchARConfig } from './model';

export const WEIGHTS_FORMAT = 'patch-ar';
export const WEIGHTS_VERSION = 1;

/** What a saved model says about itself besides its weights. */
export type PatchARMeta = {
  /** The ordering it was trained for: its kind, the seed of a random one, and the cells step by step. */
  order: { kind: string; seed?: number; cells: number[] };
  /** Free-form training record (steps, seed, data, held-out loss…). */
  training?: Record<string, unknown>;
};

export type ModelJson = {
  format: typeof WEIGHTS_FORMAT;
  version: number;
  config: PatchARConfig;
  meta: PatchARMeta;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
};

export type SerializedModel = { json: ModelJson; weights: ArrayBuffer };

/** The model's parameters in weight-file order as one float32 buffer, with its manifest. */
export async function serialize(model: PatchAR, meta: PatchARMeta, weightsPath = 'weights.bin'): Promise<SerializedModel> {
  const specs = paramShapes(model.config).map(([name, shape]) => ({ name, shape, dtype: 'float32' as const }));
  const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const spec of specs) {
    const values = await model.params[spec.name].data();
    data.set(values as Float32Array, offset);
    offset += values.length;
  }
  const json: ModelJson = {
    format: WEIGHTS_FORMAT,
    version: WEIGHTS_VERSION,
    config: model.config,
    meta,
    weightsManifest: [{ paths: [weightsPath], weights: specs }],
  };
  return { json, weights: data.buffer };
}

/** Rebuilds a model from its manifest and weights; throws on a foreign, newer or inconsistent file. */
export function deserialize(json: ModelJson, weights: ArrayBuffer): PatchAR {
  if (json.format !== WEIGHTS_FORMAT) throw new Error(`not a patch-ar model (format ${String(json.format)})`);
  if (json.version > WEIGHTS_VERSION) throw new Error(`patch-ar model version ${json.version} is newer than this app reads`);
  validateConfig(json.config);
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const expected = paramShapes(json.config);
  const floats = new Float32Array(weights);
  const model = createPatchAR(json.config);
  try {
    const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    if (total !== floats.length) throw new Error(`weights file holds ${floats.length} floats, its manifest ${total}`);
    for (const [name, shape] of expected) {
      const spec = specs.find((s) => s.name === name);
      if (!spec || spec.shape.join() !== shape.join() || (spec.dtype ?? 'float32') !== 'float32') {
        throw new Error(`weights file lacks ${name} [${shape}] or has another shape`);
      }
      const start = specOffset(specs, name);
      const values = floats.subarray(start, start + shape.reduce((a, b) => a * b, 1));
      tf.tidy(() => model.params[name].assign(tf.tensor(values, shape)));
    }
    return model;
  } catch (e) {
    dispose(model);
    throw e;
  }
}

/** Where weight `name` starts in the buffer: the specs are laid out back to back in manifest order. */
function specOffset(specs: tf.io.WeightsManifestEntry[], name: string): number {
  let offset = 0;
  for (const s of specs) {
    if (s.name === name) return offset;
    offset += s.shape.reduce((a, b) => a * b, 1);
  }
  throw new Error(`no weight ${name}`);
}

/**
 * Loads a shipped model from `dir` (a URL ending in '/', e.g. `${base}models/patch-ar/raster/`).
 * `fetchFn` defaults to the global fetch; tests pass one that reads files.
 */
export async function loadFromUrl(
  dir: string,
  onProgress?: Progress,
  fetchFn: (url: string) => Promise<Response> = (url) => fetch(url),
): Promise<{ model: PatchAR; json: ModelJson }> {
  const json = (await (await fetchFn(`${dir}model.json`)).json()) as ModelJson;
  const [group] = json.weightsManifest;
  const weights = await readWithProgress(await fetchFn(`${dir}${group.paths[0]}`), onProgress);
  return { model: deserialize(json, weights), json };
}

/** Saves through any tf.io handler ('indexeddb://name' in the browser, an in-memory one in tests). */
export async function saveTo(handler: tf.io.IOHandler | string, model: PatchAR, meta: PatchARMeta): Promise<void> {
  const { json, weights } = await serialize(model, meta);
  await saveArtifacts(handler, json, weights, WEIGHTS_FORMAT);
}

/** Loads what saveTo saved. */
export async function loadFrom(handler: tf.io.IOHandler | string): Promise<{ model: PatchAR; json: ModelJson }> {
  const { json, weights } = await loadArtifacts<ModelJson>(handler);
  return { model: deserialize(json, weights), json };
}

/** The IndexedDB key of the user's fine-tuned model for an ordering. */
export function indexedDbUrl(orderKey: string): string {
  return `indexeddb://patch-ar-${orderKey}`;
}
