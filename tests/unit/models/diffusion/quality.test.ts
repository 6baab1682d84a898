// Sample quality (docs/conventions.md, "Sample quality"): the classifier's penultimate features, and the
// measurement itself on small fresh models (seeded, reproducible, tensor-neutral) on the wasm backend.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../../src/models/tfjsRegistrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDM2_INTERVAL } from '../../../../src/core/diffusion/samplers';
import { featureStats } from '../../../../src/core/frechet';
import {
  classifierFeatures, classifierLogits, classifierReadout, classify, createClassifier, createDenoiser, DIGIT_CLASSIFIER, disposeClassifier, disposeDenoiser,
  sampleQuality, type Classifier, type Denoiser, type DenoiserConfig,
} from '../../../../src/models/diffusion';

const SMALL: DenoiserConfig = { arch: 'mlp', side: 28, channels: 1, classes: 11, width: 16, blocks: 1, embed: 8, fourier: 4 };
let classifier: Classifier;
let denoiser: Denoiser;
const digits = (n: number, seed: number) => Float32Array.from({ length: n * 784 }, (_, i) => (Math.sin(i * 0.37 + seed) > 0.6 ? 1 : 0));

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  classifier = createClassifier(DIGIT_CLASSIFIER, 5);
  denoiser = createDenoiser(SMALL, 6);
});
afterAll(() => {
  disposeClassifier(classifier);
  disposeDenoiser(denoiser);
});

describe('the classifier’s penultimate features', () => {
  it('are 128 non-negative values per digit (the hidden layer after its ReLU), and the logits are a dense layer of them', () => {
    const pixels = digits(5, 1);
    const [features, logits, fromFeatures] = tf.tidy(() => {
      const x = tf.tensor2d(pixels, [5, 784]);
      const h = classifierFeatures(classifier, x);
      const p = classifier.params;
      return [h, classifierLogits(classifier, x), tf.add(tf.matMul(h, p['fc2/w']), p['fc2/b'])];
    });
    expect(features.shape).toEqual([5, 128]);
    const f = features.dataSync();
    expect(f.every((v) => v >= 0)).toBe(true);
    expect(f.some((v) => v > 0)).toBe(true);
    const a = logits.dataSync();
    const b = fromFeatures.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
    tf.dispose([features, logits, fromFeatures]);
  });

  it('classifierReadout gives classify’s labels and the same features in any chunking, without leaking tensors', async () => {
    const pixels = digits(7, 2);
    const start = tf.memory().numTensors;
    const whole = await classifierReadout(classifier, pixels);
    const chunked = await classifierReadout(classifier, pixels, 3);
    expect(whole.features).toHaveLength(7 * 128);
    expect(Array.from(whole.label)).toEqual(Array.from(classify(classifier, pixels).label));
    expect(Array.from(chunked.label)).toEqual(Array.from(whole.label));
    for (let i = 0; i < whole.features.length; i++) expect(chunked.features[i]).toBeCloseTo(whole.features[i], 5);
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('sampleQuality', () => {
  const settings = { perClass: 2, steps: 3, guidance: 2, seed: 9 };
  const reference = featureStats(Float64Array.from({ length: 40 * 128 }, (_, i) => Math.abs(Math.sin(i))), 128);

  it('measures every placement, reproducibly by seed, with guidance where each placement says, and leaks no tensors', async () => {
    const start = tf.memory().numTensors;
    const done: number[] = [];
    const first = await sampleQuality({ denoiser, parameterization: 'eps', classifier, reference, settings, between: async (p) => void done.push(p.done / p.total) });
    expect(tf.memory().numTensors).toBe(start);
    expect(first.map((r) => r.placement)).toEqual(['everywhere', 'middle', 'nowhere']);
    expect(first.map((r) => [r.guidance, r.interval])).toEqual([[2, [0, Infinity]], [2, [...EDM2_INTERVAL]], [1, null]]);
    for (const r of first) {
      expect(r.classAccuracy).toHaveLength(10);
      expect(r.accuracy).toBeCloseTo(r.classAccuracy.reduce((a, c) => a + c, 0) / 10, 12);
      expect(r.fd).toBeGreaterThan(0);
      expect(r.fd).toBeCloseTo(r.fdMean + r.fdCov, 9);
    }
    // Progress climbs to 1 (one reply per sampler step, three placements of one batch of 3 steps).
    expect(done).toHaveLength(3 * 3 + 1);
    expect(done.every((f, i) => i === 0 || f >= done[i - 1])).toBe(true);
    expect(done[done.length - 1]).toBe(1);

    const again = await sampleQuality({ denoiser, parameterization: 'eps', classifier, reference, settings });
    expect(again).toEqual(first);
    const other = await sampleQuality({ denoiser, parameterization: 'eps', classifier, reference, settings: { ...settings, seed: 10 } });
    expect(other.map((r) => r.fd)).not.toEqual(first.map((r) => r.fd));
    expect(tf.memory().numTensors).toBe(start);
  }, 60_000);

  it('uses the same seeds for every placement: at w = 1 the three rows are the same', async () => {
    const rows = await sampleQuality({ denoiser, parameterization: 'eps', classifier, reference, settings: { ...settings, guidance: 1 } });
    expect(rows[1].fd).toBe(rows[0].fd);
    expect(rows[2].fd).toBe(rows[0].fd);
    expect(rows[2].accuracy).toBe(rows[0].accuracy);
  }, 60_000);

  it('stops when `between` throws (a cancel), leaking no tensors', async () => {
    const start = tf.memory().numTensors;
    let calls = 0;
    const run = sampleQuality({
      denoiser, parameterization: 'eps', classifier, reference, settings,
      between: async () => {
        if (++calls === 2) throw new Error('cancelled');
      },
    });
    await expect(run).rejects.toThrow('cancelled');
    expect(calls).toBe(2);
    expect(tf.memory().numTensors).toBe(start);
  });
});
