// The two objectives differ where the published RQ-VAE and the talk's summed objective must differ: what moves
// the codebook (the residual each codeword quantized vs the partial sums pulled toward z), how the commitment
// averages over depths, and which depths the reconstruction sees. Checked on a hand-computable toy model and
// against plain-JS formulas on a random tiny one.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../../src/models/tfjsRegistrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanMsePerDepth } from '../../../../src/models/rqae/depthMetrics';
import { evaluateImages } from '../../../../src/models/rqae/evaluate';
import { codesOf, COMMITMENT_BETA, depthTerms, objectiveLoss, objectiveValue, type Objective } from '../../../../src/models/rqae/losses';
import { createRqae, dispose, encode, type Rqae, type RqaeConfig } from '../../../../src/models/rqae/model';
import { residualCodes } from '../../../../src/models/rqae/quantize';
import { createTrainer } from '../../../../src/models/rqae/train';
import { imagesTensor, randomImages, tiny, useWasm } from './setup';

beforeAll(useWasm);

const models: Rqae[] = [];
afterAll(() => models.forEach(dispose));

/**
 * 4×4 images → one 1-dimensional latent per image, two codewords, D = 2. The encoder is silenced so that
 * z = 1.2 for every image; codewords e_0 = 1, e_1 = 0.25. Greedy RQ: r_0 = 1.2 → e_0, r_1 = 0.2 → e_1,
 * r_2 = −0.05; ẑ^(1) = 1, ẑ^(2) = 1.25.
 */
function toy(): Rqae {
  const config: RqaeConfig = { side: 4, channels: 1, widths: [2, 2], latentDim: 1, codebookSize: 2, depth: 2, sharedCodebook: true };
  const m = createRqae(config, 3);
  tf.tidy(() => {
    for (const name of ['enc/conv0/w', 'enc/conv0/b', 'enc/conv1/w', 'enc/conv1/b', 'enc/proj/w']) m.params[name].assign(tf.zerosLike(m.params[name]));
    m.params['enc/proj/b'].assign(tf.tensor1d([1.2]));
    m.params.codebook.assign(tf.tensor2d([[1], [0.25]]));
  });
  models.push(m);
  return m;
}

function randomModel(depth: number, shared: boolean, seed: number): Rqae {
  const m = createRqae(tiny(depth, shared), seed);
  tf.tidy(() => m.params.codebook.assign(tf.randomNormal(m.params.codebook.shape, 0, 0.3, 'float32', seed)));
  models.push(m);
  return m;
}

/** The gradient of `loss` with respect to each listed variable, as plain arrays. */
function grads(loss: () => tf.Scalar, vars: tf.Variable[]): number[][] {
  const { value, grads: g } = tf.variableGrads(loss, vars);
  const out = vars.map((v) => Array.from(g[v.name].dataSync()));
  tf.dispose([value, g]);
  return out;
}

const closeTo = (actual: number[], expected: number[], digits = 5) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i], digits));
};

describe('objective (a), RQ-VAE as published, against objective (b), the summed one', () => {
  const x = () => imagesTensor({ side: 4, channels: 1 } as RqaeConfig, randomImages({ side: 4, channels: 1 } as RqaeConfig, 3, 11));

  it('moves each codeword toward the residual it quantized in (a), every codeword of a partial sum toward z in (b)', () => {
    const m = toy();
    const images = x();
    // (a): Σ_d (r_{d−1} − e_{k_d})²  →  ∂/∂e_0 = 2(1 − 1.2) = −0.4,  ∂/∂e_1 = 2(0.25 − 0.2) = 0.1.
    const [full] = grads(() => objectiveLoss(m, images, 'full'), [m.params.codebook]);
    closeTo(full, [-0.4, 0.1]);
    // (b): (z − e_0)² + (z − e_0 − e_1)²  →  ∂/∂e_0 = −0.4 + 2(1.25 − 1.2) = −0.3,  ∂/∂e_1 = 0.1.
    const [summed] = grads(() => objectiveLoss(m, images, 'summed'), [m.params.codebook]);
    closeTo(summed, [-0.3, 0.1]);
    images.dispose();
  });

  it('commits the encoder to the mean over depths of the partial sums in (a), to their sum in (b)', () => {
    const m = toy();
    const images = x();
    const bias = m.params['enc/proj/b'];
    // The encoder's gradient minus the reconstruction's (straight-through) share is the commitment's:
    // β · mean_d 2(z − ẑ^(d)) = 0.25 · (0.4 − 0.1)/2 = 0.0375 in (a); β · Σ_d = 0.075 in (b).
    const reconD = grads(() => depthTerms(m, images, false).recon.sum() as tf.Scalar, [bias])[0][0];
    const reconAll = grads(() => depthTerms(m, images, true).recon.sum() as tf.Scalar, [bias])[0][0];
    expect(grads(() => objectiveLoss(m, images, 'full'), [bias])[0][0] - reconD).toBeCloseTo(COMMITMENT_BETA * 0.15, 5);
    expect(grads(() => objectiveLoss(m, images, 'summed'), [bias])[0][0] - reconAll).toBeCloseTo(COMMITMENT_BETA * 0.3, 5);
    images.dispose();
  });

  it('reconstructs at depth D only in (a), at every depth in (b)', () => {
    const m = toy();
    const images = x();
    const decoder = ['dec/conv1/w', 'dec/up/w', 'dec/out/w', 'dec/out/b'].map((n) => m.params[n]);
    const t = depthTerms(m, images, true);
    const recon = Array.from(t.recon.dataSync());
    tf.dispose([t.recon, t.residualCodebookLoss, t.sumCodebookLoss, t.commitment]);
    // Latent terms: ‖z − ẑ^(d)‖² = 0.04, 0.0025.
    const full = objectiveLoss(m, images, 'full');
    expect(full.dataSync()[0]).toBeCloseTo(recon[1] + 0.0425 + COMMITMENT_BETA * 0.02125, 5);
    const summed = objectiveLoss(m, images, 'summed');
    expect(summed.dataSync()[0]).toBeCloseTo(recon[0] + recon[1] + 0.0425 + COMMITMENT_BETA * 0.0425, 5);
    tf.dispose([full, summed]);
    // The decoder learns from the reconstruction alone: (a)'s decoder gradient is depth D's, (b)'s every depth's.
    const only = (d: number) => () => depthTerms(m, images, true).recon.slice([d], [1]).sum() as tf.Scalar;
    const g = (f: () => tf.Scalar) => grads(f, decoder).flat();
    const [g1, g2] = [g(only(0)), g(only(1))];
    closeTo(g(() => objectiveLoss(m, images, 'full')), g2, 6);
    closeTo(g(() => objectiveLoss(m, images, 'summed')), g1.map((v, i) => v + g2[i]), 6);
    images.dispose();
  });

  it.each([true, false])('matches the hand-written codebook gradients of both objectives on a random model (shared codebook: %s)', async (shared) => {
    const depth = 3;
    const m = randomModel(depth, shared, 21);
    const { codebookSize: k, latentDim: c } = m.config;
    const images = imagesTensor(m.config, randomImages(m.config, 4, 12));
    const z = encode(m, images);
    const { codes: codesT, residuals: residualsT } = residualCodes(m, z);
    const zv = Array.from(await z.data());
    const codes = Array.from(await codesT.data());
    const residuals = Array.from(await residualsT.data()); // r_0 … r_{D−1} [D, M, C]
    const cb = Array.from(await m.params.codebook.data());
    tf.dispose([z, codesT, residualsT]);
    const n = zv.length / c; // latent vectors M
    const row = (d: number, i: number) => (shared ? 0 : d * k) + codes[d * n + i];
    const count = n * c; // the latent terms are means over latent vectors and channels
    const expectedFull = new Array<number>(cb.length).fill(0);
    const expectedSummed = new Array<number>(cb.length).fill(0);
    for (let d = 0; d < depth; d++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < c; j++) {
          // (a): 2(e_{k_d} − r_{d−1}) / count on the codeword chosen at depth d only.
          const e = cb[row(d, i) * c + j];
          expectedFull[row(d, i) * c + j] += (2 * (e - residuals[(d * n + i) * c + j])) / count;
          // (b): 2(ẑ^(d) − z) / count on every codeword chosen at depths 1…d (r_d = z − ẑ^(d) = r_{d−1} − e).
          const rd = residuals[(d * n + i) * c + j] - e;
          for (let p = 0; p <= d; p++) expectedSummed[row(p, i) * c + j] += (-2 * rd) / count;
        }
      }
    }
    const codes2 = codesOf(m, images);
    const [full] = grads(() => objectiveLoss(m, images, 'full', COMMITMENT_BETA, codes2), [m.params.codebook]);
    const [summed] = grads(() => objectiveLoss(m, images, 'summed', COMMITMENT_BETA, codes2), [m.params.codebook]);
    tf.dispose([codes2, images]);
    closeTo(full, expectedFull, 5);
    closeTo(summed, expectedSummed, 5);
    expect(Math.max(...full.map((g, i) => Math.abs(g - summed[i])))).toBeGreaterThan(1e-3);
  });

  it('gives both objectives the same gradients at depth 1 (one quantizer: VQ-VAE either way)', () => {
    const m = randomModel(1, true, 22);
    const images = imagesTensor(m.config, randomImages(m.config, 3, 13));
    const vars = Object.values(m.params);
    const a = grads(() => objectiveLoss(m, images, 'full'), vars).flat();
    const b = grads(() => objectiveLoss(m, images, 'summed'), vars).flat();
    closeTo(a, b, 6);
    images.dispose();
  });

  it.each(['full', 'summed'] as Objective[])('scores held-out images from per-depth numbers exactly as the training loss does (%s)', async (objective) => {
    const m = randomModel(3, false, 23);
    const data = randomImages(m.config, 6, 14);
    const { errors, latentMse } = await evaluateImages(m, data, 4); // chunks of 4 and 2 images
    const images = imagesTensor(m.config, data);
    const loss = objectiveLoss(m, images, objective);
    expect(objectiveValue(objective, meanMsePerDepth(errors), latentMse)).toBeCloseTo(loss.dataSync()[0], 5);
    tf.dispose([loss, images]);
  });

  it.each(['full', 'summed'] as Objective[])('restarts dead codewords while training with objective %s', async (objective) => {
    const m = randomModel(2, true, 24);
    // One codeword near the latents, seven far away: those seven are never chosen.
    tf.tidy(() => m.params.codebook.assign(tf.concat([tf.zeros([1, 4]), tf.fill([7, 4], 50)])));
    const trainer = createTrainer(m, { objective, batchSize: 4, warmup: 0, restartEvery: 2, seed: 3, source: (b) => randomImages(m.config, b, 15) });
    await trainer.run(3);
    expect(trainer.restarted).toBe(7);
    expect(Math.max(...Array.from(m.params.codebook.dataSync()).map(Math.abs))).toBeLessThan(50);
    trainer.dispose();
  });
});
