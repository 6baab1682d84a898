import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateImages, reconstructionsOf } from '../../../../src/models/rqae/evaluate';
import { createRqae, dispose } from '../../../../src/models/rqae/model';
import { createTrainer, trainStep } from '../../../../src/models/rqae/train';
import { deserialize, serialize } from '../../../../src/models/rqae/weights';
import { imagesTensor, randomImages, tiny, useWasm } from './setup';

beforeAll(useWasm);

describe('training and evaluating the RQ auto-encoder', () => {
  it('leaves the tensor count unchanged over repeated training steps and evaluations', async () => {
    const model = createRqae(tiny(3), 2);
    const trainer = createTrainer(model, { objective: 'summed', batchSize: 4, warmup: 2, restartEvery: 2, seed: 1, source: (b) => randomImages(model.config, b, 9) });
    await trainer.run(3); // warm-up steps and the k-means fit: their tensors and the optimizer's slots exist from here on
    const start = tf.memory().numTensors;
    await trainer.run(6); // including dead-code restarts
    const data = randomImages(model.config, 5, 3);
    for (let i = 0; i < 3; i++) {
      await evaluateImages(model, data, 2);
      await reconstructionsOf(model, data.subarray(0, 64));
    }
    expect(tf.memory().numTensors).toBe(start);
    expect(trainer.losses).toHaveLength(9);
    trainer.dispose();
    dispose(model);
  }, 30_000);

  it('fits the codebook by k-means after the warm-up and then lowers the loss of a fixed batch', async () => {
    const model = createRqae(tiny(2), 3);
    const batch = randomImages(model.config, 8, 4);
    const before = Array.from(model.params.codebook.dataSync());
    const trainer = createTrainer(model, { objective: 'full', batchSize: 8, warmup: 5, restartEvery: 0, seed: 2, source: () => batch, schedule: { lr: 5e-3, warmup: 1, total: 60, minLr: 5e-3 } });
    await trainer.run(5);
    expect(Array.from(model.params.codebook.dataSync())).toEqual(before); // untouched during the warm-up
    await trainer.run(25);
    expect(Array.from(model.params.codebook.dataSync())).not.toEqual(before);
    const after = trainer.losses.slice(5);
    expect(after[after.length - 1]).toBeLessThan(after[0]);
    trainer.dispose();
    dispose(model);
  }, 30_000);

  it('trains on both objectives with per-depth codebooks', async () => {
    const model = createRqae(tiny(3, false), 5);
    const opt = tf.train.adam(1e-3);
    const x = imagesTensor(model.config, randomImages(model.config, 4, 6));
    for (const objective of ['full', 'summed'] as const) expect(Number.isFinite(await trainStep(model, opt, x, objective))).toBe(true);
    tf.dispose([x]);
    opt.dispose();
    dispose(model);
  });

  it('scales the scheduled learning rate of later steps by lrScale', async () => {
    const model = createRqae(tiny(2), 6);
    const trainer = createTrainer(model, { objective: 'full', batchSize: 2, warmup: 0, restartEvery: 0, seed: 1, source: (b) => randomImages(model.config, b, 2), schedule: { lr: 1e-3, warmup: 1, total: 100, minLr: 1e-3 } });
    const rate = () => (trainer.optimizer as unknown as { learningRate: number }).learningRate;
    await trainer.run(1);
    expect(rate()).toBeCloseTo(1e-3, 9);
    trainer.lrScale = 0.3;
    await trainer.run(1);
    expect(rate()).toBeCloseTo(3e-4, 9);
    expect(() => (trainer.lrScale = 0)).toThrow(RangeError);
    trainer.dispose();
    dispose(model);
  });

  it('round-trips weights through serialize/deserialize and rejects foreign files', async () => {
    const model = createRqae(tiny(4), 7);
    const { json, weights } = await serialize(model, { objective: 'summed', training: { steps: 3 } });
    const copy = deserialize(json, weights);
    const data = randomImages(model.config, 2, 8);
    expect(Array.from(await reconstructionsOf(copy, data))).toEqual(Array.from(await reconstructionsOf(model, data)));
    expect(() => deserialize({ ...json, format: 'patch-ar' as 'rqae' }, weights)).toThrow(/not an RQ auto-encoder/);
    expect(() => deserialize(json, weights.slice(0, 8))).toThrow(/holds 8 bytes, its manifest \d+/);
    dispose(copy);
    dispose(model);
  });
});
