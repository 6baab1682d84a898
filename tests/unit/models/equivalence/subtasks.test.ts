// Each decomposition's sub-task losses through the accumulated gradient statistics: the shipped digit denoiser's
// noise levels (where cosines from one shared batch overstate agreement), a tiny patch transformer's step groups
// and a small RQ auto-encoder's depths — reproducible by seed, weights untouched, no tensor left behind.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../../src/models/tfjsRegistrations';
import { beforeAll, describe, expect, it } from 'vitest';
import { meanOffDiagonal, subtaskStats } from '../../../../src/core/equivalence/gramStats';
import { mulberry32 } from '../../../../src/core/random';
import { registerWasmTrainingKernels } from '../../../../src/models/wasmKernels';
import { binCentres, disposeDenoiser } from '../../../../src/models/diffusion';
import { createPatchAR, dispose as disposePatchAR, patchDim } from '../../../../src/models/patchAR/model';
import { createRqae, digitConfig, dispose as disposeRqae } from '../../../../src/models/rqae/model';
import { accumulateGradientGram } from '../../../../src/models/equivalence/accumulate';
import { depthLosses, noiseLevelLosses, patchStepLosses } from '../../../../src/models/equivalence/subtasks';
import { randomTokens, TINY } from '../patchAR/setup';
import { digitArrays, loadShippedDigits, shipped } from './shippedDigits';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
});

const weightsOf = async (vars: tf.Variable[]) => Promise.all(vars.map((v) => v.data()));

describe.runIf(shipped)('noise levels of the shipped digit denoiser', () => {
  it('measures disjoint-half cosines below the shared-batch ones between clean levels; reproducible; weights and tensors unchanged', async () => {
    const { model, set } = loadShippedDigits();
    const vars = Object.values(model.params);
    const lambdas = binCentres(4);
    const before = tf.memory().numTensors;
    const w0 = await weightsOf(vars);
    const run = () => accumulateGradientGram(vars, 4, 1, () => noiseLevelLosses(model, { count: 32, ...digitArrays(set, 32, 3) }, lambdas, 'eps', mulberry32(9)));
    const gram = await run();
    const st = subtaskStats(gram, 4);
    console.log(`λ ${lambdas.map((l) => l.toFixed(2)).join(' ')}\nself ${[...st.self].map((v) => v.toFixed(2)).join(' ')}\nshared(2,3) ${st.shared[2 * 4 + 3].toFixed(3)} cross(2,3) ${st.cross[2 * 4 + 3].toFixed(3)} control mean ${meanOffDiagonal(st.control, 4).toFixed(3)}`);
    expect(st.shared[2 * 4 + 3]).toBeGreaterThan(st.cross[2 * 4 + 3]); // the shared batch correlates the clean levels' errors
    expect(Array.from(await run())).toEqual(Array.from(gram));
    expect(tf.memory().numTensors).toBe(before);
    const w1 = await weightsOf(vars);
    w0.forEach((w, i) => expect(Array.from(w1[i])).toEqual(Array.from(w)));
    disposeDenoiser(model);
  }, 120_000);
});

describe('patch steps and depths', () => {
  it('gives a tiny patch transformer K step groups with finite statistics, reproducibly, leaving no tensor', async () => {
    const model = createPatchAR(TINY, 1);
    const order = Int32Array.from({ length: 9 }, (_, i) => i);
    const groups = [{ from: 0, to: 3 }, { from: 3, to: 6 }, { from: 6, to: 9 }];
    const before = tf.memory().numTensors;
    const run = () => accumulateGradientGram(Object.values(model.params), 3, 2, (b) => patchStepLosses(model, randomTokens(TINY, 12, 10 + b), order, groups, patchDim(TINY), mulberry32(b)));
    const gram = await run();
    const st = subtaskStats(gram, 3);
    expect([...st.cross, ...st.control].every(Number.isFinite)).toBe(true);
    expect(Array.from(await run())).toEqual(Array.from(gram));
    expect(tf.memory().numTensors).toBe(before);
    disposePatchAR(model);
  }, 60_000);

  it('gives an RQ auto-encoder one sub-task per depth, reconstruction only, leaving no tensor', async () => {
    const model = createRqae(digitConfig(3), 2);
    const images = Float32Array.from({ length: 8 * 28 * 28 }, (_, i) => ((i * 7919) % 255) / 255);
    const before = tf.memory().numTensors;
    const gram = await accumulateGradientGram(Object.values(model.params), 3, 1, () => depthLosses(model, images, mulberry32(1)));
    const st = subtaskStats(gram, 3);
    expect([...st.norms].every((v) => v > 0)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    disposeRqae(model);
  }, 60_000);
});
