// Gradients of K sub-tasks accumulated over many batches, with the two measurements every lab matrix is read
// against: each sub-task on two disjoint halves of every batch (so cross cosines never share samples, and each
// sub-task's self-agreement shows its noise), and the control, the whole objective on K random disjoint parts
// of the batch (what "equivalent" looks like at this batch size). Only the 3K × 3K Gram matrix of the sums is
// read back, after every batch, so a view can show a coarse matrix at once and sharpen it as batches accumulate
// (core/equivalence/gramStats.ts turns it into the statistics).
import * as tf from '@tensorflow/tfjs-core';
import { flatGradient } from './gradientCosines';

/** One batch's losses: K sub-tasks on half A, the same K on the disjoint half B, and K control parts. */
export interface BatchLosses {
  a: readonly (() => tf.Scalar)[];
  b: readonly (() => tf.Scalar)[];
  control: readonly (() => tf.Scalar)[];
  /** Frees the batch's own tensors (its data), once its gradients are taken. */
  dispose(): void;
}

export interface AccumulateOptions {
  signal?: AbortSignal;
  /** After every gradient: (gradients done, gradients in all batches). */
  onProgress?: (done: number, total: number) => void;
  /** After every batch: the Gram matrix of the sums so far (3K × 3K, row-major) and the batches done. */
  onBatch?: (gram: Float64Array, batches: number) => void;
}

function abortError(): DOMException {
  return new DOMException('the gradient statistics were aborted', 'AbortError');
}

/** Yields to the event loop, so a cancel message (a macrotask) is heard between steps. */
export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The Gram matrix of the flat vectors `sums` (read back once). */
async function gramOf(sums: readonly tf.Tensor1D[]): Promise<Float64Array> {
  const gram = tf.tidy(() => {
    const g = tf.stack(sums as tf.Tensor1D[]) as tf.Tensor2D;
    return tf.matMul(g, g, false, true);
  });
  try {
    return Float64Array.from(await gram.data());
  } finally {
    gram.dispose();
  }
}

/**
 * Takes the 3K gradients of each of `batches` batches (`batchAt(b)` makes batch b's losses), adds them into 3K
 * running sums over `vars`, and returns the final Gram matrix of [A_0…A_{K−1}, B_0…B_{K−1}, C_0…C_{K−1}]. Memory:
 * 3K + 1 flat gradients. Leaves the number of tensors unchanged, also when it throws or is aborted (checked
 * between gradients); the variables are never written.
 */
export async function accumulateGradientGram(
  vars: readonly tf.Variable[], k: number, batches: number, batchAt: (b: number) => BatchLosses, opts: AccumulateOptions = {},
): Promise<Float64Array> {
  if (!(k >= 1 && Number.isInteger(k))) throw new RangeError(`need a whole number of sub-tasks ≥ 1, not ${k}`);
  if (!(batches >= 1 && Number.isInteger(batches))) throw new RangeError(`need a whole number of batches ≥ 1, not ${batches}`);
  const sums: (tf.Tensor1D | null)[] = Array.from({ length: 3 * k }, () => null);
  const total = batches * 3 * k;
  let done = 0;
  let gram: Float64Array = new Float64Array(9 * k * k);
  try {
    for (let b = 0; b < batches; b++) {
      if (opts.signal?.aborted) throw abortError();
      const batch = batchAt(b);
      try {
        const losses = [...batch.a, ...batch.b, ...batch.control];
        if (losses.length !== 3 * k) throw new RangeError(`batch ${b} has ${losses.length} losses, expected ${3 * k}`);
        for (let p = 0; p < losses.length; p++) {
          if (opts.signal?.aborted) throw abortError();
          const grad = flatGradient(losses[p], vars);
          const prev = sums[p];
          if (prev) {
            sums[p] = tf.add(prev, grad) as tf.Tensor1D;
            prev.dispose();
            grad.dispose();
          } else sums[p] = grad;
          opts.onProgress?.(++done, total);
          await nextTask();
        }
      } finally {
        batch.dispose();
      }
      gram = await gramOf(sums as tf.Tensor1D[]);
      opts.onBatch?.(gram, b + 1);
    }
    return gram;
  } finally {
    tf.dispose(sums.filter((s): s is tf.Tensor1D => s !== null));
  }
}

/** `n` indices 0…n−1 in a seeded random order, cut into `parts` parts of ⌊n / parts⌋ (the rest unused). */
export function randomParts(n: number, parts: number, rand: () => number): number[][] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const size = Math.floor(n / parts);
  if (size < 1) throw new RangeError(`${n} examples cannot make ${parts} non-empty parts`);
  return Array.from({ length: parts }, (_, p) => order.slice(p * size, (p + 1) * size));
}

/**
 * randomParts over `n / 2` pairs of examples (2i, 2i + 1): each part holds whole pairs, ⌊n / 2 / parts⌋ of them,
 * so the two examples of a pair are never in different parts.
 */
export function pairedParts(n: number, parts: number, rand: () => number): number[][] {
  if (n % 2 !== 0) throw new RangeError(`${n} examples are not whole pairs`);
  return randomParts(n / 2, parts, rand).map((pairs) => pairs.flatMap((p) => [2 * p, 2 * p + 1]));
}
