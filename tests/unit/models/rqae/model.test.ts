import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignNearest } from '../../../../src/core/depth/kmeans';
import { codesOf, depthTerms, lossPerDepth, objectiveLoss } from '../../../../src/models/rqae/losses';
import { createRqae, decode, dispose, encode, paramCount, pixelShuffle, type Rqae } from '../../../../src/models/rqae/model';
import { partialSums, quantize, residualCodes, stopGradient, straightThrough } from '../../../../src/models/rqae/quantize';
import { imagesTensor, randomImages, tiny, useWasm } from './setup';

beforeAll(useWasm);

const models: Rqae[] = [];
function model(depth: number, shared = true, seed = 1): Rqae {
  const m = createRqae(tiny(depth, shared), seed);
  // Codewords at the scale of the encoder's outputs, so several of them get used.
  tf.tidy(() => m.params.codebook.assign(tf.randomNormal(m.params.codebook.shape, 0, 0.3, 'float32', seed)));
  models.push(m);
  return m;
}
afterAll(() => models.forEach(dispose));

async function values(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

/** Greedy RQ in plain JS (core/depth/kmeans assignNearest): codes [D, M] and partial sums [D, M, C]. */
function referenceRq(z: Float32Array, dim: number, codebooks: Float64Array[], k: number): { codes: Int32Array; sums: Float32Array } {
  const m = z.length / dim;
  const codes = new Int32Array(codebooks.length * m);
  const sums = new Float32Array(codebooks.length * z.length);
  const r = Float32Array.from(z);
  const acc = new Float32Array(z.length);
  codebooks.forEach((c, d) => {
    const a = assignNearest(r, dim, c, k);
    for (let i = 0; i < m; i++) {
      codes[d * m + i] = a[i];
      for (let j = 0; j < dim; j++) {
        r[i * dim + j] -= c[a[i] * dim + j];
        acc[i * dim + j] += c[a[i] * dim + j];
      }
    }
    sums.set(acc, d * z.length);
  });
  return { codes, sums };
}

describe('RQ auto-encoder model', () => {
  it('counts its parameters', () => {
    const m = model(3);
    expect(paramCount(m.config)).toBe(Object.values(m.params).reduce((n, v) => n + v.size, 0));
  });

  it('pixel-shuffles like tf.depthToSpace (NHWC)', async () => {
    const x = tf.randomNormal([2, 3, 3, 8], 0, 1, 'float32', 4) as tf.Tensor4D;
    const a = await values(pixelShuffle(x));
    const b = await values(tf.depthToSpace(x, 2));
    x.dispose();
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('encodes to one latent vector per cell of the side/4 grid and decodes back to pixels in [0, 1]', async () => {
    const m = model(2);
    const x = imagesTensor(m.config, randomImages(m.config, 3, 1));
    const z = encode(m, x);
    expect(z.shape).toEqual([3 * 4, 4]);
    const y = decode(m, z);
    expect(y.shape).toEqual([3, 8, 8, 1]);
    const v = await values(y);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    tf.dispose([x, z]);
  });

  it.each([true, false])('quantizes greedily, like a plain-JS residual quantizer (shared codebook: %s)', async (shared) => {
    const m = model(4, shared);
    const { depth, codebookSize: k, latentDim: dim } = m.config;
    const z = tf.randomNormal([20, dim], 0, 0.5, 'float32', 3) as tf.Tensor2D;
    const zv = (await z.data()) as Float32Array;
    const cb = Float64Array.from((await m.params.codebook.data()) as Float32Array);
    const books = Array.from({ length: depth }, (_, d) => (shared ? cb : cb.subarray(d * k * dim, (d + 1) * k * dim)));
    const ref = referenceRq(zv, dim, books, k);
    const { codes, residuals } = residualCodes(m, z);
    residuals.dispose();
    const sums = partialSums(m, codes);
    expect(Array.from(await values(codes))).toEqual(Array.from(ref.codes));
    const s = await values(sums);
    for (let i = 0; i < s.length; i++) expect(s[i]).toBeCloseTo(ref.sums[i], 5);
    z.dispose();
  });

  it('stop-gradient and straight-through: values pass, gradients are zero / go to the input', async () => {
    const x = tf.tensor1d([1, 2, 3]);
    const q = tf.tensor1d([0.5, 2.5, 2]);
    const sg = tf.grad((v: tf.Tensor) => stopGradient(v).square().sum())(x);
    expect(Array.from(await values(sg))).toEqual([0, 0, 0]);
    // d/dx Σ ste(x, q)² = 2·q: the value is q, the gradient flows to x as if ste were the identity.
    const ste = tf.grad((v: tf.Tensor) => straightThrough(v, q).square().sum())(x);
    expect(Array.from(await values(ste))).toEqual([1, 5, 4]);
    expect(Array.from(await values(straightThrough(x, q)))).toEqual([0.5, 2.5, 2]);
    tf.dispose([x, q]);
  });

  it('passes the reconstruction gradient through the quantizer to the encoder (straight-through estimator)', async () => {
    const m = model(3);
    const x = imagesTensor(m.config, randomImages(m.config, 4, 2));
    const encoderVars = ['enc/conv0/w', 'enc/conv1/w', 'enc/proj/w'].map((n) => m.params[n]);
    // Reconstruction only (no commitment term): without straight-through the encoder would get no gradient.
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => depthTerms(m, x, false).recon.sum() as tf.Scalar), encoderVars);
    for (const v of encoderVars) {
      const g = await values(grads[v.name]);
      expect(g.every(Number.isFinite)).toBe(true);
      expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(0);
    }
    tf.dispose([value, x]);
  });

  it('gives D per-depth losses that sum to objective (b) and that variableGrads differentiates', async () => {
    const m = model(3);
    const x = imagesTensor(m.config, randomImages(m.config, 4, 5));
    const perDepth = lossPerDepth(m, x);
    expect(perDepth).toHaveLength(3);
    const sum = perDepth.reduce((a, b) => a + b.dataSync()[0], 0);
    tf.dispose(perDepth);
    const summed = objectiveLoss(m, x, 'summed');
    expect(summed.dataSync()[0]).toBeCloseTo(sum, 5);
    summed.dispose();
    for (let d = 0; d < 3; d++) {
      const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
        const all = lossPerDepth(m, x);
        return all[d];
      }), Object.values(m.params));
      for (const name of ['enc/conv0/w', 'codebook', 'dec/out/w']) {
        const g = await values(grads[m.params[name].name]);
        expect(g.every(Number.isFinite)).toBe(true);
        expect(Math.max(...g.map(Math.abs))).toBeGreaterThan(0);
      }
      tf.dispose([value, grads]);
    }
    x.dispose();
  });

  it('objective (a) is the full-depth reconstruction, the residual codebook terms and the mean commitment over depths', () => {
    const m = model(4);
    const x = imagesTensor(m.config, randomImages(m.config, 3, 6));
    const full = objectiveLoss(m, x, 'full');
    const t = depthTerms(m, x, true);
    const expected = t.recon.dataSync()[3] + t.residualCodebookLoss.sum().dataSync()[0] + 0.25 * t.commitment.mean().dataSync()[0];
    expect(full.dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([full, t.recon, t.residualCodebookLoss, t.sumCodebookLoss, t.commitment, x]);
  });

  it('gives the same losses with precomputed codes as with its own code search', () => {
    const m = model(3, false);
    const x = imagesTensor(m.config, randomImages(m.config, 3, 7));
    const codes = codesOf(m, x);
    const a = objectiveLoss(m, x, 'summed', 0.25, codes);
    const b = objectiveLoss(m, x, 'summed');
    expect(a.dataSync()[0]).toBeCloseTo(b.dataSync()[0], 6);
    tf.dispose([a, b, codes, x]);
  });

  it('has codebook losses equal in value to the commitment loss (they differ only in gradient)', () => {
    const m = model(3);
    const x = imagesTensor(m.config, randomImages(m.config, 2, 8));
    const q = tf.tidy(() => quantize(m, encode(m, x)));
    const commitment = Array.from(q.commitment.dataSync());
    Array.from(q.sumCodebookLoss.dataSync()).forEach((v, d) => expect(v).toBeCloseTo(commitment[d], 6));
    Array.from(q.residualCodebookLoss.dataSync()).forEach((v, d) => expect(v).toBeCloseTo(commitment[d], 6));
    tf.dispose([q.codes, q.sums, q.decoderInputs, q.sumCodebookLoss, q.residualCodebookLoss, q.commitment, x]);
  });
});
