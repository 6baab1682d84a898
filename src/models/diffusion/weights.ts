// Saving and loading the denoisers and the classifier: a tfjs-style model.json (format, config, meta, weight
// manifest) next to one little-endian float32 weights.bin, as shipped in public/models/diffusion/<name>/, and
// the same artifacts through any tf.io handler ('indexeddb://…' for models fine-tuned in the browser).
import type * as tf from '@tensorflow/tfjs-core';
import type { Parameterization } from '../../core/diffusion/kinds';
import { modelIo, type ModelCodec, type ModelFile, type ModelIo, type Progress } from '../weightsIo';
import { classifierShapes, createClassifier, disposeClassifier, validateClassifierConfig, type Classifier, type ClassifierConfig } from './classifier';
import { createDenoiser, disposeDenoiser, paramShapes, validateConfig, type Denoiser, type DenoiserConfig } from './denoiser';

export type { Progress } from '../weightsIo';

export const WEIGHTS_VERSION = 1;

/** What a saved model says about itself: its parameterization (denoisers) and a free-form training record. */
export type WeightsMeta = { parameterization?: Parameterization; training?: Record<string, unknown> };

type Kinds = { 'diffusion-denoiser': { config: DenoiserConfig; model: Denoiser }; 'digit-classifier': { config: ClassifierConfig; model: Classifier } };
export type WeightsFormat = keyof Kinds;

export type WeightsJson<F extends WeightsFormat = WeightsFormat> = ModelFile<F, Kinds[F]['config'], WeightsMeta>;

type Codec<F extends WeightsFormat> = ModelCodec<F, Kinds[F]['config'], Kinds[F]['model']>;

function codec<F extends WeightsFormat>(format: F, rest: Omit<Codec<F>, 'format' | 'version' | 'names'>): Codec<F> {
  return { format, version: WEIGHTS_VERSION, names: { foreign: `a ${format} file`, newer: format }, ...rest };
}

const IO: { [F in WeightsFormat]: ModelIo<F, Kinds[F]['config'], Kinds[F]['model'], WeightsMeta> } = {
  'diffusion-denoiser': modelIo(codec('diffusion-denoiser', { shapes: paramShapes, validate: validateConfig, create: (c, initial) => createDenoiser(c, 1, initial), dispose: disposeDenoiser })),
  'digit-classifier': modelIo(codec('digit-classifier', { shapes: classifierShapes, validate: validateClassifierConfig, create: (c, initial) => createClassifier(c, 1, initial), dispose: disposeClassifier })),
};

const ioOf = <F extends WeightsFormat>(format: F) => IO[format] as ModelIo<F, Kinds[F]['config'], Kinds[F]['model'], WeightsMeta>;

/** The parameters in weight-file order as one float32 buffer, with the manifest. */
export function serialize<F extends WeightsFormat>(format: F, model: Kinds[F]['model'], meta: WeightsMeta, weightsPath = 'weights.bin'): Promise<{ json: WeightsJson<F>; weights: ArrayBuffer }> {
  return ioOf(format).serialize(model, meta, weightsPath);
}

/** Rebuilds a model from its manifest and weights; throws on a foreign, newer or inconsistent file. */
export function deserialize<F extends WeightsFormat>(format: F, json: WeightsJson, weights: ArrayBuffer): Kinds[F]['model'] {
  return ioOf(format).deserialize(json as WeightsJson<F>, weights);
}

/** Loads a shipped model from `dir` (a URL ending in '/'); `fetchFn` defaults to the global fetch. */
export function loadFromUrl<F extends WeightsFormat>(format: F, dir: string, onProgress?: Progress, fetchFn?: (url: string) => Promise<Response>): Promise<{ model: Kinds[F]['model']; json: WeightsJson<F> }> {
  return ioOf(format).loadFromUrl(dir, onProgress, fetchFn);
}

/** Saves through any tf.io handler ('indexeddb://name' in the browser). */
export function saveTo(handler: tf.io.IOHandler | string, format: WeightsFormat, model: Denoiser | Classifier, meta: WeightsMeta): Promise<void> {
  return ioOf(format).saveTo(handler, model as never, meta);
}

/** Loads what saveTo saved. */
export function loadFrom<F extends WeightsFormat>(handler: tf.io.IOHandler | string, format: F): Promise<{ model: Kinds[F]['model']; json: WeightsJson<F> }> {
  return ioOf(format).loadFrom(handler);
}

/** The IndexedDB key of a denoiser fine-tuned in this browser. */
export function indexedDbUrl(model: string): string {
  return `indexeddb://diffusion-${model}`;
}
