// The transfer experiment on toy losses with known structure: disjoint parameters transfer nothing, the same
// loss twice gives equal rows, and the weights come back bit for bit — after a run and after an abort.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../../src/models/tfjsRegistrations';
import { beforeAll, describe, expect, it } from 'vitest';
import { transferMatrix } from '../../../../src/core/equivalence/matrices';
import { transferLosses } from '../../../../src/models/equivalence/transfer';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});

/** L_i = ‖p_i − target_i‖² over parameters p (disjoint: one variable per sub-task; shared: one variable for all). */
function toy(mode: 'disjoint' | 'same') {
  const vars = mode === 'disjoint' ? [tf.variable(tf.tensor1d([1, 2])), tf.variable(tf.tensor1d([3, -1]))] : [tf.variable(tf.tensor1d([1, 2]))];
  const target = tf.tensor1d([0, 0]);
  const lossOf = (i: number) => () => tf.tidy(() => tf.sum(tf.square(tf.sub(vars[mode === 'disjoint' ? i : 0], target))) as tf.Scalar);
  const evaluate = async () =>
    Promise.all([0, 1].map(async (i) => {
      const l = lossOf(i)();
      const [v] = await l.data();
      l.dispose();
      return v;
    }));
  const trainLoss = (row: number) => ({ loss: row < 2 ? lossOf(row) : () => tf.tidy(() => tf.add(lossOf(0)(), lossOf(1)()) as tf.Scalar), dispose: () => {} });
  return { vars, evaluate, trainLoss, dispose: () => tf.dispose([...vars, target]) };
}

describe('transferLosses', () => {
  it('transfers nothing between sub-tasks on disjoint parameters, and restores the weights bit for bit', async () => {
    const t = toy('disjoint');
    const start = await Promise.all(t.vars.map((v) => v.data()));
    const before = tf.memory().numTensors;
    const res = await transferLosses(t.vars, 2, { steps: 5, lr: 0.1, trainLoss: t.trainLoss, evaluate: t.evaluate });
    const m = transferMatrix(res.before, res.after);
    expect(m).toHaveLength(6);
    expect(m[1]).toBe(0);
    expect(m[2]).toBe(0);
    expect(m[0]).toBeLessThan(-0.1); // training on a sub-task lowers its own loss
    expect(m[4]).toBeLessThan(-0.1); // the reference row lowers both
    expect(m[5]).toBeLessThan(-0.1);
    const end = await Promise.all(t.vars.map((v) => v.data()));
    end.forEach((e, i) => expect(Array.from(e)).toEqual(Array.from(start[i])));
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });

  it('gives equal rows for the same loss twice', async () => {
    const t = toy('same');
    const res = await transferLosses(t.vars, 2, { steps: 3, lr: 0.05, trainLoss: t.trainLoss, evaluate: t.evaluate });
    const m = transferMatrix(res.before, res.after);
    expect([...m.subarray(0, 2)]).toEqual([...m.subarray(2, 4)]);
    t.dispose();
  });

  it('leaves the weights and the tensor count unchanged when aborted mid-row, and reports progress', async () => {
    const t = toy('disjoint');
    const start = await Promise.all(t.vars.map((v) => v.data()));
    const before = tf.memory().numTensors;
    const abort = new AbortController();
    const seen: number[] = [];
    const run = transferLosses(t.vars, 2, {
      steps: 4, lr: 0.1, trainLoss: t.trainLoss, evaluate: t.evaluate, signal: abort.signal,
      onProgress: (done, total) => {
        seen.push(total);
        if (done === 6) abort.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen[0]).toBe(12);
    const end = await Promise.all(t.vars.map((v) => v.data()));
    end.forEach((e, i) => expect(Array.from(e)).toEqual(Array.from(start[i])));
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
