// The shipped digit denoiser and its held-out digits, read from public/models/diffusion/ (the equivalence tests'
// real model), and the first n digits as a batch with seeded ε.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { seededNoise } from '../../../../src/core/diffusion/forward';
import { classRows, deserialize, modelSpaceOfSet, readImageSet, type Denoiser, type ImageSet, type WeightsJson } from '../../../../src/models/diffusion';

const DIR = fileURLToPath(new URL('../../../../public/models/diffusion/', import.meta.url));
const read = (name: string) => new Uint8Array(readFileSync(`${DIR}${name}`));

/** The model and the held-out digits are in the tree. */
export const shipped = existsSync(`${DIR}digits/model.json`) && existsSync(`${DIR}digits-heldout.bin`);

export function loadShippedDigits(): { model: Denoiser; set: ImageSet } {
  const json = JSON.parse(readFileSync(`${DIR}digits/model.json`, 'utf8')) as WeightsJson;
  return {
    model: deserialize('diffusion-denoiser', json, read('digits/weights.bin').buffer),
    set: readImageSet(read('digits-heldout.bin'), 28, 1, read('digits-heldout-labels.bin')),
  };
}

/** The first n digits of `set` in model space, ε from `seed`, as plain arrays (what a worker holds). */
export function digitArrays(set: ImageSet, n: number, seed = 1): { x0: Float32Array; eps: Float32Array; labels: Uint8Array } {
  return { x0: modelSpaceOfSet(set, Int32Array.from({ length: n }, (_, i) => i)), eps: seededNoise(n * 784, seed), labels: set.labels!.subarray(0, n) };
}

/** digitArrays as tensors: x0 and ε [n, 784], the one-hot class rows of the model. The caller disposes them. */
export function digitBatch(model: Denoiser, set: ImageSet, n: number, seed = 1): { x0: tf.Tensor2D; eps: tf.Tensor2D; classes: tf.Tensor2D } {
  const a = digitArrays(set, n, seed);
  return { x0: tf.tensor2d(a.x0, [n, 784]), eps: tf.tensor2d(a.eps, [n, 784]), classes: classRows(a.labels, model.config.classes) };
}
