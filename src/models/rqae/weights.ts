// Saving and loading RQ auto-encoder weights: a tfjs-style model.json (config, objective, training record,
// weight manifest) next to one little-endian float32 weights.bin, as shipped in public/models/rqae/<key>/;
// and the same artifacts in IndexedDB (tf.io's 'indexeddb://' handler) for models trained in the browser.
import * as tf from '@tensorflow/tfjs';
import { loadArtifacts, readWithProgress, saveArtifacts, type Progress } from '../weightsIo';
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

export type ModelJson = {
  format: typeof WEIGHTS_FORMAT;
  version: number;
  config: RqaeConfig;
  meta: RqaeMeta;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
};

export async function serialize(model: Rqae, meta: RqaeMeta, weightsPath = 'weights.bin'): Promise<{ json: ModelJson; weights: ArrayBuffer }> {
  const specs = paramShapes(model.config).map(([name, shape]) => ({ name, shape, dtype: 'float32' as const }));
  const data = new Float32Array(specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0));
  let offset = 0;
  for (const spec of specs) {
    const values = (await model.params[spec.name].data()) as Float32Array;
    data.set(values, offset);
    offset += values.length;
  }
  const json: ModelJson = { format: WEIGHTS_FORMAT, version: WEIGHTS_VERSION, config: model.config, meta, weightsManifest: [{ paths: [weightsPath], weights: specs }] };
  return { json, weights: data.buffer };
}

/** Rebuilds a model from its manifest and weights; throws on a foreign, newer or inconsistent file. */
export function deserialize(json: ModelJson, weights: ArrayBuffer): Rqae {
  if (json.format !== WEIGHTS_FORMAT) throw new Error(`not an RQ auto-encoder (format ${String(json.format)})`);
  if (json.version > WEIGHTS_VERSION) throw new Error(`rqae model version ${json.version} is newer than this app reads`);
  validateConfig(json.config);
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const floats = new Float32Array(weights);
  const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  if (total !== floats.length) throw new Error(`weights file holds ${floats.length} floats, its manifest ${total}`);
  const offsets = new Map<string, number>();
  let at = 0;
  for (const s of specs) {
    offsets.set(s.name, at);
    at += s.shape.reduce((a, b) => a * b, 1);
  }
  const model = createRqae(json.config);
  try {
    for (const [name, shape] of paramShapes(json.config)) {
      const spec = specs.find((s) => s.name === name);
      if (!spec || spec.shape.join() !== shape.join() || (spec.dtype ?? 'float32') !== 'float32') {
        throw new Error(`weights file lacks ${name} [${shape}] or has another shape`);
      }
      const start = offsets.get(name)!;
      const values = floats.subarray(start, start + shape.reduce((a, b) => a * b, 1));
      tf.tidy(() => model.params[name].assign(tf.tensor(values, shape)));
    }
    return model;
  } catch (e) {
    dispose(model);
    throw e;
  }
}

/** Loads a shipped model from `dir` (a URL ending in '/', e.g. `${base}models/rqae/summed-d8/`). */
export async function loadFromUrl(
  dir: string, onProgress?: Progress, fetchFn: (url: string) => Promise<Response> = (url) => fetch(url),
): Promise<{ model: Rqae; json: ModelJson }> {
  const json = (await (await fetchFn(`${dir}model.json`)).json()) as ModelJson;
  const weights = await readWithProgress(await fetchFn(`${dir}${json.weightsManifest[0].paths[0]}`), onProgress);
  return { model: deserialize(json, weights), json };
}

/** Saves through any tf.io handler ('indexeddb://name' in the browser, an in-memory one in tests). */
export async function saveTo(handler: tf.io.IOHandler | string, model: Rqae, meta: RqaeMeta): Promise<void> {
  const { json, weights } = await serialize(model, meta);
  await saveArtifacts(handler, json, weights, WEIGHTS_FORMAT);
}

/** Loads what saveTo saved. */
export async function loadFrom(handler: tf.io.IOHandler | string): Promise<{ model: Rqae; json: ModelJson }> {
  const { json, weights } = await loadArtifacts<ModelJson>(handler);
  return { model: deserialize(json, weights), json };
}

/** The IndexedDB key of the user's trained copy of a shipped model (e.g. 'summed-d8'). */
export function indexedDbUrl(key: string): string {
  return `indexeddb://rqae-${key}`;
}
