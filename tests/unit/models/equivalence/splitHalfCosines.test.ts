// The split-half measurement of the denoiser's noise-level cosines: the same full-batch matrix as
// denoiserNoiseCosines, plus how far apart the two halves of the batch put each cosine, on the shipped digit denoiser.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../../src/models/tfjsRegistrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../../src/models/wasmKernels';
import { binCentres, disposeDenoiser, type Denoiser, type ImageSet } from '../../../../src/models/diffusion';
import { denoiserNoiseCosines } from '../../../../src/models/equivalence/gradientCosines';
import { denoiserNoiseCosinesOfBatch, denoiserNoiseCosinesSplit } from '../../../../src/models/equivalence/splitHalfCosines';
import { digitArrays, digitBatch, loadShippedDigits, shipped } from './shippedDigits';

describe.skipIf(!shipped)('denoiserNoiseCosinesSplit on the shipped digit denoiser', () => {
  const N = 16;
  const K = 4;
  let model: Denoiser;
  let x0: tf.Tensor2D;
  let eps: tf.Tensor2D;
  let classes: tf.Tensor2D;
  let set: ImageSet;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    registerWasmTrainingKernels();
    ({ model, set } = loadShippedDigits());
    ({ x0, eps, classes } = digitBatch(model, set, N));
  });
  afterAll(() => {
    tf.dispose([x0, eps, classes]);
    disposeDenoiser(model);
  });

  it('gives the full-batch matrix and norms of denoiserNoiseCosines, with progress per level and no tensors left', async () => {
    const lambdas = binCentres(K);
    const direct = await denoiserNoiseCosines(model, x0, eps, classes, lambdas);
    const start = tf.memory().numTensors;
    const calls: [number, number][] = [];
    const split = await denoiserNoiseCosinesSplit(model, x0, eps, classes, lambdas, 'eps', { onProgress: (d, t) => calls.push([d, t]) });
    expect(tf.memory().numTensors).toBe(start);
    expect(calls).toEqual([[1, K], [2, K], [3, K], [4, K]]);
    for (let i = 0; i < K; i++) {
      expect(split.norms[i] / direct.norms[i]).toBeCloseTo(1, 4);
      for (let j = 0; j < K; j++) expect(Math.abs(split.cosines[i * K + j] - direct.cosines[i * K + j])).toBeLessThan(1e-4);
    }
    // The spread is the distance between the matrices of the two halves, each measured on its own.
    const half = N / 2;
    const cut = (t: tf.Tensor2D, h: number) => tf.slice(t, [h * half, 0], [half, t.shape[1]]) as tf.Tensor2D;
    const mats = [];
    for (const h of [0, 1]) {
      const parts = [cut(x0, h), cut(eps, h), cut(classes, h)];
      mats.push(await denoiserNoiseCosines(model, parts[0], parts[1], parts[2], lambdas));
      tf.dispose(parts);
    }
    for (let n = 0; n < K * K; n++) {
      if (n % (K + 1) !== 0) expect(Math.abs(split.spread[n] - Math.abs(mats[0].cosines[n] - mats[1].cosines[n]))).toBeLessThan(1e-4);
    }
  }, 60_000);

  it('takes plain arrays, and rejects a batch that does not split evenly', async () => {
    const lambdas = binCentres(K);
    const viaTensors = await denoiserNoiseCosinesSplit(model, x0, eps, classes, lambdas);
    const start = tf.memory().numTensors;
    const viaArrays = await denoiserNoiseCosinesOfBatch(model, { count: N, ...digitArrays(set, N) }, lambdas);
    expect(Array.from(viaArrays.cosines)).toEqual(Array.from(viaTensors.cosines));
    expect(tf.memory().numTensors).toBe(start);
    const odd = tf.slice(x0, [0, 0], [3, 784]) as tf.Tensor2D;
    await expect(denoiserNoiseCosinesSplit(model, odd, odd, null, lambdas)).rejects.toThrow(RangeError);
    odd.dispose();
  }, 60_000);
});
