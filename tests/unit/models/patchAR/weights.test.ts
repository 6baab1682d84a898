import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { patchOrder } from '../../../../src/core/orderings';
import { createPatchAR, dispose, forward, patchDim, type PatchAR } from '../../../../src/models/patchAR/model';
import { deserialize, loadFrom, loadFromUrl, saveTo, serialize } from '../../../../src/models/patchAR/weights';
import { randomTokens, TINY, useWasm } from './setup';

const N = TINY.rows * TINY.cols;
const order = patchOrder('hilbert', 3, 3);
const meta = { order: { kind: 'hilbert', cells: Array.from(order) } };

beforeAll(useWasm);

async function predictions(model: PatchAR): Promise<Float32Array> {
  const out = tf.tidy(() => forward(model, tf.tensor3d(randomTokens(TINY, 2, 4), [2, N, patchDim(TINY)]), order));
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

describe('patch transformer weights', () => {
  it('round-trips through model.json + weights.bin with identical predictions', async () => {
    const model = createPatchAR(TINY, 5);
    const { json, weights } = await serialize(model, meta);
    // Through text and bytes, as the files are written and fetched.
    const files: Record<string, Uint8Array<ArrayBuffer>> = { 'model.json': new TextEncoder().encode(JSON.stringify(json)), 'weights.bin': new Uint8Array(weights) };
    const seen: number[] = [];
    const { model: loaded, json: loadedJson } = await loadFromUrl(
      'dir/',
      (bytes) => seen.push(bytes),
      async (url) => {
        const body = files[url.slice('dir/'.length)];
        return new Response(body, { headers: { 'content-length': String(body.length) } });
      },
    );
    expect(loadedJson.meta.order.cells).toEqual(Array.from(order));
    expect(await predictions(loaded)).toEqual(await predictions(model));
    expect(seen.at(-1)).toBe(weights.byteLength);
    dispose(model);
    dispose(loaded);
  });

  it('round-trips through a tf.io handler (as IndexedDB stores it)', async () => {
    const model = createPatchAR(TINY, 6);
    let saved: tf.io.ModelArtifacts | undefined;
    await saveTo(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }), model, meta);
    const { model: loaded } = await loadFrom(tf.io.fromMemory(saved!));
    expect(await predictions(loaded)).toEqual(await predictions(model));
    dispose(model);
    dispose(loaded);
  });

  it('refuses weights that do not match the manifest', async () => {
    const model = createPatchAR(TINY, 7);
    const { json, weights } = await serialize(model, meta);
    dispose(model);
    const before = tf.memory().numTensors;
    expect(() => deserialize(json, weights.slice(4))).toThrow(/weights file holds \d+ bytes, its manifest \d+/);
    expect(() => deserialize({ ...json, format: 'other' as 'patch-ar' }, weights)).toThrow(/format/);
    expect(() => deserialize({ ...json, config: { ...TINY, dModel: 32 } }, weights)).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
