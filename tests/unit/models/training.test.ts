import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../../src/models/tfjsRegistrations';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoopTrainer, learningRateAt, minimizeStep, runInChunks, type Schedule } from '../../../src/models/training';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const LR = 0.1;
const EPS = 1e-7;
/** Per-coordinate curvatures of the test loss ½ Σ a_i w_i²: its gradient is a ⊙ w. */
const A = [4, 1, 0.25];
const W0 = [1, -2, 3];

const adam = () => tf.train.adam(LR, 0.9, 0.999, EPS);
const quadratic = (w: tf.Variable) => () => tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d(A), tf.square(w)))) as tf.Scalar;

/**
 * Adam (Kingma & Ba 2015) on ½ Σ a_i w_i², gradients scaled to global norm ≤ clipNorm, in float64 except the
 * bias corrections 1 − β^t, which tfjs accumulates in float32 (1 − β2^t loses five digits there).
 */
function referenceAdam(steps: number, clipNorm = Infinity): { w: number[]; losses: number[] } {
  const w = [...W0];
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  const losses: number[] = [];
  const f = Math.fround;
  let acc1 = f(0.9);
  let acc2 = f(0.999);
  for (let t = 1; t <= steps; t++) {
    losses.push(0.5 * w.reduce((s, x, i) => s + A[i] * x * x, 0));
    const g = w.map((x, i) => A[i] * x);
    const norm = Math.hypot(...g);
    const scale = Math.min(1, clipNorm / (norm + 1e-12));
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * scale;
      m[i] = 0.9 * m[i] + 0.1 * gi;
      v[i] = 0.999 * v[i] + 0.001 * gi * gi;
      const mHat = m[i] / f(1 - acc1);
      const vHat = v[i] / f(1 - acc2);
      w[i] -= (LR * mHat) / (Math.sqrt(vHat) + EPS);
    }
    acc1 = f(acc1 * f(0.9));
    acc2 = f(acc2 * f(0.999));
  }
  return { w, losses };
}

async function run(steps: number, clipNorm?: number): Promise<{ w: number[]; losses: number[] }> {
  const w = tf.variable(tf.tensor1d(W0));
  const opt = adam();
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(await minimizeStep(opt, quadratic(w), [w], clipNorm));
  const out = { w: Array.from(await w.data()), losses };
  opt.dispose();
  w.dispose();
  return out;
}

function expectClose(actual: number[], expected: number[], digits = 5): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((x, i) => expect(x).toBeCloseTo(expected[i], digits));
}

describe('learningRateAt', () => {
  const s: Schedule = { lr: 1, warmup: 4, total: 14, minLr: 0.1 };

  it('rises linearly to lr over the warm-up, then decays along a cosine to minLr at total', () => {
    expect([0, 1, 2, 3].map((k) => learningRateAt(k, s))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(learningRateAt(4, s)).toBe(1);
    expect(learningRateAt(9, s)).toBeCloseTo(0.55, 12); // half-way: the mean of lr and minLr
    expect(learningRateAt(14, s)).toBeCloseTo(0.1, 12);
  });

  it('stays at minLr after total', () => {
    expect(learningRateAt(100, s)).toBeCloseTo(0.1, 12);
  });
});

describe('minimizeStep', () => {
  it('takes the Adam update of a hand-computed reference and resolves to the loss before each update', async () => {
    const ours = await run(3);
    const ref = referenceAdam(3);
    expectClose(ours.w, ref.w);
    expectClose(ours.losses, ref.losses);
  });

  it('clips the gradients to the global norm before Adam sees them', async () => {
    // ‖a ⊙ w0‖ ≈ 4.8: every step is clipped, and not by the same factor, so Adam's moments differ from unclipped ones.
    const ours = await run(4, 0.5);
    const ref = referenceAdam(4, 0.5);
    expectClose(ours.w, ref.w);
    expectClose(ours.losses, ref.losses);
    const unclipped = referenceAdam(4);
    expect(Math.max(...ref.w.map((x, i) => Math.abs(x - unclipped.w[i])))).toBeGreaterThan(1e-3);
  });

  it('scales a plain gradient-descent step by clipNorm / ‖g‖, and leaves a gradient within the norm as it is', async () => {
    const w = tf.variable(tf.tensor1d([3, 4])); // loss ½‖w‖²: g = w, ‖g‖ = 5
    const sgd = tf.train.sgd(1);
    const loss = () => tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar;
    expect(await minimizeStep(sgd, loss, [w], 1)).toBeCloseTo(12.5, 5);
    expectClose(Array.from(await w.data()), [3 - 0.6, 4 - 0.8]);
    await minimizeStep(sgd, loss, [w], 100); // ‖g‖ = 4 < 100: the full step w − g = 0
    expectClose(Array.from(await w.data()), [0, 0]);
    sgd.dispose();
    w.dispose();
  });

  it('leaves the tensor count unchanged over repeated steps, clipped or not', async () => {
    const w = tf.variable(tf.tensor1d(W0));
    const opt = adam();
    await minimizeStep(opt, quadratic(w), [w], 1); // creates the optimizer's slots
    const start = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await minimizeStep(opt, quadratic(w), [w], 1);
      await minimizeStep(opt, quadratic(w), [w]);
    }
    expect(tf.memory().numTensors).toBe(start);
    opt.dispose();
    w.dispose();
  });
});

describe('createLoopTrainer', () => {
  const schedule: Schedule = { lr: 0.2, warmup: 2, total: 6, minLr: 0.02 };

  it('gives every step the scheduled learning rate and its step number, and records the losses', async () => {
    const seen: { step: number; lr: number }[] = [];
    const trainer = createLoopTrainer(schedule, async (optimizer, step) => {
      seen.push({ step, lr: (optimizer as unknown as { learningRate: number }).learningRate });
      return step * 10;
    });
    const reported: [number, number][] = [];
    await trainer.run(5, (step, loss) => reported.push([step, loss]));
    expect(seen.map((s) => s.step)).toEqual([0, 1, 2, 3, 4]);
    seen.forEach(({ step, lr }) => expect(lr).toBe(learningRateAt(step, schedule)));
    expect(trainer.losses).toEqual([0, 10, 20, 30, 40]);
    expect(trainer.steps).toBe(5);
    expect(reported).toEqual([[1, 0], [2, 10], [3, 20], [4, 30], [5, 40]]);
    trainer.dispose();
  });

  it('stops a run after the step in flight when paused or aborted', async () => {
    const trainer = createLoopTrainer(schedule, async () => 1);
    await trainer.run(10, (step) => step === 3 && trainer.pause());
    expect(trainer.steps).toBe(3);
    expect(trainer.paused).toBe(true);
    const abort = new AbortController();
    await trainer.run(10, (step) => step === 5 && abort.abort(), abort.signal);
    expect(trainer.steps).toBe(5);
    expect(trainer.paused).toBe(false);
    await trainer.step(); // a single step runs whatever the pause state
    expect(trainer.steps).toBe(6);
    trainer.dispose();
  });

  it('trains real variables with Adam at the scheduled rate', async () => {
    const w = tf.variable(tf.tensor1d(W0));
    const trainer = createLoopTrainer({ lr: LR, warmup: 1, total: 10, minLr: LR }, (optimizer) => minimizeStep(optimizer, quadratic(w), [w]));
    await trainer.run(3);
    const ref = referenceAdam(3);
    expectClose(Array.from(await w.data()), ref.w);
    expectClose([...trainer.losses], ref.losses);
    trainer.dispose();
    w.dispose();
  });
});

describe('runInChunks', () => {
  it('runs all steps in chunks and reports the mean loss of each chunk', async () => {
    const trainer = createLoopTrainer({ lr: 1, warmup: 1, total: 1, minLr: 1 }, async (_, step) => step);
    const chunks: [number, number][] = [];
    await runInChunks(trainer, 7, 3, (done, mean) => void chunks.push([done, mean]));
    expect(chunks).toEqual([[3, 1], [6, 4], [7, 6]]);
    expect(trainer.steps).toBe(7);
    trainer.dispose();
  });
});
