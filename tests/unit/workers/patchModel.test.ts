// The model worker's patch transformers, driven through the real handler on tfjs's wasm backend with the
// shipped files read from public/ (a 404 for anything missing) and an in-memory store standing in for IndexedDB.
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { deserialize, serialize, type ModelJson } from '../../../src/models/patchAR';
import { createPatchModelHost, CROPS_NOT_SAVED, NO_WEIGHTS, type PatchModelStorage } from '../../../src/workers/hosts/patchModel';
import type { ImagePayload, PatchGeneration, PatchModelStatus, PatchPrediction, PatchTrainResult } from '../../../src/protocol';
import { baseUrl, fileFetch, harness, memoryStorage, PUBLIC, startWasm, trainThenCancel } from './hostHarness';

const raster = { kind: 'raster' as const };
const hasRaster = existsSync(`${PUBLIC}models/patch-ar/raster/model.json`);

const patchStorage = () => memoryStorage({ serialize, deserialize });

function setup(options: { missing?: string[]; storage?: PatchModelStorage; log?: string[]; maxModels?: number } = {}) {
  return harness({
    patchModel: { fetch: fileFetch(options.missing, options.log), storage: options.storage ?? patchStorage(), heldoutLimit: 40, maxModels: options.maxModels },
  });
}

beforeAll(() => startWasm());

describe.skipIf(!hasRaster)('the patch-model host (shipped raster weights)', () => {
  it('loads, evaluates against the baselines, predicts and samples without leaking tensors', async () => {
    const { ask, replies } = setup();
    const loaded = await ask<PatchModelStatus>({ kind: 'patch-model-load', ordering: raster, baseUrl });
    expect(loaded.source).toBe('shipped');
    expect(loaded.note).toBeNull();
    expect(loaded.perStepMse).toHaveLength(49);
    expect(loaded.baselines.copy).toHaveLength(49);
    expect(loaded.heldoutCount).toBe(40);
    expect(loaded.paramCount).toBe(78_608);
    expect(loaded.meanMse).toBeGreaterThan(0);
    // A trained model beats copying the nearest patch on average.
    const copyMean = loaded.baselines.copy.reduce((a, b) => a + b, 0) / 49;
    expect(loaded.meanMse).toBeLessThan(copyMean);
    const progress = replies.filter((r) => r.kind === 'progress');
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toMatchObject({ done: 1000, total: 1000 });

    const first = await ask<PatchPrediction>({ kind: 'patch-model-predict', ordering: raster, baseUrl, digit: 3 });
    expect(first.truth).toHaveLength(784);
    expect(first.predictions).toHaveLength(49 * 16);
    expect(first.predictions.every((v) => v >= 0 && v <= 1)).toBe(true);
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const again = await ask<PatchPrediction>({ kind: 'patch-model-predict', ordering: raster, baseUrl, digit: 3 });
      expect(again.predictions).toEqual(first.predictions);
    }
    expect(tf.memory().numTensors).toBe(tensors);

    const sample = await ask<PatchGeneration>({ kind: 'patch-model-generate', ordering: raster, baseUrl, seed: 7 });
    expect(sample.tokens).toHaveLength(49 * 16);
    expect(sample.image).toHaveLength(784);
    expect(sample.tokens.every((v) => v === 0 || v === 1)).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);
    await expect(ask({ kind: 'patch-model-load', ordering: raster, baseUrl })).resolves.toMatchObject({ version: loaded.version });
    expect(tf.memory().numTensors).toBe(tensors);
    await expect(ask({ kind: 'patch-model-predict', ordering: raster, baseUrl, digit: 40 })).rejects.toThrow(/held-out digits/);
  });

  it('shows shipped weights with the held-out curve their training recorded, without evaluating them again at load', async () => {
    type Recorded = { heldout: { perStep: number[] }; baselinePerStep: Record<'copy' | 'mean' | 'linear', number[]> };
    const metrics = JSON.parse(readFileSync(`${PUBLIC}models/patch-ar/metrics.json`, 'utf8')) as { orders: { raster: Recorded } };
    const { ask, replies } = harness({ patchModel: { fetch: fileFetch(), storage: patchStorage() } }); // all 500 held-out digits
    const loaded = await ask<PatchModelStatus>({ kind: 'patch-model-load', ordering: raster, baseUrl });
    expect(loaded.heldoutCount).toBe(500);
    expect(loaded.perStepMse).toEqual(metrics.orders.raster.heldout.perStep);
    // The simple predictors' curves too (shipped.test.ts recomputes them): they do not depend on the weights.
    const { copy, mean, linear } = metrics.orders.raster.baselinePerStep;
    expect(loaded.baselines).toEqual({ copy, mean, linear });
    expect(replies.some((r) => r.kind === 'progress' && /Evaluating/.test(String(r.label)))).toBe(false);
    // Once trained here, the weights are no longer the recorded ones: the next load evaluates them.
    await ask({ kind: 'patch-model-train', ordering: raster, baseUrl, steps: 2, batch: 8 });
    const trained = await ask<PatchModelStatus>({ kind: 'patch-model-load', ordering: raster, baseUrl });
    expect(trained.perStepMse).not.toEqual(metrics.orders.raster.heldout.perStep);
    expect(trained.baselines).toEqual(loaded.baselines);
    expect(replies.some((r) => r.kind === 'progress' && /Evaluating/.test(String(r.label)))).toBe(true);
  }, 120_000);

  it('trains with live progress, pauses on cancel, resumes, saves (later loads prefer it) and resets', async () => {
    const storage = patchStorage();
    const host = setup({ storage });
    const { ask } = host;
    await ask({ kind: 'patch-model-load', ordering: raster, baseUrl });
    const tensors = tf.memory().numTensors;

    // A long run, cancelled after its second step: the worker answers 'cancelled' and keeps its state.
    await trainThenCancel(host, { kind: 'patch-model-train', ordering: raster, baseUrl, steps: 1000, batch: 4 }, 15_000);
    const paused = await ask<PatchModelStatus>({ kind: 'patch-model-load', ordering: raster, baseUrl });
    const pausedAt = paused.losses.length;
    expect(pausedAt).toBeGreaterThanOrEqual(2);

    const resumed = await ask<PatchTrainResult>({ kind: 'patch-model-train', ordering: raster, baseUrl, steps: 2, batch: 4 });
    expect(resumed.losses).toHaveLength(pausedAt + 2);
    expect(resumed.losses.slice(0, pausedAt)).toEqual(paused.losses);

    const saved = await ask<PatchModelStatus>({ kind: 'patch-model-save', ordering: raster, baseUrl });
    expect(saved.saved).toBe(true);
    expect(storage.items.get('raster')?.json.meta.training).toMatchObject({ stepsInBrowser: pausedAt + 2, basedOn: 'shipped' });

    const other = setup({ storage });
    const beforeOther = tf.memory().numTensors;
    const fromSaved = await other.ask<PatchModelStatus>({ kind: 'patch-model-load', ordering: raster, baseUrl });
    expect(fromSaved.source).toBe('indexeddb');
    const otherModel = tf.memory().numTensors - beforeOther;
    expect(fromSaved.perStepMse).toEqual(saved.perStepMse);

    const reset = await ask<PatchModelStatus>({ kind: 'patch-model-reset', ordering: raster, baseUrl });
    expect(reset).toMatchObject({ source: 'shipped', losses: [], saved: true });
    expect(reset.version).toBeGreaterThan(saved.version);
    // The optimizer's slots and the trained weights are freed; only the other handler's model is new.
    expect(tf.memory().numTensors).toBe(tensors + otherModel);
    const forgot = await ask<PatchModelStatus>({ kind: 'patch-model-forget', ordering: raster, baseUrl });
    expect(forgot.saved).toBe(false);
    expect(storage.items.size).toBe(0);
  }, 20_000);
});

describe('the patch-model host without shipped weights', () => {
  it('starts fresh with a clear note when an order ships no weights, and explains custom orders', async () => {
    const log: string[] = [];
    const { ask } = setup({ missing: ['/hilbert/'], log });
    const hilbert = await ask<PatchModelStatus>({ kind: 'patch-model-load', ordering: { kind: 'hilbert' }, baseUrl });
    expect(hilbert).toMatchObject({ source: 'fresh', note: NO_WEIGHTS });
    expect(hilbert.perStepMse).toHaveLength(49);
    const snake = await ask<PatchModelStatus>({ kind: 'patch-model-load', ordering: { kind: 'snake' }, baseUrl });
    expect(snake.source).toBe('fresh');
    expect(log.some((u) => u.includes('/snake/'))).toBe(false); // no request for weights that never ship
    await expect(ask({ kind: 'patch-model-load', ordering: { kind: 'custom', cells: [1, 2] }, baseUrl })).rejects.toThrow(/Custom orders.*7×7/);
    await expect(ask({ kind: 'patch-model-train', ordering: { kind: 'snake' }, baseUrl, steps: 0 })).rejects.toThrow(/between 1 and/);
  });

  it('keeps at most maxModels models in memory', async () => {
    const { ask } = setup({ maxModels: 2 });
    await ask({ kind: 'patch-model-load', ordering: { kind: 'snake' }, baseUrl });
    const one = tf.memory().numTensors;
    await ask({ kind: 'patch-model-load', ordering: { kind: 'column' }, baseUrl });
    const perModel = tf.memory().numTensors - one;
    expect(perModel).toBeGreaterThan(0);
    await ask({ kind: 'patch-model-load', ordering: { kind: 'zigzag' }, baseUrl });
    await ask({ kind: 'patch-model-load', ordering: { kind: 'spiral' }, baseUrl });
    await expect.poll(() => tf.memory().numTensors).toBe(one + perModel); // still two models: the oldest were freed
    await expect(ask({ kind: 'patch-model-load', ordering: { kind: 'snake' }, baseUrl })).resolves.toMatchObject({ source: 'fresh' });
  });

  it.skipIf(!existsSync(`${PUBLIC}models/patch-ar/random/model.json`))('says which seed the shipped random-order model is for', async () => {
    const json = JSON.parse(readFileSync(`${PUBLIC}models/patch-ar/random/model.json`, 'utf8')) as ModelJson;
    const seed = json.meta.order.seed ?? 0;
    const { ask } = setup();
    const other = await ask<PatchModelStatus>({ kind: 'patch-model-load', ordering: { kind: 'random', seed: seed + 1 }, baseUrl });
    expect(other.source).toBe('fresh');
    expect(other.note).toContain(`seed ${seed}`);
    const same = await ask<PatchModelStatus>({ kind: 'patch-model-load', ordering: { kind: 'random', seed }, baseUrl });
    expect(same.source).toBe('shipped');
  });
});

/** A 64×48 RGB test picture: smooth colour ramps plus seeded speckle, so crops differ and neighbours predict. */
function testImage(hash: string, phase = 0): ImagePayload {
  const width = 64;
  const height = 48;
  const data = new Float32Array(width * height * 3);
  let r = 12345 + phase;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      r = (r * 1103515245 + 12345) % 2147483648;
      const o = (y * width + x) * 3;
      data[o] = x / width;
      data[o + 1] = 0.5 + 0.4 * Math.sin((x + y + phase) / 6);
      data[o + 2] = Math.min(1, y / height + 0.1 * (r / 2147483648));
    }
  }
  return { width, height, data, hash };
}

describe('the patch-model host on crops of the current image', () => {
  it('trains a fresh 8×8 RGB model on crops, evaluates it on held-out crops, predicts and samples without leaking tensors', async () => {
    const storage = patchStorage();
    const log: string[] = [];
    const { ask } = setup({ storage, log });
    const target = { ordering: raster, baseUrl, data: 'crops' as const };
    const image = testImage('img-a');
    await expect(ask({ kind: 'patch-model-load', ...target })).rejects.toThrow(/needs the current image/);
    const before = tf.memory().numTensors;
    const loaded = await ask<PatchModelStatus>({ kind: 'patch-model-load', ...target, image });
    expect(loaded).toMatchObject({ key: 'crops|raster', data: 'crops', source: 'fresh', note: null, rows: 8, cols: 8, side: 32, channels: 3, heldoutCount: 40, losses: [] });
    expect(loaded.perStepMse).toHaveLength(64);
    expect(loaded.baselines.copy).toHaveLength(64);
    expect(loaded.baselines.linear.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(loaded.paramCount).toBeGreaterThan(78_608); // wider patch tokens (48 values) and a 64-step grid
    expect(log).toEqual([]); // nothing downloaded: no digits, no weights
    const model = tf.memory().numTensors - before;

    // Digit and crop models of one ordering live side by side.
    const digits = await ask<PatchModelStatus>({ kind: 'patch-model-load', ordering: { kind: 'snake' }, baseUrl });
    const cropSnake = await ask<PatchModelStatus>({ kind: 'patch-model-load', ordering: { kind: 'snake' }, baseUrl, data: 'crops', image: testImage('img-a') });
    expect([digits.key, digits.data, digits.perStepMse.length, digits.channels]).toEqual(['snake', 'digits', 49, 1]);
    expect([cropSnake.key, cropSnake.perStepMse.length]).toEqual(['crops|snake', 64]);

    const trained = await ask<PatchTrainResult>({ kind: 'patch-model-train', ...target, image: testImage('img-a'), steps: 3, batch: 4 });
    expect(trained.losses).toHaveLength(3);
    expect(trained.losses.every(Number.isFinite)).toBe(true);
    const after = await ask<PatchModelStatus>({ kind: 'patch-model-load', ...target, image: testImage('img-a') });
    expect(after.version).toBeGreaterThan(loaded.version);
    expect(after.losses).toEqual(trained.losses);
    expect(after.baselines).toEqual(loaded.baselines); // same image, same held-out crops
    expect(after.perStepMse).not.toEqual(loaded.perStepMse);

    const tensors = tf.memory().numTensors;
    const pred = await ask<PatchPrediction>({ kind: 'patch-model-predict', ...target, image: testImage('img-a'), digit: 5 });
    expect(pred.truth).toHaveLength(32 * 32 * 3);
    expect(pred.predictions).toHaveLength(64 * 48);
    expect(pred.perStepMse).toHaveLength(64);
    await expect(ask({ kind: 'patch-model-predict', ...target, image: testImage('img-a'), digit: 40 })).rejects.toThrow(/held-out crops/);
    const sample = await ask<PatchGeneration>({ kind: 'patch-model-generate', ...target, image: testImage('img-a'), seed: 3 });
    expect(sample.mode).toBe('gaussian');
    expect(sample.tokens).toHaveLength(64 * 48);
    expect(sample.image).toHaveLength(32 * 32 * 3);
    expect(sample.image.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);

    // Another image: new held-out crops, so new baselines; the model and its training stay.
    const other = await ask<PatchModelStatus>({ kind: 'patch-model-load', ...target, image: testImage('img-b', 17) });
    expect(other.baselines).not.toEqual(loaded.baselines);
    expect(other.losses).toHaveLength(3);

    await expect(ask({ kind: 'patch-model-save', ...target, image: testImage('img-b', 17) })).rejects.toThrow(CROPS_NOT_SAVED);
    expect(storage.items.size).toBe(0);
    const reset = await ask<PatchModelStatus>({ kind: 'patch-model-reset', ...target, image: testImage('img-b', 17) });
    expect(reset).toMatchObject({ source: 'fresh', losses: [] });
    // The optimizer's slots and the trained weights are freed: three models' tensors (two crop, one digit) remain.
    expect(tf.memory().numTensors).toBe(before + 3 * model);
    await expect(ask({ kind: 'patch-model-load', ordering: { kind: 'custom', cells: [1, 2] }, baseUrl, data: 'crops', image })).rejects.toThrow(/8×8/);
  }, 30_000);
});

describe.skipIf(!hasRaster)('the patch-model host while tfjs starts', () => {
  it('downloads the held-out digits, the weights and the recorded curves before the backend is ready, each once', async () => {
    const log: string[] = [];
    let backendUp: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (backendUp = resolve));
    const host = createPatchModelHost({ fetch: fileFetch([], log), storage: patchStorage(), heldoutLimit: 40, ready: () => started });
    const ctx = { cancelled: () => false, signal: new AbortController().signal, progress: () => undefined };
    const loading = host.handle({ id: 1, kind: 'patch-model-load', ordering: raster, baseUrl }, ctx);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.map((u) => u.slice(baseUrl.length)).sort()).toEqual([
      'models/patch-ar/digits-heldout.bin', 'models/patch-ar/metrics.json', 'models/patch-ar/raster/model.json', 'models/patch-ar/raster/weights.bin',
    ]);
    backendUp();
    expect(((await loading) as PatchModelStatus).source).toBe('shipped');
    for (const file of ['raster/model.json', 'raster/weights.bin', 'digits-heldout.bin']) expect(log.filter((u) => u.endsWith(file)), file).toHaveLength(1);
  }, 60_000);
});
