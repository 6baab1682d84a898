// Sample quality of the shipped digit denoiser (the MLP), measured as the panel measures it but with 20 samples
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

describe.skipIf(!existsSync(`${DIR}digits/model.json`) || !existsSync(`${DIR}classifier/model.json`))('the shipped digit denoiser’s sample quality', () => {
  it('20 per class, w = 2: ≥ 88 % read as their class with guidance everywhere, far fewer without; FD-classifier falls with guidance and stays well above the floor', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    const denoiser = deserialize('diffusion-denoiser', model('digits') as WeightsJson<'diffusion-denoiser'>, read('digits/weights.bin').buffer);
    const classifier = deserialize('digit-classifier', model('classifier'), read('classifier/weights.bin').buffer);
    const heldout = readImageSet(read('digits-heldout.bin'), 28, 1, read('digits-heldout-labels.bin'));
    const train = readImageSet(read('digits-train.bin'), 28, 1, read('digits-train-labels.bin'));
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
