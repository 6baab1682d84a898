// Sample quality of the shipped digit denoisers (the MLP, and the U-Net below), measured as the panel measures it but with 20 samples
// per class instead of 100 (200 per placement). At 100 per class, seed 1 (npm run measure:quality -- --model
// digits): guidance 2 everywhere 93.7 % and FD-classifier 46.3, middle only 90.9 % and 51.6, nowhere 59.1 % and
// 81.5; the floor (held-out against the first 1000 training digits) 3.0. The bounds below leave room for the
// smaller sample: 200 samples at 93.7 % have a standard error of 1.7 points.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../../src/models/tfjsRegistrations';
import { describe, expect, it } from 'vitest';
import {
  deserialize, disposeClassifier, disposeDenoiser, qualityReference, readImageSet, sampleQuality, type WeightsJson,
} from '../../../../src/models/diffusion';

const DIR = fileURLToPath(new URL('../../../../public/models/diffusion/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(`${DIR}${name}`));
const model = (name: string) => JSON.parse(readFileSync(`${DIR}${name}/model.json`, 'utf8')) as WeightsJson;

/** The wasm backend, a shipped denoiser, the classifier, and the held-out and training digits. */
async function shipped(name: string) {
  await tf.setBackend('wasm');
  await tf.ready();
  return {
    denoiser: deserialize('diffusion-denoiser', model(name) as WeightsJson<'diffusion-denoiser'>, read(`${name}/weights.bin`).buffer),
    classifier: deserialize('digit-classifier', model('classifier'), read('classifier/weights.bin').buffer),
    heldout: readImageSet(read('digits-heldout.bin'), 28, 1, read('digits-heldout-labels.bin')),
    train: readImageSet(read('digits-train.bin'), 28, 1, read('digits-train-labels.bin')),
  };
}

describe.skipIf(!existsSync(`${DIR}digits/model.json`) || !existsSync(`${DIR}classifier/model.json`))('the shipped digit denoiser’s sample quality', () => {
  it('20 per class, w = 2: ≥ 88 % read as their class with guidance everywhere, far fewer without; FD-classifier falls with guidance and stays well above the floor', async () => {
    const { denoiser, classifier, heldout, train } = await shipped('digits');
    const start = tf.memory().numTensors;
    const { heldout: reference, floor: { fd: floor, trainCount } } = await qualityReference(classifier, heldout, train);
    expect(trainCount).toBe(1000);
    const [everywhere, middle, nowhere] = await sampleQuality({
      denoiser, parameterization: 'eps', classifier, reference, settings: { perClass: 20, steps: 20, guidance: 2, seed: 1 },
    });
    console.log(`shipped digit MLP, 20 per class: everywhere ${(100 * everywhere.accuracy).toFixed(1)} % FD ${everywhere.fd.toFixed(2)}; middle ${(100 * middle.accuracy).toFixed(1)} % FD ${middle.fd.toFixed(2)}; nowhere ${(100 * nowhere.accuracy).toFixed(1)} % FD ${nowhere.fd.toFixed(2)}; floor FD ${floor.toFixed(2)}`);
    expect(tf.memory().numTensors).toBe(start);
    expect(everywhere.accuracy).toBeGreaterThanOrEqual(0.88);
    expect(middle.accuracy).toBeGreaterThanOrEqual(0.85);
    expect(nowhere.accuracy).toBeLessThan(everywhere.accuracy - 0.2);
    expect(everywhere.fd).toBeLessThan(nowhere.fd);
    expect(floor).toBeLessThan(6);
    expect(everywhere.fd).toBeGreaterThan(5 * floor);
    disposeDenoiser(denoiser);
    disposeClassifier(classifier);
  }, 60_000);
});

// The shipped digit U-Net, the panel's default, at 10 samples per class (100 per placement). At 100 per class,
// seed 1 (npm run measure:quality -- --model digits-unet): guidance 2 everywhere 98.5 % and FD-classifier 10.08,
// middle only 96.5 % and 7.61, nowhere 84.1 % and 6.66. 100 samples at 98.5 % have a standard error of 1.2
// points: the bound of 92 % is over five of them below. FD from 100 samples in 128 features is biased upwards
// (the covariance term grows as the sample shrinks), so the U-Net's is compared with the MLP's at the same count
// and seed: at most half (at 1000 samples it is 0.22 of it; at 100, 23.8 against 51.9; 100 % read as their class).
describe.skipIf(!existsSync(`${DIR}digits-unet/model.json`) || !existsSync(`${DIR}classifier/model.json`))('the shipped digit U-Net’s sample quality', () => {
  it('10 per class, w = 2: ≥ 92 % read as their class with guidance everywhere, fewer without; FD-classifier under half the MLP’s at the same count', async () => {
    const { denoiser, classifier, heldout, train } = await shipped('digits-unet');
    const { heldout: reference } = await qualityReference(classifier, heldout, train);
    const settings = { perClass: 10, steps: 20, guidance: 2, seed: 1 };
    const [everywhere, middle, nowhere] = await sampleQuality({ denoiser, parameterization: 'eps', classifier, reference, settings });
    const mlp = deserialize('diffusion-denoiser', model('digits') as WeightsJson<'diffusion-denoiser'>, read('digits/weights.bin').buffer);
    const [mlpEverywhere] = await sampleQuality({ denoiser: mlp, parameterization: 'eps', classifier, reference, settings });
    console.log(`shipped digit U-Net, 10 per class: everywhere ${(100 * everywhere.accuracy).toFixed(1)} % FD ${everywhere.fd.toFixed(2)} (MLP ${(100 * mlpEverywhere.accuracy).toFixed(1)} %, FD ${mlpEverywhere.fd.toFixed(2)}); middle ${(100 * middle.accuracy).toFixed(1)} % FD ${middle.fd.toFixed(2)}; nowhere ${(100 * nowhere.accuracy).toFixed(1)} % FD ${nowhere.fd.toFixed(2)}`);
    expect(everywhere.accuracy).toBeGreaterThanOrEqual(0.92);
    expect(nowhere.accuracy).toBeLessThan(everywhere.accuracy);
    expect(everywhere.fd).toBeLessThan(mlpEverywhere.fd / 2);
    disposeDenoiser(mlp);
    disposeDenoiser(denoiser);
    disposeClassifier(classifier);
  }, 180_000);
});
