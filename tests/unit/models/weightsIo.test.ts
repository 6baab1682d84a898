import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../../src/models/tfjsRegistrations';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromFloat16Bits, toFloat16Bits } from '../../../src/core/float16';
import { mulberry32 } from '../../../src/core/random';
import { modelIo, toFloat16, type InitialValues, type ModelFile, type ParamModel } from '../../../src/models/weightsIo';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** A stand-in model kind: a vector `a` [n] and a matrix `b/w` [2, n]. */
type Config = { n: number };
type Toy = ParamModel<Config>;
type Meta = { note: string };

const shapes = (c: Config): [string, number[]][] => [['a', [c.n]], ['b/w', [2, c.n]]];

/** `values`: all parameters back to back, or by name (as the codec's create gets a file's). */
function createToy(config: Config, values?: Float32Array | InitialValues): Toy {
  const params: Record<string, tf.Variable> = {};
  let at = 0;
  for (const [name, shape] of shapes(config)) {
    const size = shape.reduce((x, y) => x * y, 1);
    const v = typeof values === 'function' ? values(name) : values ? values.subarray(at, at + size) : new Float32Array(size);
    params[name] = tf.tidy(() => tf.variable(tf.tensor(v, shape)));
    at += size;
  }
  return { config, params };
}

const disposeToy = (m: Toy) => Object.values(m.params).forEach((v) => v.dispose());

const io = modelIo<'toy', Config, Toy, Meta>({
  format: 'toy',
  version: 2,
  names: { foreign: 'a toy model', newer: 'toy model' },
  shapes,
  validate: (c) => {
    if (!(Number.isInteger(c.n) && c.n > 0)) throw new RangeError('n must be a positive integer');
  },
  create: (c, initial) => createToy(c, initial),
  dispose: disposeToy,
});

/** Values whose bits a lossy path would change: −0, the smallest subnormal, ±∞, the largest float32, 1/3. */
const SPECIAL = new Float32Array([-0, 1e-45, Infinity, -Infinity, 3.4028234663852886e38, 1 / 3, -2.5, 7, 1e-20]);

const bytesOf = (b: ArrayBuffer) => Array.from(new Uint8Array(b));

async function toyFile() {
  const model = createToy({ n: 3 }, SPECIAL);
  const file = await io.serialize(model, { note: 'hi' });
  disposeToy(model);
  return file;
}

function filesFetch(files: Record<string, Uint8Array<ArrayBuffer> | undefined>) {
  return async (url: string) => {
    const body = files[url.slice('dir/'.length)];
    return body ? new Response(body, { headers: { 'content-length': String(body.length) } }) : new Response('missing', { status: 404 });
  };
}

describe('model weight files', () => {
  it('writes the parameters back to back in shape order, with a manifest naming each', async () => {
    const { json, weights } = await toyFile();
    expect(json).toEqual({
      format: 'toy',
      version: 2,
      config: { n: 3 },
      meta: { note: 'hi' },
      weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'a', shape: [3], dtype: 'float32' }, { name: 'b/w', shape: [2, 3], dtype: 'float32' }] }],
    });
    expect(bytesOf(weights)).toEqual(bytesOf(SPECIAL.slice().buffer));
  });

  it('round-trips bit for bit through model.json text and weights.bin bytes', async () => {
    const { json, weights } = await toyFile();
    const files = { 'model.json': new TextEncoder().encode(JSON.stringify(json)), 'weights.bin': new Uint8Array(weights) };
    const progress: number[] = [];
    const { model, json: read } = await io.loadFromUrl('dir/', (loaded) => progress.push(loaded), filesFetch(files));
    expect(read).toEqual(json);
    expect(progress.at(-1)).toBe(weights.byteLength);
    const again = await io.serialize(model, read.meta);
    expect(bytesOf(again.weights)).toEqual(bytesOf(weights));
    disposeToy(model);
  });

  it('round-trips bit for bit through a tf.io handler (as IndexedDB stores it)', async () => {
    const original = createToy({ n: 3 }, SPECIAL);
    let saved: tf.io.ModelArtifacts | undefined;
    await io.saveTo(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }), original, { note: 'saved' });
    expect(saved?.format).toBe('toy');
    const { model, json } = await io.loadFrom(tf.io.fromMemory(saved!));
    expect(json.meta).toEqual({ note: 'saved' });
    expect(bytesOf((await io.serialize(model, json.meta)).weights)).toEqual(bytesOf(SPECIAL.slice().buffer));
    disposeToy(original);
    disposeToy(model);
  });

  it('reads a file whose manifest lists the weights in another order', async () => {
    const { json, weights } = await toyFile();
    const floats = new Float32Array(weights);
    const swapped = new Float32Array([...floats.subarray(3), ...floats.subarray(0, 3)]);
    const [a, bw] = json.weightsManifest[0].weights;
    const model = io.deserialize({ ...json, weightsManifest: [{ paths: ['weights.bin'], weights: [bw, a] }] }, swapped.buffer);
    expect(bytesOf((await io.serialize(model, json.meta)).weights)).toEqual(bytesOf(weights));
    disposeToy(model);
  });

  it('refuses a bad file with an error that says what is wrong, and leaks no tensors', async () => {
    const { json, weights } = await toyFile();
    const before = tf.memory().numTensors;
    const withSpecs = (specs: tf.io.WeightsManifestEntry[]): ModelFile<'toy', Config, Meta> => ({ ...json, weightsManifest: [{ paths: ['weights.bin'], weights: specs }] });
    const [a, bw] = json.weightsManifest[0].weights;
    expect(() => io.deserialize({ ...json, format: 'other' as 'toy' }, weights)).toThrow('not a toy model (format other)');
    expect(() => io.deserialize({ ...json, version: 3 }, weights)).toThrow('toy model version 3 is newer than this app reads');
    expect(() => io.deserialize({ ...json, config: { n: 0 } }, weights)).toThrow('n must be a positive integer');
    expect(() => io.deserialize(json, weights.slice(4))).toThrow('weights file holds 32 bytes, its manifest 36');
    expect(() => io.deserialize(withSpecs([a, { ...bw, name: 'c' }]), weights)).toThrow('weights file lacks b/w [2,3] or has another shape');
    expect(() => io.deserialize(withSpecs([a, { ...bw, shape: [3, 2] }]), weights)).toThrow('weights file lacks b/w [2,3] or has another shape');
    expect(() => io.deserialize(withSpecs([a, { ...bw, dtype: 'int32' }]), weights)).toThrow('weights file stores b/w as int32, not float32 or float16');
    expect(() => io.deserialize(withSpecs([a, { ...bw, quantization: { dtype: 'uint8', scale: 1, min: 0 } }]), weights)).toThrow('weights file stores b/w as uint8, not float32 or float16');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says which file could not be fetched', async () => {
    const { json, weights } = await toyFile();
    await expect(io.loadFromUrl('dir/', undefined, filesFetch({ 'weights.bin': new Uint8Array(weights) }))).rejects.toThrow('dir/model.json: HTTP 404');
    await expect(io.loadFromUrl('dir/', undefined, filesFetch({ 'model.json': new TextEncoder().encode(JSON.stringify(json)) }))).rejects.toThrow('HTTP 404');
  });

  it('reads float16 weights: every value the nearest float16 (ties to even), half the bytes, float32 entries beside them', async () => {
    const r = mulberry32(5);
    const values = Float32Array.from({ length: 9 }, () => (r() - 0.5) * 10);
    const model = createToy({ n: 3 }, values);
    const { json, weights } = await io.serialize(model, { note: 'half' });
    disposeToy(model);
    const half = toFloat16(json.weightsManifest[0].weights, weights);
    expect(half.weights.byteLength).toBe(weights.byteLength / 2);
    expect(half.specs.map((s) => s.quantization?.dtype)).toEqual(['float16', 'float16']);
    // The definition: the float16 nearest to each value, checked against its two neighbours.
    const read = io.deserialize({ ...json, weightsManifest: [{ paths: ['weights.bin'], weights: half.specs }] }, half.weights);
    const got = new Float32Array((await io.serialize(read, json.meta)).weights);
    disposeToy(read);
    values.forEach((v, i) => {
      const h = toFloat16Bits(v);
      expect(got[i]).toBe(fromFloat16Bits(h));
      for (const other of [h - 1, h + 1]) expect(Math.abs(fromFloat16Bits(other) - v)).toBeGreaterThanOrEqual(Math.abs(got[i] - v));
      expect(Math.abs(got[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11);
    });
    // A float16 entry of 3 values (6 bytes) followed by a float32 one: the float32 values start unaligned.
    const mixed = new Uint8Array(6 + 24);
    mixed.set(new Uint8Array(Uint16Array.from(values.subarray(0, 3), toFloat16Bits).buffer), 0);
    mixed.set(new Uint8Array(values.slice(3).buffer), 6);
    const [a, bw] = json.weightsManifest[0].weights;
    const m2 = io.deserialize({ ...json, weightsManifest: [{ paths: ['weights.bin'], weights: [half.specs[0], bw] }] }, mixed.buffer);
    const back = new Float32Array((await io.serialize(m2, json.meta)).weights);
    disposeToy(m2);
    expect(Array.from(back.subarray(3))).toEqual(Array.from(values.subarray(3)));
    expect(Array.from(back.subarray(0, 3))).toEqual(Array.from(values.subarray(0, 3), (v) => fromFloat16Bits(toFloat16Bits(v))));
    expect(a.name).toBe('a');
  });

  it('refuses to store as float16 a weight beyond its range (±65504)', async () => {
    const model = createToy({ n: 3 }, Float32Array.from([1, 2, 70000, 0, 0, 0, 0, 0, 0]));
    const { json, weights } = await io.serialize(model, { note: '' });
    disposeToy(model);
    expect(() => toFloat16(json.weightsManifest[0].weights, weights)).toThrow("a weight (70000) is beyond float16's range");
  });
});
