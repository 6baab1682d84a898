// Saving and loading the denoisers and the classifier: a tfjs-style model.json (format, config, meta, weight
// manifest) next to one little-endian float32 weights.bin, as shipped in public/models/diffusion/<name>/, and
// the same artifacts through any tf.io handler ('indexeddb://…' for models fine-tuned in the browser).
import * as tf from '@tensorflow/tfjs';
import { loadArtifacts, readWithProgress, saveArtifacts, type Progress } from '../weightsIo';
import { classifierShapes, createClassifier, validateClassifierConfig, type Classifier, type ClassifierConfig } from './classifier';
import { createDenoiser, paramShapes, validateConfig, type Denoiser, type DenoiserConfig } from './denoiser';

export type { Progress } from '../weightsIo';

export const WEIGHTS_VERSION = 1;

/** What a saved model says about itself: its parameterization (denoisers) and a free-form training record. */
export type WeightsMeta = { parameterization?: 'eps' | 'x0' | 'v' | 'velocity'; training?: Record<string, unknown> };

type Kinds = { 'diffusion-denoiser': { config: DenoiserConfig; model: Denoiser }; 'digit-classifier': { config: ClassifierConfig; model: Classifier } };
export type WeightsFormat = keyof Kinds;

export type WeightsJson<F extends WeightsFormat = WeightsFormat> = {
  format: F;
  version: number;
  config: Kinds[F]['config'];
  meta: WeightsMeta;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
};

const KINDS: { [F in WeightsFormat]: { shapes: (c: Kinds[F]['config']) => [string, number[]][]; validate: (c: Kinds[F]['config']) => void; create: (c: Kinds[F]['config']) => Kinds[F]['model'] } } = {
  'diffusion-denoiser': { shapes: paramShapes, validate: validateConfig, create: (c) => createDenoiser(c) },
  'digit-classifier': { shapes: classifierShapes, validate: validateClassifierConfig, create: (c) => createClassifier(c) },
};

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The parameters in weight-file order as one float32 buffer, with the manifest. */
export async function serialize<F extends WeightsFormat>(format: F, model: Kinds[F]['model'], meta: WeightsMeta, weightsPath = 'weights.bin'): Promise<{ json: WeightsJson<F>; weights: ArrayBuffer }> {
  const kind = KINDS[format] as (typeof KINDS)[WeightsFormat];
  const specs = kind.shapes(model.config as never).map(([name, shape]) => ({ name, shape, dtype: 'float32' as const }));
  const data = new Float32Array(specs.reduce((n, s) => n + sizeOf(s.shape), 0));
  let offset = 0;
  for (const spec of specs) {
    const values = (await model.params[spec.name].data()) as Float32Array;
    data.set(values, offset);
    offset += values.length;
  }
  return { json: { format, version: WEIGHTS_VERSION, config: model.config as Kinds[F]['config'], meta, weightsManifest: [{ paths: [weightsPath], weights: specs }] }, weights: data.buffer };
}

/** Rebuilds a model from its manifest and weights; throws on a foreign, newer or inconsistent file. */
export function deserialize<F extends WeightsFormat>(format: F, json: WeightsJson, weights: ArrayBuffer): Kinds[F]['model'] {
  if (json.format !== format) throw new Error(`not a ${format} file (format ${String(json.format)})`);
  if (json.version > WEIGHTS_VERSION) throw new Error(`${format} version ${json.version} is newer than this app reads`);
  const kind = KINDS[format] as (typeof KINDS)[WeightsFormat];
  kind.validate(json.config as never);
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const floats = new Float32Array(weights);
  const total = specs.reduce((n, s) => n + sizeOf(s.shape), 0);
  if (total !== floats.length) throw new Error(`weights file holds ${floats.length} floats, its manifest ${total}`);
  const model = kind.create(json.config as never);
  try {
    let offset = 0;
    const offsets = new Map<string, number>();
    for (const s of specs) {
      offsets.set(s.name, offset);
      offset += sizeOf(s.shape);
    }
    for (const [name, shape] of kind.shapes(json.config as never)) {
      const spec = specs.find((s) => s.name === name);
      if (!spec || spec.shape.join() !== shape.join() || (spec.dtype ?? 'float32') !== 'float32') throw new Error(`weights file lacks ${name} [${shape}] or has another shape`);
      const start = offsets.get(name)!;
      tf.tidy(() => model.params[name].assign(tf.tensor(floats.subarray(start, start + sizeOf(shape)), shape)));
    }
    return model as Kinds[F]['model'];
  } catch (e) {
    for (const v of Object.values(model.params)) v.dispose();
    throw e;
  }
}

/** Loads a shipped model from `dir` (a URL ending in '/'); `fetchFn` defaults to the global fetch. */
export async function loadFromUrl<F extends WeightsFormat>(format: F, dir: string, onProgress?: Progress, fetchFn: (url: string) => Promise<Response> = (url) => fetch(url)): Promise<{ model: Kinds[F]['model']; json: WeightsJson<F> }> {
  const response = await fetchFn(`${dir}model.json`);
  if (!response.ok) throw new Error(`${dir}model.json: HTTP ${response.status}`);
  const json = (await response.json()) as WeightsJson<F>;
  const weights = await readWithProgress(await fetchFn(`${dir}${json.weightsManifest[0].paths[0]}`), onProgress);
  return { model: deserialize(format, json, weights), json };
}

/** Saves through any tf.io handler ('indexeddb://name' in the browser). */
export async function saveTo(handler: tf.io.IOHandler | string, format: WeightsFormat, model: Denoiser | Classifier, meta: WeightsMeta): Promise<void> {
  const { json, weights } = await serialize(format, model as never, meta);
  await saveArtifacts(handler, json, weights, format);
}

/** Loads what saveTo saved. */
export async function loadFrom<F extends WeightsFormat>(handler: tf.io.IOHandler | string, format: F): Promise<{ model: Kinds[F]['model']; json: WeightsJson<F> }> {
  const { json, weights } = await loadArtifacts<WeightsJson<F>>(handler);
  return { model: deserialize(format, json, weights), json };
}

/** The IndexedDB key of a denoiser fine-tuned in this browser. */
export function indexedDbUrl(model: string): string {
  return `indexeddb://diffusion-${model}`;
}
