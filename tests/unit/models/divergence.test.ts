// A run that diverges (a NaN loss, or one that explodes at a learning rate far too large) stops with a message and
// leaves the last finite checkpoint in place — weights, Adam's state and the loss history — for every model the
// page trains: the patch transformer, the RQ auto-encoder and the denoiser.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { patchOrder } from '../../../src/core/orderings';
import { createDenoiser, disposeDenoiser, batchLoss, makeBatch, createTrainer as createDenoiserTrainer, type DenoiserConfig } from '../../../src/models/diffusion';
import { createPatchAR, dispose as disposePatchAR } from '../../../src/models/patchAR/model';
import { createTrainer as createPatchTrainer } from '../../../src/models/patchAR/train';
import { createRqae, dispose as disposeRqae } from '../../../src/models/rqae/model';
import { createTrainer as createRqaeTrainer } from '../../../src/models/rqae/train';
import { CHECKPOINT_EVERY, createLoopTrainer, DivergenceError, minimizeStep, type LoopTrainer } from '../../../src/models/training';
import { mulberry32 } from '../../../src/core/random';
import { TINY as TINY_PATCH, randomTokens } from './patchAR/setup';
import { randomImages, tiny, useWasm } from './rqae/setup';

beforeAll(useWasm);

const W0 = [1, -2, 3];
const A = [4, 1, 0.25];
const SCHEDULE = { lr: 0.05, warmup: 1, total: 1000, minLr: 0.05 };

/** Adam on ½ Σ a_i w_i² (times NaN while `poisoned()`), kept from diverging over w. */
function quadraticTrainer(poisoned: () => boolean, lr = SCHEDULE.lr): { trainer: LoopTrainer; w: tf.Variable } {
  const w = tf.variable(tf.tensor1d(W0));
  const loss = () => tf.tidy(() => tf.mul(poisoned() ? NaN : 0.5, tf.sum(tf.mul(tf.tensor1d(A), tf.square(w)))) as tf.Scalar);
  const trainer = createLoopTrainer({ ...SCHEDULE, lr, minLr: lr }, (optimizer) => minimizeStep(optimizer, loss, [w]), [w]);
  return { trainer, w };
}

async function divergence(run: Promise<unknown>): Promise<DivergenceError> {
  const error = await run.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DivergenceError);
  return error as DivergenceError;
}

const allFinite = (vars: tf.Variable[]) => vars.every((v) => Array.from(v.dataSync()).every(Number.isFinite));

describe('a diverging training run', () => {
  it('stops at a NaN loss, puts back the last checkpoint, and then retraces the same loss curve', async () => {
    let poison = false;
    const { trainer, w } = quadraticTrainer(() => poison);
    await trainer.run(25);
    const curve = [...trainer.losses];
    poison = true;
    const error = await divergence(trainer.run(5));
    // Checkpoints are taken every CHECKPOINT_EVERY steps; the newest one before step 26 is the one before step 21.
    const back = Math.floor(25 / CHECKPOINT_EVERY) * CHECKPOINT_EVERY;
    expect([error.step, error.restoredStep]).toEqual([26, back]);
    expect(error.message).toBe(`the loss became NaN at step 26, so the weights of step ${back} (the last checkpoint before it) were restored; the training up to there is kept`);
    expect(trainer.losses).toEqual(curve.slice(0, back));
    expect(allFinite([w])).toBe(true);
    poison = false;
    await trainer.run(25 - back);
    // Same weights and the same Adam state: the same losses as the first time, step for step.
    expect(trainer.losses).toEqual(curve);
    trainer.dispose();
    w.dispose();
  });

  it('stops when the loss explodes at a learning rate far too large, back at the weights it started from', async () => {
    const { trainer, w } = quadraticTrainer(() => false, 1e8);
    const error = await divergence(trainer.run(10));
    expect(error.message).toMatch(/^the loss exploded to \S+ \(from 5\.13 at the start\) at step 2, so the weights of step 0 \(/);
    expect(Array.from(w.dataSync())).toEqual(W0);
    expect(trainer.losses).toEqual([]);
    trainer.dispose();
    w.dispose();
  });

  it('keeps no tensors beyond one checkpoint, however long it runs and however often it is put back', async () => {
    let poison = false;
    const { trainer, w } = quadraticTrainer(() => poison);
    await trainer.run(2 * CHECKPOINT_EVERY + 1);
    const start = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await trainer.run(3 * CHECKPOINT_EVERY);
      poison = true;
      await divergence(trainer.run(1));
      poison = false;
    }
    await trainer.run(CHECKPOINT_EVERY);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(start + 3); // at most one more copy of w and Adam's two slots
    trainer.dispose();
    w.dispose();
  });
});

describe('every model trained in the page, at a learning rate of 10⁶', () => {
  const HUGE = { lr: 1e6, warmup: 1, total: 100, minLr: 1e6 };

  it('the patch transformer stops with finite weights and the loss history of its checkpoint', async () => {
    const model = createPatchAR(TINY_PATCH, 2);
    const trainer = createPatchTrainer(model, { order: patchOrder('raster', 3, 3), batchSize: 4, source: (b) => randomTokens(TINY_PATCH, b, 5), schedule: HUGE });
    const error = await divergence(trainer.run(30));
    expect(trainer.losses).toHaveLength(error.restoredStep);
    expect(trainer.losses.every(Number.isFinite)).toBe(true);
    expect(allFinite(Object.values(model.params))).toBe(true);
    trainer.dispose();
    disposePatchAR(model);
  }, 30_000);

  it('the RQ auto-encoder stops with finite weights and codebook', async () => {
    const model = createRqae(tiny(2), 3);
    const trainer = createRqaeTrainer(model, { objective: 'summed', batchSize: 4, warmup: 0, restartEvery: 0, seed: 1, source: (b) => randomImages(model.config, b, 7), schedule: HUGE });
    const error = await divergence(trainer.run(30));
    expect(trainer.losses).toHaveLength(error.restoredStep);
    expect(allFinite(Object.values(model.params))).toBe(true);
    trainer.dispose();
    disposeRqae(model);
  }, 30_000);

  it('the denoiser stops with finite weights', async () => {
    const config: DenoiserConfig = { arch: 'mlp', side: 4, channels: 1, classes: 3, width: 16, blocks: 2, embed: 8, fourier: 4 };
    const model = createDenoiser(config, 4);
    const vars = Object.values(model.params);
    const trainer = createDenoiserTrainer(vars, HUGE);
    const rand = mulberry32(3);
    const x0 = Float32Array.from({ length: 8 * 16 }, () => rand() * 2 - 1);
    const objective = { parameterization: 'eps' as const, weighting: 'eps-mse' as const, labelDropout: 0 };
    let error: DivergenceError | null = null;
    for (let i = 0; i < 30 && !error; i++) {
      const batch = makeBatch(x0, new Array(8).fill(1), 16, objective, rand, 2);
      error = await trainer.step(() => batchLoss(model, batch)).then(() => null, (e: DivergenceError) => e);
    }
    expect(error).toBeInstanceOf(DivergenceError);
    expect(trainer.losses).toHaveLength(error!.restoredStep);
    expect(allFinite(vars)).toBe(true);
    trainer.dispose();
    disposeDenoiser(model);
  }, 30_000);
});
