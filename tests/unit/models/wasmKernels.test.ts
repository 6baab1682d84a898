// The wasm gradient kernels must give the cpu backend's conv gradients (the reference implementation).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '../../../src/models/tfjsRegistrations';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/core/random';
import { registerWasmTrainingKernels } from '../../../src/models/wasmKernels';

type Case = { name: string; x: [number, number, number, number]; k: [number, number, number, number]; stride: number; pad: 'same' | 'valid' };

const CASES: Case[] = [
  { name: '3×3 same, stride 1', x: [2, 7, 6, 3], k: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { name: '3×3 same, stride 2, odd size', x: [2, 7, 7, 2], k: [3, 3, 2, 5], stride: 2, pad: 'same' },
  { name: '4×4 same, stride 2', x: [3, 8, 8, 1], k: [4, 4, 1, 3], stride: 2, pad: 'same' },
  { name: '5×5 valid, stride 1', x: [1, 9, 8, 2], k: [5, 5, 2, 2], stride: 1, pad: 'valid' },
  { name: '3×3 valid, stride 2, an unused last row', x: [2, 8, 9, 2], k: [3, 3, 2, 3], stride: 2, pad: 'valid' },
  { name: '1×1, stride 1', x: [2, 5, 5, 4], k: [1, 1, 4, 6], stride: 1, pad: 'same' },
];

function random(shape: number[], seed: number): Float32Array {
  const rng = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => rng() * 2 - 1);
}

/** Gradients of Σ conv(x, w)·g with respect to x and w, on the current backend. */
function grads(c: Case): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(random(c.x, 1), c.x);
    const w = tf.tensor4d(random(c.k, 2), c.k);
    const probe = tf.conv2d(x, w, c.stride, c.pad);
    const g = tf.tensor(random(probe.shape, 3), probe.shape);
    const f = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.sum(tf.mul(tf.conv2d(a, b, c.stride, c.pad), g));
    const [dx, dw] = tf.grads(f as (...args: tf.Tensor[]) => tf.Tensor)([x, w]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('wasm conv training kernels', () => {
  const reference = new Map<string, { dx: Float32Array; dw: Float32Array }>();
  beforeAll(async () => {
    await tf.setBackend('cpu');
    for (const c of CASES) reference.set(c.name, grads(c));
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('matches the cpu backend for %s (within 1e-5)', (_name, c) => {
    const ref = reference.get(c.name)!;
    const got = grads(c);
    expect(maxAbsDiff(got.dw, ref.dw)).toBeLessThan(1e-5);
    expect(maxAbsDiff(got.dx, ref.dx)).toBeLessThan(1e-5);
  });

  it('trains a conv layer on wasm without leaking tensors', () => {
    const w = tf.variable(tf.tensor4d(random([3, 3, 1, 4], 5), [3, 3, 1, 4]));
    const x = tf.tensor4d(random([4, 8, 8, 1], 6), [4, 8, 8, 1]);
    const opt = tf.train.sgd(0.05);
    const loss = () => tf.mean(tf.square(tf.sub(tf.conv2d(x, w as tf.Tensor4D, 1, 'same'), 0.5))) as tf.Scalar;
    const first = tf.tidy(() => loss().dataSync()[0]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) opt.minimize(loss, false, [w]);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.tidy(() => loss().dataSync()[0])).toBeLessThan(first);
    x.dispose();
    w.dispose();
    opt.dispose();
  });
});
