// The model worker's denoisers, driven through the real handler on tfjs's wasm backend with the shipped files
// read from public/ (a 404 for anything missing) and an in-memory store standing in for IndexedDB.
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduleLevels } from '../../../src/core/diffusion/samplers';
import { classifierShapes, deserialize, DIGIT_CLASSIFIER, disposeDenoiser, sampleImages, serialize, toPixels, type Denoiser, type WeightsMeta } from '../../../src/models/diffusion';
import { createDenoiserHost, type DenoiserStorage } from '../../../src/workers/hosts/denoiser';
import type { DenoiserPrediction, DenoiserSampleResult, DenoiserStatus, DenoiserTrainResult } from '../../../src/protocol/denoiser';
import { baseUrl, fileFetch, harness, memoryStorage, PUBLIC, startWasm, trainThenCancel } from './hostHarness';

const hasDigits = existsSync(`${PUBLIC}models/diffusion/digits/model.json`);
const digits = { model: 'digits' as const, baseUrl };

const denoiserStorage = () => memoryStorage({
  serialize: (model: Denoiser, meta: WeightsMeta) => serialize('diffusion-denoiser', model, meta),
  deserialize: (json, weights) => deserialize('diffusion-denoiser', json, weights),
});

function setup(options: { missing?: string[]; storage?: DenoiserStorage } = {}) {
  return harness({ denoiser: { fetch: fileFetch(options.missing), storage: options.storage ?? denoiserStorage(), heldoutLimit: 20 } });
}

beforeAll(() => startWasm(true));

describe.skipIf(!hasDigits)('the denoiser host (shipped digit weights)', () => {
  it('loads with progress phases, evaluates the 50-bin λ profile, predicts and samples without leaking tensors', async () => {
    const { ask, replies } = setup();
    const loaded = await ask<DenoiserStatus>({ kind: 'denoiser-load', ...digits });
    expect(loaded).toMatchObject({ model: 'digits', side: 28, channels: 1, classes: 11, parameterization: 'eps', source: 'shipped', saved: false, heldoutCount: 20 });
    expect(loaded.lambda).toHaveLength(50);
    expect(loaded.loss).toHaveLength(50);
    expect(loaded.lambda[0]).toBeLessThan(loaded.lambda[49]); // from high noise to low noise
    expect(loaded.classifierAccuracy).toBeGreaterThanOrEqual(0.98);
    const phases = replies.filter((r) => r.kind === 'progress').map((r) => (r.kind === 'progress' ? (r.data as { phase: string }).phase : ''));
    expect(new Set(phases)).toEqual(new Set(['backend', 'data', 'weights', 'evaluating']));

    const tensors = tf.memory().numTensors;
    const level = { alpha: 0.8, sigma: 0.6 };
    const first = await ask<DenoiserPrediction>({ kind: 'denoiser-predict', ...digits, heldout: 3, level, seed: 1 });
    expect(first.clean).toHaveLength(784);
    expect(first.label).not.toBeNull();
    expect(first.x0hat.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(first.lambda).toBeCloseTo(2 * Math.log(0.8 / 0.6), 6);
    // A trained denoiser's x̂0 beats the noisy input as a guess of x0.
    const noisyMse = first.noisy.reduce((a, v, i) => a + (v - first.clean[i]) ** 2, 0) / 784;
    expect(first.mse).toBeLessThan(noisyMse);
    for (let i = 0; i < 20; i++) {
      const again = await ask<DenoiserPrediction>({ kind: 'denoiser-predict', ...digits, heldout: 3, level: { alpha: Math.cos(i / 15), sigma: Math.sin(i / 15) }, seed: 1 });
      expect(again.version).toBe(loaded.version);
    }
    const fromPixels = await ask<DenoiserPrediction>({ kind: 'denoiser-predict', ...digits, pixels: first.clean, level, seed: 1, label: first.label! });
    expect(fromPixels.x0hat).toEqual(first.x0hat);
    expect(tf.memory().numTensors).toBe(tensors);

    const levels = scheduleLevels('cosine', 10);
    const id0 = replies.length;
    const sampled = await ask<DenoiserSampleResult>({ kind: 'denoiser-sample', ...digits, sampler: 'ddim', levels, seed: 4, count: 3, label: 7, guidance: 2, interval: [0.1, 20], stripCount: 4 });
    expect(sampled.images).toHaveLength(3 * 784);
    expect(sampled.strip).toHaveLength(3 * 4 * 784);
    expect(sampled.stripSigma).toHaveLength(4);
    expect(sampled.stripSigma[0]).toBeGreaterThan(sampled.stripSigma[3]);
    expect(sampled.predictedClass).toHaveLength(3);
    expect(sampled.confidence!.every((c) => c > 0 && c <= 1)).toBe(true);
    const stepReplies = replies.slice(id0).filter((r) => r.kind === 'progress').map((r) => (r.kind === 'progress' ? r.done : 0));
    expect(stepReplies).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const again = await ask<DenoiserSampleResult>({ kind: 'denoiser-sample', ...digits, sampler: 'ddim', levels, seed: 4, count: 3, label: 7, guidance: 2, interval: [0.1, 20], stripCount: 4 });
    expect(again.images).toEqual(sampled.images); // seeded
    for (const sampler of ['ddpm', 'euler'] as const) {
      const s = await ask<DenoiserSampleResult>({ kind: 'denoiser-sample', ...digits, sampler, levels, seed: 4, count: 1 });
      expect(s.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    // The classifier that reads the samples' classes loads with the first sampling run (the load only uses its
    // recorded accuracy), and stays: its weights are the only new tensors.
    expect(tf.memory().numTensors).toBe(tensors + classifierShapes(DIGIT_CLASSIFIER).length);
    await expect(ask({ kind: 'denoiser-predict', ...digits, heldout: 20, level, seed: 1 })).rejects.toThrow(/held-out digits/);
    await expect(ask({ kind: 'denoiser-sample', ...digits, sampler: 'ddim', levels: [levels[0]], seed: 1, count: 1 })).rejects.toThrow(/noise levels/);
  }, 60_000);

  it('shows shipped weights with the held-out profile and classifier accuracy their training recorded, without evaluating again at load', async () => {
    const metrics = JSON.parse(readFileSync(`${PUBLIC}models/diffusion/metrics.json`, 'utf8')) as {
      digits: { heldout: { lambda: number[]; loss: number[] } }; classifier: { heldoutAccuracy: number };
    };
    const { ask, replies } = harness({ denoiser: { fetch: fileFetch(), storage: denoiserStorage() } }); // all held-out digits
    const loaded = await ask<DenoiserStatus>({ kind: 'denoiser-load', ...digits });
    expect(loaded.heldoutCount).toBe(200);
    expect(loaded.lambda).toEqual(metrics.digits.heldout.lambda);
    expect(loaded.loss).toEqual(metrics.digits.heldout.loss);
    expect(loaded.classifierAccuracy).toBe(metrics.classifier.heldoutAccuracy);
    const evaluating = () => replies.some((r) => r.kind === 'progress' && /Evaluating/.test(String(r.label)));
    expect(evaluating()).toBe(false);
    // Trained here, the weights are no longer the recorded ones: the next load evaluates them.
    await ask({ kind: 'denoiser-train', ...digits, steps: 2, batch: 8, parameterization: 'eps', weighting: 'eps-mse' });
    const trained = await ask<DenoiserStatus>({ kind: 'denoiser-load', ...digits });
    expect(trained.loss).not.toEqual(metrics.digits.heldout.loss);
    expect(evaluating()).toBe(true);
  }, 180_000);

  it('trains with live progress, pauses on cancel, resumes, saves (later loads prefer it), resets and forgets', async () => {
    const storage = denoiserStorage();
    const host = setup({ storage });
    const { ask } = host;
    const loaded = await ask<DenoiserStatus>({ kind: 'denoiser-load', ...digits });
    const tensors = tf.memory().numTensors;

    await trainThenCancel(host, { kind: 'denoiser-train', ...digits, steps: 1000, batch: 8, parameterization: 'v', weighting: 'min-snr', gamma: 5 }, 20_000);

    const paused = await ask<DenoiserStatus>({ kind: 'denoiser-load', ...digits });
    expect(paused.parameterization).toBe('v');
    expect(paused.version).toBeGreaterThan(loaded.version);
    const pausedAt = paused.losses.length;
    expect(pausedAt).toBeGreaterThanOrEqual(2);
    const resumed = await ask<DenoiserTrainResult>({ kind: 'denoiser-train', ...digits, steps: 2, batch: 8, parameterization: 'v', weighting: 'min-snr' });
    expect(resumed.losses).toHaveLength(pausedAt + 2);
    expect(resumed.losses.slice(0, pausedAt)).toEqual(paused.losses);
    expect(resumed.stepsPerSecond).toBeGreaterThan(0);

    const saved = await ask<DenoiserStatus>({ kind: 'denoiser-save', ...digits });
    expect(saved.saved).toBe(true);
    expect(storage.items.get('digits')?.json.meta).toMatchObject({ parameterization: 'v', training: { stepsInBrowser: pausedAt + 2, basedOn: 'shipped' } });

    const other = setup({ storage });
    const before = tf.memory().numTensors;
    const fromSaved = await other.ask<DenoiserStatus>({ kind: 'denoiser-load', ...digits });
    expect(fromSaved).toMatchObject({ source: 'indexeddb', parameterization: 'v' });
    expect(fromSaved.loss).toEqual(saved.loss);
    const otherModel = tf.memory().numTensors - before;

    const reset = await ask<DenoiserStatus>({ kind: 'denoiser-reset', ...digits });
    expect(reset).toMatchObject({ source: 'shipped', parameterization: 'eps', losses: [], saved: true });
    expect(reset.loss).toEqual(loaded.loss);
    expect(tf.memory().numTensors).toBe(tensors + otherModel); // optimizer slots and trained weights freed
    const forgot = await ask<DenoiserStatus>({ kind: 'denoiser-forget', ...digits });
    expect(forgot.saved).toBe(false);
    expect(storage.items.size).toBe(0);
    await expect(ask({ kind: 'denoiser-train', ...digits, steps: 0, parameterization: 'eps', weighting: 'eps-mse' })).rejects.toThrow(/between 1 and/);
  }, 90_000);
});

describe.skipIf(!hasDigits)('the denoiser host while tfjs starts', () => {
  it('downloads the held-out digits, the weights and the classifier before the backend is ready, each once', async () => {
    const log: string[] = [];
    let backendUp: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (backendUp = resolve));
    const host = createDenoiserHost({ fetch: fileFetch([], log), storage: denoiserStorage(), heldoutLimit: 20, ready: () => started });
    const ctx = { cancelled: () => false, signal: new AbortController().signal, progress: () => undefined };
    const loading = host.handle({ id: 1, kind: 'denoiser-load', ...digits }, ctx);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const early = log.map((u) => u.slice(baseUrl.length)).sort();
    expect(early).toEqual([
      'models/diffusion/classifier/model.json', 'models/diffusion/classifier/weights.bin',
      'models/diffusion/digits-heldout-labels.bin', 'models/diffusion/digits-heldout.bin',
      'models/diffusion/digits/model.json', 'models/diffusion/digits/weights.bin', 'models/diffusion/metrics.json',
    ]);
    backendUp();
    const status = (await loading) as DenoiserStatus;
    expect(status.source).toBe('shipped');
    // The load read the weights it had fetched: nothing was downloaded twice.
    expect(log.filter((u) => u.endsWith('digits/weights.bin'))).toHaveLength(1);
    host.clear();
  }, 60_000);
});

describe('the denoiser host without shipped weights', () => {
  it('starts a fresh model when the weights are missing, and rejects unknown models', async () => {
    const { ask } = setup({ missing: ['/digits/model.json', '/classifier/'] });
    const fresh = await ask<DenoiserStatus>({ kind: 'denoiser-load', ...digits });
    expect(fresh).toMatchObject({ source: 'fresh', classifierAccuracy: null, trainedSteps: null });
    await expect(ask({ kind: 'denoiser-load', model: 'faces' as never, baseUrl })).rejects.toThrow(/unknown denoiser/);
  }, 60_000);
});

describe.skipIf(!existsSync(`${PUBLIC}models/diffusion/patches/model.json`))('the denoiser host (shipped patch weights)', () => {
  it('loads the unconditional patch denoiser, predicts a held-out crop and samples RGB patches', async () => {
    const { ask } = setup();
    const patches = { model: 'patches' as const, baseUrl };
    const loaded = await ask<DenoiserStatus>({ kind: 'denoiser-load', ...patches });
    expect(loaded).toMatchObject({ side: 32, channels: 3, classes: 0, source: 'shipped', classifierAccuracy: null });
    const tensors = tf.memory().numTensors;
    const p = await ask<DenoiserPrediction>({ kind: 'denoiser-predict', ...patches, heldout: 2, level: { alpha: 0.7, sigma: 0.7 }, seed: 2 });
    expect(p.x0hat).toHaveLength(3072);
    expect(p.label).toBeNull();
    const noisyMse = p.noisy.reduce((a, v, i) => a + (v - p.clean[i]) ** 2, 0) / 3072;
    expect(p.mse).toBeLessThan(noisyMse);
    const s = await ask<DenoiserSampleResult>({ kind: 'denoiser-sample', ...patches, sampler: 'euler', levels: scheduleLevels('rectified-flow', 8), seed: 1, count: 2, stripCount: 2 });
    expect(s.images).toHaveLength(2 * 3072);
    expect(s.predictedClass).toBeNull();
    expect(tf.memory().numTensors).toBe(tensors);
  }, 60_000);
});

describe.skipIf(!existsSync(`${PUBLIC}models/diffusion/digits/model.json`))('one sampling path', () => {
  it('gives the page exactly the samples the scripts and tests draw, prior centre below the trained λ range included', async () => {
    const { ask } = setup();
    // Cosine's first level (t = 1) lies below the trained range, where the sampler takes the prior centre.
    const levels = scheduleLevels('cosine', 6);
    const fromWorker = await ask<DenoiserSampleResult>({ kind: 'denoiser-sample', ...digits, sampler: 'ddpm', levels, seed: 9, count: 2, label: 3, guidance: 2 });
    const json = JSON.parse(readFileSync(`${PUBLIC}models/diffusion/digits/model.json`, 'utf8'));
    const model = deserialize('diffusion-denoiser', json, new Uint8Array(readFileSync(`${PUBLIC}models/diffusion/digits/weights.bin`)).buffer);
    const direct = toPixels(await sampleImages(model, 'eps', { sampler: 'ddpm', levels, seed: 9, count: 2, labels: [3, 3], guidance: 2 }));
    expect(Array.from(fromWorker.images)).toEqual(Array.from(direct));
    disposeDenoiser(model);
  }, 60_000);
});
