import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchOrder } from '../../../../src/core/orderings';
import {
  createPatchAR,
  dispose,
  forward,
  loss,
  lossForSteps,
  paramCount,
  patchDim,
  perPositionLoss,
  type PatchAR,
} from '../../../../src/models/patchAR/model';
import type { Kernels } from '../../../../src/models/patchAR/ops';
import { createTrainer } from '../../../../src/models/patchAR/train';
import { randomTokens, TINY, useWasm } from './setup';

const N = TINY.rows * TINY.cols;
const DIM = patchDim(TINY);
const orders = { raster: patchOrder('raster', 3, 3), random: patchOrder('random', 3, 3, 7) };

let model: PatchAR;
beforeAll(async () => {
  await useWasm();
  model = createPatchAR(TINY, 3);
});
afterAll(() => dispose(model));

function tokens(batch: number, seed: number): tf.Tensor3D {
  return tf.tensor3d(randomTokens(TINY, batch, seed), [batch, N, DIM]);
}

async function predictions(m: PatchAR, data: Float32Array, order: Int32Array): Promise<Float32Array> {
  const out = tf.tidy(() => forward(m, tf.tensor3d(data, [data.length / (N * DIM), N, DIM]), order));
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

async function gradients(m: PatchAR, f: () => tf.Scalar): Promise<Record<string, Float32Array>> {
  const { value, grads } = tf.variableGrads(f, Object.values(m.params));
  const out: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(m.params)) out[name] = (await grads[v.name].data()) as Float32Array;
  value.dispose();
  tf.dispose(grads);
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, from = 0, to = a.length): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('patch transformer', () => {
  it('counts its parameters', () => {
    expect(paramCount(TINY)).toBe(Object.values(model.params).reduce((n, v) => n + v.size, 0));
  });

  it.each(['js', 'tf', 'reference'] as Kernels[])('never looks ahead (%s kernels): a changed future patch leaves earlier predictions alone', async (kernels) => {
    model.kernels = kernels;
    for (const order of Object.values(orders)) {
      const base = randomTokens(TINY, 2, 1);
      const before = await predictions(model, base, order);
      for (const k of [1, 4, N - 1]) {
        // Token k is the patch of step k: predictions at positions 0..k must not depend on it (or on later ones).
        const changed = base.slice();
        for (let b = 0; b < 2; b++) for (let i = k * DIM; i < N * DIM; i++) changed[b * N * DIM + i] = 1 - changed[b * N * DIM + i];
        const after = await predictions(model, changed, order);
        for (let b = 0; b < 2; b++) {
          const row = b * N * DIM;
          expect(maxAbsDiff(before, after, row, row + (k + 1) * DIM)).toBeLessThan(1e-6);
          if (k + 1 < N) expect(maxAbsDiff(before, after, row + (k + 1) * DIM, row + N * DIM)).toBeGreaterThan(1e-4);
        }
      }
    }
    model.kernels = 'auto';
  });

  it('gives the same predictions and gradients with every kernel set', async () => {
    const x = tokens(3, 5);
    const ref: Record<string, Float32Array>[] = [];
    const preds: Float32Array[] = [];
    for (const kernels of ['reference', 'js', 'tf'] as Kernels[]) {
      model.kernels = kernels;
      preds.push(await predictions(model, await x.data() as Float32Array, orders.random));
      ref.push(await gradients(model, () => loss(model, x, orders.random)));
    }
    model.kernels = 'auto';
    x.dispose();
    for (const i of [1, 2]) {
      expect(maxAbsDiff(preds[0], preds[i])).toBeLessThan(1e-5);
      for (const name of Object.keys(ref[0])) {
        const scale = Math.max(1e-3, ...Array.from(ref[0][name], Math.abs));
        expect(maxAbsDiff(ref[0][name], ref[i][name]) / scale, name).toBeLessThan(1e-3);
      }
    }
  });

  it('has a per-position loss whose mean is the full loss', async () => {
    const x = tokens(4, 9);
    const per = perPositionLoss(model, x, orders.random);
    const full = loss(model, x, orders.random);
    const all = lossForSteps(model, x, orders.random, { from: 0, to: N });
    const [perValues, fullValue, allValue] = [Array.from(await per.data()), (await full.data())[0], (await all.data())[0]];
    expect(perValues.length).toBe(N);
    expect(perValues.reduce((a, b) => a + b, 0) / N).toBeCloseTo(fullValue, 6);
    expect(allValue).toBeCloseTo(fullValue, 6);
    const some = lossForSteps(model, x, orders.random, [2, 5]);
    expect((await some.data())[0]).toBeCloseTo((perValues[2] + perValues[5]) / 2, 6);
    tf.dispose([x, per, full, all, some]);
  });

  it('differentiates the loss of a group of steps, independent of the patches after the group', async () => {
    const k = 4;
    const base = randomTokens(TINY, 2, 11);
    const changed = base.slice();
    for (let b = 0; b < 2; b++) for (let i = k * DIM; i < N * DIM; i++) changed[b * N * DIM + i] = 0.5;
    const grads = async (data: Float32Array) => {
      const x = tf.tensor3d(data, [2, N, DIM]);
      const g = await gradients(model, () => lossForSteps(model, x, orders.random, { from: 0, to: k }));
      x.dispose();
      return g;
    };
    const [g1, g2] = [await grads(base), await grads(changed)];
    for (const name of Object.keys(g1)) expect(maxAbsDiff(g1[name], g2[name]), name).toBeLessThan(1e-6);
    expect(Math.max(...Array.from(g1['out/w'], Math.abs))).toBeGreaterThan(0);
    // The loss of the later steps does see the changed patches.
    const late = async (data: Float32Array) => {
      const x = tf.tensor3d(data, [2, N, DIM]);
      const g = await gradients(model, () => lossForSteps(model, x, orders.random, { from: k, to: N }));
      x.dispose();
      return g;
    };
    expect(maxAbsDiff((await late(base))['out/w'], (await late(changed))['out/w'])).toBeGreaterThan(1e-6);
  });

  it('rejects step groups outside the sequence', () => {
    const x = tokens(1, 1);
    expect(() => lossForSteps(model, x, orders.raster, [N])).toThrow(RangeError);
    expect(() => lossForSteps(model, x, orders.raster, { from: 3, to: 3 })).toThrow(RangeError);
    x.dispose();
  });

  it('leaks no tensors over repeated forward passes, training steps and model lifetimes', async () => {
    const trainer = createTrainer(model, { order: orders.raster, batchSize: 4, source: (b) => randomTokens(TINY, b, 2) });
    await trainer.step(); // Adam creates its moment slots on the first step
    const x = tokens(2, 3);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      tf.dispose([forward(model, x, orders.random), perPositionLoss(model, x, orders.raster), lossForSteps(model, x, orders.raster, [1, 2])]);
    }
    for (let i = 0; i < 5; i++) await trainer.step();
    dispose(createPatchAR(TINY, 8));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    trainer.dispose();
  });

  it('rejects tokens that do not fit and orders that are not permutations', () => {
    const x = tf.zeros([1, N, DIM + 1]) as tf.Tensor3D;
    expect(() => forward(model, x, orders.raster)).toThrow(RangeError);
    x.dispose();
    const y = tokens(1, 1);
    expect(() => forward(model, y, Int32Array.from({ length: N }, () => 0))).toThrow(RangeError);
    y.dispose();
    expect(() => createPatchAR({ ...TINY, heads: 3 })).toThrow(RangeError);
  });
});
