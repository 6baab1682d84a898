// The model worker's RQ auto-encoders, driven through the real handler on tfjs's wasm backend with the
// shipped files read from public/ (a 404 for anything missing) and an in-memory store standing in for IndexedDB.
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { deserialize, serialize } from '../../../src/models/rqae';
import { CROPS_NOT_SAVED, type RqaeModelStorage } from '../../../src/workers/hosts/rqaeModel';
import { RQAE_SHIPPED_MODELS, type ImagePayload, type RqaeComparison, type RqaeModelStatus, type RqaeReconstruction, type RqaeTrainResult } from '../../../src/protocol';
import { baseUrl, fileFetch, harness, memoryStorage, PUBLIC, startWasm, trainThenCancel } from './hostHarness';

const shipped = ['summed-d4', 'summed-d8', 'summed-d16', 'full-d8'].every((k) => existsSync(`${PUBLIC}models/rqae/${k}/model.json`));
const target = { model: 'summed-d4', baseUrl };

const rqaeStorage = () => memoryStorage({ serialize, deserialize });

function setup(options: { missing?: string[]; storage?: RqaeModelStorage; log?: string[] } = {}) {
  return harness({ rqaeModel: { fetch: fileFetch(options.missing, options.log), storage: options.storage ?? rqaeStorage(), heldoutLimit: 24 } });
}

function testImage(hash: string): ImagePayload {
  const width = 48;
  const height = 40;
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = x / width;
      data[o + 1] = 0.5 + 0.4 * Math.sin((x + y) / 5);
      data[o + 2] = y / height;
    }
  }
  return { width, height, data, hash };
}

beforeAll(() => startWasm(true));

describe.skipIf(!shipped)('the RQ auto-encoder host (shipped digit weights)', () => {
  it('loads with progress, evaluates per depth, reconstructs at every depth and compares models without leaking tensors', async () => {
    const { ask, replies } = setup();
    const loaded = await ask<RqaeModelStatus>({ kind: 'rqae-load', ...target });
    expect(loaded).toMatchObject({ source: 'shipped', note: null, objective: 'summed', depth: 4, side: 28, channels: 1, heldoutCount: 24 });
    expect(loaded.psnrPerDepth).toHaveLength(4);
    expect(loaded.increaseFractionPerStep).toHaveLength(3);
    expect(loaded.health).toHaveLength(4);
    // Every latent vector of every held-out digit gets one code per depth.
    for (const h of loaded.health) expect(h.counts.reduce((a, b) => a + b, 0)).toBe(24 * 49);
    expect(loaded.recorded?.psnrPerDepth).toHaveLength(4);
    const progress = replies.filter((r) => r.kind === 'progress');
    expect(progress.at(-1)).toMatchObject({ done: 1000, total: 1000 });

    const first = await ask<RqaeReconstruction>({ kind: 'rqae-reconstruct', ...target, digit: 2 });
    expect(first.truth).toHaveLength(784);
    expect(first.reconstructions).toHaveLength(4 * 784);
    expect(first.msePerDepth).toHaveLength(4);
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const again = await ask<RqaeReconstruction>({ kind: 'rqae-reconstruct', ...target, digit: 2 });
      expect(again.reconstructions).toEqual(first.reconstructions);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    await expect(ask({ kind: 'rqae-reconstruct', ...target, digit: 24 })).rejects.toThrow(/held-out digits/);

    const compared = await ask<RqaeComparison>({ kind: 'rqae-compare', baseUrl });
    expect(compared.models.map((m) => m.model)).toEqual(RQAE_SHIPPED_MODELS.map((m) => m.key));
    expect(compared.models[0].psnrPerDepth).toEqual(loaded.psnrPerDepth); // the same weights, the same digits
    expect(compared.models[2].psnrPerDepth).toHaveLength(16);
    const afterCompare = tf.memory().numTensors;
    await ask({ kind: 'rqae-compare', baseUrl });
    expect(tf.memory().numTensors).toBe(afterCompare); // evaluations are cached per weights version
    await expect(ask({ kind: 'rqae-load', model: 'summed-d5', baseUrl })).rejects.toThrow(/unknown RQ auto-encoder/);
  }, 60_000);

  it('trains with live progress, pauses on cancel, resumes, saves (later loads prefer it), resets and forgets', async () => {
    const storage = rqaeStorage();
    const host = setup({ storage });
    const { ask } = host;
    await ask({ kind: 'rqae-load', ...target });
    const tensors = tf.memory().numTensors;

    await trainThenCancel(host, { kind: 'rqae-train', ...target, steps: 1000, batch: 4 }, 20_000);
    const paused = await ask<RqaeModelStatus>({ kind: 'rqae-load', ...target });
    const pausedAt = paused.losses.length;
    expect(pausedAt).toBeGreaterThanOrEqual(2);

    const resumed = await ask<RqaeTrainResult>({ kind: 'rqae-train', ...target, steps: 2, batch: 4 });
    expect(resumed.losses).toHaveLength(pausedAt + 2);
    expect(resumed.losses.slice(0, pausedAt)).toEqual(paused.losses);

    const saved = await ask<RqaeModelStatus>({ kind: 'rqae-save', ...target });
    expect(saved.saved).toBe(true);
    expect(storage.items.get('summed-d4')?.json.meta.training).toMatchObject({ stepsInBrowser: pausedAt + 2, basedOn: 'shipped' });

    const other = setup({ storage });
    const beforeOther = tf.memory().numTensors;
    const fromSaved = await other.ask<RqaeModelStatus>({ kind: 'rqae-load', ...target });
    expect(fromSaved.source).toBe('indexeddb');
    expect(fromSaved.psnrPerDepth).toEqual(saved.psnrPerDepth);
    const otherModel = tf.memory().numTensors - beforeOther;

    const reset = await ask<RqaeModelStatus>({ kind: 'rqae-reset', ...target });
    expect(reset).toMatchObject({ source: 'shipped', losses: [], saved: true });
    expect(reset.version).toBeGreaterThan(saved.version);
    expect(tf.memory().numTensors).toBe(tensors + otherModel); // optimizer slots and trained weights freed
    const forgot = await ask<RqaeModelStatus>({ kind: 'rqae-forget', ...target });
    expect(forgot.saved).toBe(false);
    expect(storage.items.size).toBe(0);
  }, 60_000);
});

describe('the RQ auto-encoder host on crops of the current image', () => {
  it('trains a fresh 32×32 RGB model (a plain auto-encoder during its warm-up) and evaluates it on held-out crops', async () => {
    const storage = rqaeStorage();
    const log: string[] = [];
    const { ask } = setup({ storage, log });
    const crops = { model: 'summed-d4', baseUrl, data: 'crops' as const };
    await expect(ask({ kind: 'rqae-load', ...crops })).rejects.toThrow(/needs the current image/);
    const loaded = await ask<RqaeModelStatus>({ kind: 'rqae-load', ...crops, image: testImage('a') });
    expect(loaded).toMatchObject({ key: 'crops|summed-d4', data: 'crops', source: 'fresh', side: 32, channels: 3, heldoutCount: 24, recorded: null });
    expect(log).toEqual([]); // nothing downloaded
    const trained = await ask<RqaeTrainResult>({ kind: 'rqae-train', ...crops, image: testImage('a'), steps: 3, batch: 4 });
    expect(trained.losses).toHaveLength(3);
    expect(trained.losses.every(Number.isFinite)).toBe(true);
    const rec = await ask<RqaeReconstruction>({ kind: 'rqae-reconstruct', ...crops, image: testImage('a'), digit: 1 });
    expect(rec.reconstructions).toHaveLength(4 * 32 * 32 * 3);
    await expect(ask({ kind: 'rqae-save', ...crops, image: testImage('a') })).rejects.toThrow(CROPS_NOT_SAVED);

    // One codebook per depth is another model, side by side with the shared one.
    const perDepth = await ask<RqaeModelStatus>({ kind: 'rqae-load', ...crops, image: testImage('a'), perDepthCodebooks: true });
    expect(perDepth).toMatchObject({ key: 'crops|summed-d4|per-depth', sharedCodebook: false, depth: 4 });
    expect(perDepth.paramCount).toBe(loaded.paramCount + 3 * 128 * 8); // three more codebooks of 128 × 8
    expect(perDepth.health).toHaveLength(4);
  }, 60_000);
});

describe.skipIf(!shipped || !existsSync(`${PUBLIC}models/rqae/full-d4/model.json`))('which form of objective (a) shipped weights were trained with', () => {
  it('says so for weights made with the earlier form, and not for weights trained to the plateau', async () => {
    // Weights of the earlier form carry no stop reason: full-d8's, as they were before it was retrained.
    const files = fileFetch();
    const earlierFiles = async (url: string) => {
      const response = await files(url);
      if (!url.endsWith('/full-d8/model.json')) return response;
      const json = (await response.json()) as { meta: { training?: { stopReason?: string } } };
      delete json.meta.training?.stopReason;
      return new Response(JSON.stringify(json));
    };
    const { ask } = harness({ rqaeModel: { fetch: earlierFiles, storage: rqaeStorage(), heldoutLimit: 24 } });
    const earlier = await ask<RqaeModelStatus>({ kind: 'rqae-load', model: 'full-d8', baseUrl });
    expect(earlier.note).toMatch(/earlier form of objective \(a\)/);
    const retrained = await ask<RqaeModelStatus>({ kind: 'rqae-load', model: 'full-d4', baseUrl });
    expect(retrained.note ?? '').not.toMatch(/earlier form/);
  }, 120_000);
});
