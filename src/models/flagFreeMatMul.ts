// A matrix product whose gradients avoid tfjs-backend-wasm's slow path: tf.matMul's own gradient is a
// BatchMatMul with transposeA/transposeB flags, which runs 10–17× slower there than a plain matMul of the same
// size (see patchAR/ops.ts). Here both gradients transpose the operand explicitly and multiply without flags.
import * as tf from '@tensorflow/tfjs-core';

type Save = (tensors: tf.Tensor[]) => void;

/** The last two axes swapped, of a matrix [M, N] or a batch of them [B, M, N]. */
function swapLast(t: tf.Tensor): tf.Tensor {
  return t.rank === 2 ? t.transpose() : t.transpose([0, 2, 1]);
}

/**
 * a·b for matrices a [M, K] and b [K, N], or batches of them [B, M, K]·[B, K, N], with the gradients
 * dy·bᵀ and aᵀ·dy written as flag-free matMuls.
 */
export const flagFreeMatMul = tf.customGrad((a, b, save) => {
  (save as Save)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D),
    gradFunc: (dy: tf.Tensor, [as, bs]: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor3D, swapLast(bs) as tf.Tensor3D),
      tf.matMul(swapLast(as) as tf.Tensor3D, dy as tf.Tensor3D),
    ],
  };
}) as <T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T) => T;
