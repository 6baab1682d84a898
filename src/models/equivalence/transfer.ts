// The transfer experiment: from the same weights, a few optimizer steps on one sub-task alone, then every
// sub-task's held-out loss; the weights are put back exactly before the next row. A last row trains on all
// sub-tasks together (the normal objective) as the reference. core/equivalence/matrices.ts transferMatrix turns
// the losses into relative changes.
import * as tf from '@tensorflow/tfjs-core';
import { minimizeStep } from '../training';
import { nextTask } from './accumulate';

export interface TransferOptions {
  /** Optimizer steps per row. */
  steps: number;
  /** Adam's learning rate (a fresh Adam per row, so no row inherits another's moments). */
  lr: number;
  /** The training loss of a row (0…K−1: one sub-task; K: all of them) at a step; fresh data per step is the caller's choice. */
  trainLoss: (row: number, step: number) => { loss: () => tf.Scalar; dispose(): void };
  /** Every sub-task's loss on a fixed held-out set under the current weights. */
  evaluate: () => Promise<number[]>;
  signal?: AbortSignal;
  /** After every step: (steps done, steps in all rows). */
  onProgress?: (done: number, total: number) => void;
}

export interface TransferLosses {
  /** K held-out losses before any training. */
  before: number[];
  /** K + 1 rows: the K held-out losses after training on sub-task i, then after training on all. */
  after: number[][];
}

function abortError(): DOMException {
  return new DOMException('the transfer matrix was aborted', 'AbortError');
}

/**
 * Runs K + 1 rows of `steps` steps over `vars`. The variables hold exactly their starting values afterwards —
 * after every row, and when it throws or is aborted — and the number of tensors is unchanged.
 */
export async function transferLosses(vars: readonly tf.Variable[], k: number, opts: TransferOptions): Promise<TransferLosses> {
  if (!(Number.isInteger(opts.steps) && opts.steps >= 1)) throw new RangeError(`need a whole number of steps ≥ 1, not ${opts.steps}`);
  if (!(opts.lr > 0 && Number.isFinite(opts.lr))) throw new RangeError(`the learning rate must be positive, not ${opts.lr}`);
  const saved = vars.map((v) => tf.clone(v));
  const restore = () => vars.forEach((v, i) => v.assign(saved[i]));
  const total = (k + 1) * opts.steps;
  let done = 0;
  try {
    const before = await opts.evaluate();
    if (before.length !== k) throw new RangeError(`evaluate gave ${before.length} losses, expected ${k}`);
    const after: number[][] = [];
    for (let row = 0; row <= k; row++) {
      const optimizer = tf.train.adam(opts.lr);
      try {
        for (let s = 0; s < opts.steps; s++) {
          if (opts.signal?.aborted) throw abortError();
          const { loss, dispose } = opts.trainLoss(row, s);
          try {
            await minimizeStep(optimizer, loss, vars as tf.Variable[]);
          } finally {
            dispose();
          }
          opts.onProgress?.(++done, total);
          await nextTask();
        }
        after.push(await opts.evaluate());
      } finally {
        optimizer.dispose();
        restore();
      }
    }
    return { before, after };
  } finally {
    restore();
    tf.dispose(saved);
  }
}
