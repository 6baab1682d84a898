// Shared by the patch-transformer tests: the wasm backend (the one the app trains on) and a tiny model.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '../../../../src/models/tfjsRegistrations';
import type { PatchARConfig } from '../../../../src/models/patchAR/model';

export async function useWasm(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
}

/** 3×3 grid of 2-px patches, 2 layers, 2 heads: big enough to exercise every op, small enough to be instant. */
export const TINY: PatchARConfig = { patch: 2, rows: 3, cols: 3, channels: 1, dModel: 16, layers: 2, heads: 2, mlp: 32 };

/** Seeded uniform tokens [batch, N, patchDim] in [0, 1). */
export function randomTokens(config: PatchARConfig, batch: number, seed: number): Float32Array {
  const n = config.rows * config.cols * config.patch * config.patch * config.channels * batch;
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  });
}
