// Shared by the RQ auto-encoder tests: the wasm backend with the training kernels (what the app trains on)
// and a tiny model.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../../src/models/tfjsRegistrations';
import { registerWasmTrainingKernels } from '../../../../src/models/wasmKernels';
import type { RqaeConfig } from '../../../../src/models/rqae/model';

export async function useWasm(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmTrainingKernels();
}

/** 8×8 images → 2×2 latents of 4 channels, 8 codewords: every op of the real model, instant. */
export function tiny(depth: number, sharedCodebook = true): RqaeConfig {
  return { side: 8, channels: 1, widths: [4, 8], latentDim: 4, codebookSize: 8, depth, sharedCodebook };
}

/** Seeded uniform images [count · side² · channels] in [0, 1). */
export function randomImages(config: RqaeConfig, count: number, seed: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: count * config.side * config.side * config.channels }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  });
}

export function imagesTensor(config: RqaeConfig, data: Float32Array): tf.Tensor4D {
  return tf.tensor4d(data, [data.length / (config.side * config.side * config.channels), config.side, config.side, config.channels]);
}
