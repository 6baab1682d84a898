// The two digit MLP denoisers ship their weights as float16 (scripts/weights-float16.ts): half the bytes to
// fetch. Loaded back to float32, they must still reproduce the held-out losses recorded when they were trained
// in float32 (public/models/diffusion/metrics.json, the same 200 digits × 50 λ bins the panel shows).
//
// Tolerance. float16 keeps 11 significant bits: each weight moves by at most u = 2⁻¹¹ ≈ 4.9e-4 of itself, and
// the prediction ε̂ (unit scale) by about as much relative to it, δ ≲ u. An ε-MSE L = E‖ε − ε̂‖² then moves by at
// most 2√L·u + u² if every rounding pushed the same way. They are independent, so the measured moves are far
// smaller (≤ 0.06 of that bound in every bin; ≤ 2e-6 on the mean); the test allows a quarter of it per bin, on
// top of half a unit of the 4 significant digits the bins are recorded with, and 1e-4 on the mean ε-MSE (as for
// the float32 files).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../../src/models/tfjsRegistrations';
import { beforeAll, describe, expect, it } from 'vitest';
import { deserialize, disposeDenoiser, heldoutProfile, PROFILE_IMAGES, PROFILE_SEED, readImageSet, type WeightsJson } from '../../../../src/models/diffusion';

const DIR = fileURLToPath(new URL('../../../../public/models/diffusion/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(`${DIR}${name}`));
const MODELS = [['digits', 'digits'], ['digits-early', 'digitsEarly']] as const;
const shipped = MODELS.every(([dir]) => existsSync(`${DIR}${dir}/model.json`));

type Heldout = { meanEpsMse: number; loss: number[] };

describe.skipIf(!shipped)('the float16 digit denoisers', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it.each(MODELS)('%s: stored as float16, half the float32 bytes', (dir) => {
    const json = JSON.parse(readFileSync(`${DIR}${dir}/model.json`, 'utf8')) as WeightsJson;
    const specs = json.weightsManifest[0].weights;
    expect(specs.every((s) => s.quantization?.dtype === 'float16')).toBe(true);
    const count = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    expect(read(`${dir}/weights.bin`).length).toBe(2 * count);
  });

  it.each(MODELS)('%s: reproduces the recorded held-out ε-MSE (mean within 1e-4, every λ bin within the stated allowance)', (dir, key) => {
    const json = JSON.parse(readFileSync(`${DIR}${dir}/model.json`, 'utf8')) as WeightsJson;
    const model = deserialize('diffusion-denoiser', json, read(`${dir}/weights.bin`).buffer);
    const heldout = readImageSet(read('digits-heldout.bin'), 28, 1, read('digits-heldout-labels.bin'));
    const recorded = (JSON.parse(readFileSync(`${DIR}metrics.json`, 'utf8')) as Record<string, { heldout: Heldout }>)[key].heldout;
    const profile = heldoutProfile(model, 'eps', heldout, { limit: PROFILE_IMAGES, seed: PROFILE_SEED });
    disposeDenoiser(model);
    const u = 2 ** -11;
    // Half a unit in the 4th significant digit of a recorded bin.
    const recording = (v: number) => 0.5 * 10 ** (Math.floor(Math.log10(v)) - 3);
    let worst = 0; // the largest move as a fraction of the allowance
    expect(profile.loss).toHaveLength(recorded.loss.length);
    profile.loss.forEach((v, i) => {
      const allowed = recording(recorded.loss[i]) + 0.25 * (2 * Math.sqrt(v) * u + u * u);
      const moved = Math.abs(v - recorded.loss[i]);
      worst = Math.max(worst, moved / allowed);
      expect(moved).toBeLessThanOrEqual(allowed);
    });
    console.log(`${dir} from float16: held-out ε-MSE ${profile.mean.toFixed(6)} (recorded ${recorded.meanEpsMse}); worst bin at ${worst.toFixed(2)} of its allowance`);
    expect(Math.abs(profile.mean - recorded.meanEpsMse)).toBeLessThan(1e-4);
  }, 120_000);
});
