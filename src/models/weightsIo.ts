// The weight files every shipped model shares: a tfjs-style model.json (format, version, config, meta, weight
// manifest) next to one little-endian weights.bin holding the named parameters back to back, each float32 or,
// where its manifest entry says `quantization: { dtype: 'float16' }` (tfjs's own field), float16 (half the
// bytes; decoded to float32 at load, see core/float16.ts and scripts/weights-float16.ts); reading
// it with byte progress; and saving/loading the same artifacts through a tf.io handler ('indexeddb://name' in
// the browser, in-memory in tests). Each model's weights.ts says how its kind is named, shaped and built.
import * as tf from '@tensorflow/tfjs-core';
import { decodeFloat16, encodeFloat16 } from '../core/float16';

export type Progress = (loadedBytes: number, totalBytes: number | null) => void;

/** The part of a model JSON this module needs: one weights group, as tfjs's model.json lays it out. */
export type ManifestJson = { weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };

/** Reads a response body, reporting bytes as they arrive (total from Content-Length when known). */
export async function readWithProgress(response: Response, onProgress?: Progress): Promise<ArrayBuffer> {
  if (!response.ok) throw new Error(`${response.url || 'weights'}: HTTP ${response.status}`);
  const header = response.headers.get('content-length');
  const total = header ? Number(header) : null;
  if (!response.body || !onProgress) return response.arrayBuffer();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out.buffer;
}

/** Saves a model's JSON (its manifest becomes the weight specs, the rest the topology) and weights. */
export async function saveArtifacts(handler: tf.io.IOHandler | string, json: ManifestJson, weights: ArrayBuffer, format: string): Promise<void> {
  const io = typeof handler === 'string' ? tf.io.getSaveHandlers(handler)[0] : handler;
  if (!io?.save) throw new Error(`no save handler for ${String(handler)}`);
  const { weightsManifest, ...topology } = json;
  await io.save({
    modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'],
    weightSpecs: weightsManifest[0].weights,
    weightData: weights,
    format,
  });
}

/** Loads what saveArtifacts saved: the model JSON (with an empty paths list) and the weights. */
export async function loadArtifacts<J extends ManifestJson>(handler: tf.io.IOHandler | string): Promise<{ json: J; weights: ArrayBuffer }> {
  const io = typeof handler === 'string' ? tf.io.getLoadHandlers(handler)[0] : handler;
  if (!io?.load) throw new Error(`no load handler for ${String(handler)}`);
  const artifacts = await io.load();
  const topology = artifacts.modelTopology as Omit<J, 'weightsManifest'> | undefined;
  if (!topology || !artifacts.weightSpecs || !artifacts.weightData) throw new Error('saved model is incomplete');
  const json = { ...topology, weightsManifest: [{ paths: [], weights: artifacts.weightSpecs }] } as unknown as J;
  return { json, weights: tf.io.CompositeArrayBuffer.join(artifacts.weightData) };
}

/**
 * The same parameters stored as float16 (nearest, ties to even): the manifest entries gain tfjs's
 * `quantization: { dtype: 'float16', original_dtype: 'float32' }` and the file half the bytes. Values beyond
 * float16's range (±65504) would become infinite: refused.
 */
export function toFloat16(specs: tf.io.WeightsManifestEntry[], weights: ArrayBuffer): { specs: tf.io.WeightsManifestEntry[]; weights: ArrayBuffer } {
  const values = decodeWeights(specs, weights);
  for (let i = 0; i < values.length; i++) {
    if (Math.abs(values[i]) > 65504) throw new RangeError(`a weight (${values[i]}) is beyond float16's range`);
  }
  const half = encodeFloat16(values);
  return {
    specs: specs.map((s) => ({ ...s, dtype: 'float32', quantization: { dtype: 'float16', original_dtype: 'float32' } })),
    weights: half.buffer,
  };
}

/** A model made of named float32 parameters, built from a config. */
export type ParamModel<C> = { config: C; params: Record<string, tf.Variable> };

/** A model.json: what the model is, what it says about itself, and where its weights lie in weights.bin. */
export type ModelFile<F extends string, C, Meta> = {
  format: F;
  version: number;
  config: C;
  meta: Meta;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
};

/** A parameter's starting values by name, in its shape's row-major order. */
export type InitialValues = (name: string) => Float32Array;

/** How one kind of model is stored and rebuilt. */
export type ModelCodec<F extends string, C, M extends ParamModel<C>> = {
  format: F;
  /** The newest file version this app reads (and the one it writes). */
  version: number;
  /** How errors name the kind: `not ${foreign} (format …)` and `${newer} version N is newer than this app reads`. */
  names: { foreign: string; newer: string };
  /** The parameters' names and shapes, in weight-file order. */
  shapes: (config: C) => [string, number[]][];
  /** Throws on a config the model cannot be built from. */
  validate: (config: C) => void;
  /** Builds the model with `initial`'s values (a file's weights: no random initialisation to overwrite). */
  create: (config: C, initial: InitialValues) => M;
  dispose: (model: M) => void;
};

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** How a parameter is stored: float32, or float16 (tfjs's quantization field), decoded to float32 at load. */
const storedAs = (spec: tf.io.WeightsManifestEntry): 'float32' | 'float16' | null =>
  (spec.dtype ?? 'float32') !== 'float32' ? null : !spec.quantization ? 'float32' : spec.quantization.dtype === 'float16' ? 'float16' : null;

/**
 * Every parameter of a manifest as float32 values, back to back in manifest order, from a weights file whose
 * entries are float32 or float16 (4 or 2 bytes each, little-endian). Throws when the sizes disagree.
 */
export function decodeWeights(specs: tf.io.WeightsManifestEntry[], weights: ArrayBuffer): Float32Array {
  let bytes = 0;
  let count = 0;
  for (const s of specs) {
    const as = storedAs(s);
    if (!as) throw new Error(`weights file stores ${s.name} as ${s.quantization?.dtype ?? s.dtype}, not float32 or float16`);
    bytes += sizeOf(s.shape) * (as === 'float16' ? 2 : 4);
    count += sizeOf(s.shape);
  }
  if (bytes !== weights.byteLength) throw new Error(`weights file holds ${weights.byteLength} bytes, its manifest ${bytes}`);
  if (specs.every((s) => !s.quantization)) return new Float32Array(weights);
  const out = new Float32Array(count);
  let at = 0;
  let byte = 0;
  for (const s of specs) {
    const n = sizeOf(s.shape);
    const half = storedAs(s) === 'float16';
    const width = half ? 2 : 4;
    // Views need aligned offsets; an entry after an odd number of float16 values is copied first.
    const buf = byte % width === 0 ? weights : weights.slice(byte, byte + n * width);
    const offset = byte % width === 0 ? byte : 0;
    if (half) decodeFloat16(new Uint16Array(buf, offset, n), out.subarray(at, at + n));
    else out.set(new Float32Array(buf, offset, n), at);
    at += n;
    byte += n * width;
  }
  return out;
}

/** One kind of model's file operations. */
export type ModelIo<F extends string, C, M, Meta> = {
  /** The parameters in weight-file order as one float32 buffer, with the model.json that describes them. */
  serialize: (model: M, meta: Meta, weightsPath?: string) => Promise<{ json: ModelFile<F, C, Meta>; weights: ArrayBuffer }>;
  /** Rebuilds a model from its model.json and weights; throws on a foreign, newer or inconsistent file. */
  deserialize: (json: ModelFile<F, C, Meta>, weights: ArrayBuffer) => M;
  /**
   * Loads a shipped model from `dir` (a URL ending in '/' that holds model.json and the weights file it
   * names). `fetchFn` defaults to the global fetch; tests pass one that reads files.
   */
  loadFromUrl: (dir: string, onProgress?: Progress, fetchFn?: (url: string) => Promise<Response>) => Promise<{ model: M; json: ModelFile<F, C, Meta> }>;
  /** Saves through any tf.io handler ('indexeddb://name' in the browser, an in-memory one in tests). */
  saveTo: (handler: tf.io.IOHandler | string, model: M, meta: Meta) => Promise<void>;
  /** Loads what saveTo saved. */
  loadFrom: (handler: tf.io.IOHandler | string) => Promise<{ model: M; json: ModelFile<F, C, Meta> }>;
};

/** The file operations of the kind of model `codec` describes. */
export function modelIo<F extends string, C, M extends ParamModel<C>, Meta>(codec: ModelCodec<F, C, M>): ModelIo<F, C, M, Meta> {
  type Json = ModelFile<F, C, Meta>;
  async function serialize(model: M, meta: Meta, weightsPath = 'weights.bin'): Promise<{ json: Json; weights: ArrayBuffer }> {
    const specs = codec.shapes(model.config).map(([name, shape]) => ({ name, shape, dtype: 'float32' as const }));
    const data = new Float32Array(specs.reduce((n, s) => n + sizeOf(s.shape), 0));
    let offset = 0;
    for (const spec of specs) {
      const values = (await model.params[spec.name].data()) as Float32Array;
      data.set(values, offset);
      offset += values.length;
    }
    const json: Json = { format: codec.format, version: codec.version, config: model.config, meta, weightsManifest: [{ paths: [weightsPath], weights: specs }] };
    return { json, weights: data.buffer };
  }

  function deserialize(json: Json, weights: ArrayBuffer): M {
    if (json.format !== codec.format) throw new Error(`not ${codec.names.foreign} (format ${String(json.format)})`);
    if (json.version > codec.version) throw new Error(`${codec.names.newer} version ${json.version} is newer than this app reads`);
    codec.validate(json.config);
    const specs = json.weightsManifest.flatMap((group) => group.weights);
    const floats = decodeWeights(specs, weights);
    // Each tensor's values in the file: where they start and how many (the manifest's order and shapes).
    const spans = new Map<string, [number, number]>();
    let at = 0;
    for (const s of specs) {
      spans.set(s.name, [at, at + sizeOf(s.shape)]);
      at += sizeOf(s.shape);
    }
    for (const [name, shape] of codec.shapes(json.config)) {
      const spec = specs.find((s) => s.name === name);
      if (!spec || spec.shape.join() !== shape.join()) {
        throw new Error(`weights file lacks ${name} [${shape}] or has another shape`);
      }
    }
    return codec.create(json.config, (name) => floats.subarray(...spans.get(name)!));
  }

  return {
    serialize,
    deserialize,
    async loadFromUrl(dir, onProgress, fetchFn = (url) => fetch(url)) {
      const response = await fetchFn(`${dir}model.json`);
      if (!response.ok) throw new Error(`${dir}model.json: HTTP ${response.status}`);
      const json = (await response.json()) as Json;
      const weights = await readWithProgress(await fetchFn(`${dir}${json.weightsManifest[0].paths[0]}`), onProgress);
      return { model: deserialize(json, weights), json };
    },
    async saveTo(handler, model, meta) {
      const { json, weights } = await serialize(model, meta);
      await saveArtifacts(handler, json, weights, codec.format);
    },
    async loadFrom(handler) {
      const { json, weights } = await loadArtifacts<Json>(handler);
      return { model: deserialize(json, weights), json };
    },
  };
}
