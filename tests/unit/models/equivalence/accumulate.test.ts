// Accumulated sub-task gradients with split halves and the control, on toy models whose structure is known:
// disjoint parameters, the same loss twice, and a model far from its optimum where the control agrees with itself.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../../src/models/tfjsRegistrations';
import { beforeAll, describe, expect, it } from 'vitest';
import { meanOffDiagonal, subtaskStats } from '../../../../src/core/equivalence/gramStats';
import { gaussian, mulberry32 } from '../../../../src/core/random';
import { registerWasmTrainingKernels } from '../../../../src/models/wasmKernels';
import { accumulateGradientGram, pairedParts, randomParts, type BatchLosses } from '../../../../src/models/equivalence/accumulate';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

/**
 * Linear regression y = w·x with D inputs, K sub-tasks: sub-task i sees inputs only on its own block of D/K
 * coordinates (`disjoint`), or all sub-tasks see the same inputs (`same`). Targets y = w*·x + noise, w starts at 0.
 */
function toy(k: number, d: number, mode: 'disjoint' | 'same', seed: number) {
  const w = tf.variable(tf.zeros([d, 1]), true, `w${seed}`);
  const rand = mulberry32(seed);
  const normal = gaussian(rand);
  const wStar = Array.from({ length: d }, () => normal());
  const block = d / k;
  const example = (task: number) => {
    const x = Array.from({ length: d }, (_, j) => (mode === 'same' || Math.floor(j / block) === task ? normal() : 0));
    return { x, y: x.reduce((s, v, j) => s + v * wStar[j], 0) + 0.1 * normal() };
  };
  const lossOf = (rows: { x: number[]; y: number }[]) => () =>
    tf.tidy(() => tf.mean(tf.square(tf.sub(tf.matMul(tf.tensor2d(rows.map((r) => r.x)), w), tf.tensor2d(rows.map((r) => [r.y]))))) as tf.Scalar);
  /** A batch of n examples per sub-task and half; the control: all sub-tasks' examples cut into K random parts. */
  const batchAt = (n: number) => (): BatchLosses => {
    const a = Array.from({ length: k }, (_, i) => Array.from({ length: n }, () => example(i)));
    const b = Array.from({ length: k }, (_, i) => Array.from({ length: n }, () => example(i)));
    const all = [...a.flat(), ...b.flat()];
    const parts = randomParts(all.length, k, rand);
    return { a: a.map(lossOf), b: b.map(lossOf), control: parts.map((p) => lossOf(p.map((i) => all[i]))), dispose: () => {} };
  };
  return { w, batchAt };
}

describe('accumulateGradientGram', () => {
  it('finds sub-tasks on disjoint parameters orthogonal (cross cosine 0) and each in agreement with itself', async () => {
    const { w, batchAt } = toy(2, 4, 'disjoint', 1);
    const st = subtaskStats(await accumulateGradientGram([w], 2, 3, batchAt(64)), 2);
    expect(st.cross[1]).toBeCloseTo(0, 6);
    expect(st.shared[1]).toBeCloseTo(0, 6);
    expect(Math.min(...st.self)).toBeGreaterThan(0.9);
    w.dispose();
  });

  it('finds the same loss twice aligned once the noise is corrected, and the control clearly above zero far from the optimum', async () => {
    const { w, batchAt } = toy(3, 6, 'same', 2);
    const st = subtaskStats(await accumulateGradientGram([w], 3, 4, batchAt(128)), 3);
    expect(meanOffDiagonal(st.corrected, 3)).toBeGreaterThan(0.95);
    expect(meanOffDiagonal(st.control, 3)).toBeGreaterThan(0.9);
    w.dispose();
  });

  it('sharpens batch by batch, reports progress, writes no variable and leaves no tensor, also when aborted', async () => {
    const { w, batchAt } = toy(2, 4, 'disjoint', 3);
    const before = tf.memory().numTensors;
    const grams: number[] = [];
    const progress: number[] = [];
    await accumulateGradientGram([w], 2, 3, batchAt(8), { onBatch: (_g, b) => grams.push(b), onProgress: (done) => progress.push(done) });
    expect(grams).toEqual([1, 2, 3]);
    expect(progress).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(await w.data())).toEqual([0, 0, 0, 0]);
    const abort = new AbortController();
    const run = accumulateGradientGram([w], 2, 3, batchAt(8), { signal: abort.signal, onProgress: (done) => done === 4 && abort.abort() });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});

describe('randomParts', () => {
  it('cuts a seeded permutation into equal disjoint parts', () => {
    const parts = randomParts(10, 3, mulberry32(4));
    expect(parts.map((p) => p.length)).toEqual([3, 3, 3]);
    expect(new Set(parts.flat()).size).toBe(9);
    expect(randomParts(10, 3, mulberry32(4))).toEqual(parts);
    expect(() => randomParts(2, 3, mulberry32(4))).toThrow(RangeError);
  });
});

describe('pairedParts', () => {
  it('keeps both examples of every antithetic pair in one part, parts disjoint and equal', () => {
    const parts = pairedParts(20, 3, mulberry32(7));
    expect(parts.map((p) => p.length)).toEqual([6, 6, 6]); // ⌊10 pairs / 3⌋ = 3 pairs each
    expect(new Set(parts.flat()).size).toBe(18);
    for (const part of parts) for (const i of part) expect(part).toContain(i % 2 === 0 ? i + 1 : i - 1);
    expect(pairedParts(20, 3, mulberry32(7))).toEqual(parts);
    expect(() => pairedParts(9, 2, mulberry32(7))).toThrow(RangeError);
  });
});
