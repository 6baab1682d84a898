import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { patchOrder } from '../../../../src/core/orderings';
import { generate } from '../../../../src/models/patchAR/evaluate';
import { createImage } from '../../../../src/core/image';
import { mulberry32 } from '../../../../src/core/random';
import { patchify, randomCrops } from '../../../../src/models/patchAR/data';
import { createPatchAR, dispose, patchDim } from '../../../../src/models/patchAR/model';
import { createTrainer, learningRateAt } from '../../../../src/models/patchAR/train';
import { TINY, useWasm } from './setup';

const N = TINY.rows * TINY.cols;
const DIM = patchDim(TINY);
const order = patchOrder('snake', 3, 3);

/** Each image is one grey level: every patch predicts the next exactly, a pattern a tiny model learns fast. */
function flatImages(batch: number): Float32Array {
  const out = new Float32Array(batch * N * DIM);
  for (let b = 0; b < batch; b++) out.fill(((b * 7) % 10) / 10, b * N * DIM, (b + 1) * N * DIM);
  return out;
}

beforeAll(useWasm);

describe('patch transformer training', () => {
  it('warms the learning rate up, then decays it by a cosine', () => {
    const s = { lr: 1e-3, warmup: 10, total: 110, minLr: 1e-5 };
    expect(learningRateAt(0, s)).toBeCloseTo(1e-4, 10);
    expect(learningRateAt(10, s)).toBeCloseTo(1e-3, 10);
    expect(learningRateAt(60, s)).toBeCloseTo((1e-3 + 1e-5) / 2, 10);
    expect(learningRateAt(500, s)).toBeCloseTo(1e-5, 10);
  });

  it('lowers the loss, and stops between steps when paused', async () => {
    const model = createPatchAR(TINY, 2);
    const trainer = createTrainer(model, { order, batchSize: 8, source: flatImages, schedule: { lr: 1e-2, warmup: 1, total: 60 } });
    await trainer.run(30, (step) => step === 10 && trainer.pause());
    expect(trainer.steps).toBe(10);
    expect(trainer.paused).toBe(true);
    trainer.resume();
    await trainer.run(50);
    expect(trainer.steps).toBe(60);
    const first = trainer.losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const last = trainer.losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(last).toBeLessThan(first / 3);
    trainer.dispose();
    dispose(model);
  });

  it('generates whole images patch by patch, reproducibly and without leaks', async () => {
    const model = createPatchAR(TINY, 4);
    const before = tf.memory().numTensors;
    const steps: number[] = [];
    const a = await generate(model, order, { count: 2, seed: 1, onStep: (s) => steps.push(s) });
    const b = await generate(model, order, { count: 2, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(steps).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(a).toEqual(b);
    expect(a.every((v) => v === 0 || v === 1)).toBe(true); // Bernoulli pixels
    const mean = await generate(model, order, { mode: 'mean' });
    expect(mean.every((v) => v > 0 && v < 1)).toBe(true);
    dispose(model);
  });

  it('trains on RGB crops of a natural image in any order', async () => {
    const config = { ...TINY, rows: 4, cols: 4, channels: 3 as const };
    const img = createImage(24, 20);
    img.data.forEach((_, i) => (img.data[i] = (Math.sin(i / 7) + 1) / 2));
    const rand = mulberry32(3);
    const cropOrder = patchOrder('spiral', 4, 4);
    const model = createPatchAR(config, 1);
    const trainer = createTrainer(model, {
      order: cropOrder,
      batchSize: 4,
      source: (b) => patchify(randomCrops(img, 8, b, rand), { height: 8, width: 8, channels: 3 }, 2, cropOrder),
    });
    await trainer.run(3);
    expect(trainer.losses.every(Number.isFinite)).toBe(true);
    trainer.dispose();
    dispose(model);
  });
});
