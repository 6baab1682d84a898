import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '../../../src/models/tfjsRegistrations';
import { beforeAll, describe, expect, it } from 'vitest';
import { flagFreeMatMul } from '../../../src/models/flagFreeMatMul';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** Seeded values in [−1, 1). */
function values(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return (a / 4294967296) * 2 - 1;
  });
}

/** The value of Σ (a·b ⊙ r) and its gradients in a and b, for a product `mul`. */
function valueAndGrads(mul: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, a: tf.Tensor, b: tf.Tensor, r: tf.Tensor) {
  return tf.tidy(() => {
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(mul(x, y), r));
    const [ga, gb] = tf.grads(f)([a, b]);
    return [mul(a, b), ga, gb].map((t) => Array.from(t.dataSync()));
  });
}

describe('flagFreeMatMul', () => {
  it.each([
    ['matrices', [3, 4], [4, 5], [3, 5]],
    ['batches of matrices', [2, 3, 4], [2, 4, 5], [2, 3, 5]],
  ])('has the value and the gradients of tf.matMul for %s', (_, sa, sb, so) => {
    const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
    const a = tf.tensor(values(size(sa), 1), sa);
    const b = tf.tensor(values(size(sb), 2), sb);
    const r = tf.tensor(values(size(so), 3), so);
    const ours = valueAndGrads((x, y) => flagFreeMatMul(x as tf.Tensor3D, y as tf.Tensor3D), a, b, r);
    const reference = valueAndGrads((x, y) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D), a, b, r);
    ours.forEach((got, i) => got.forEach((x, j) => expect(x).toBeCloseTo(reference[i][j], 5)));
    tf.dispose([a, b, r]);
  });
});
