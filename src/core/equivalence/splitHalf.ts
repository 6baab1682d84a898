// The full-batch gradient-cosine matrix from the gradients of the two halves of the batch, and how far the
// matrices of the two halves lie apart: a measure of the sampling noise in each cosine that costs no extra
// backward pass.
//
// With a loss that is the mean over the batch and two equal halves A and B, the full-batch gradient of sub-task
// i is g_i = (a_i + b_i) / 2, so ⟨g_i, g_j⟩ = ¼(⟨a_i, a_j⟩ + ⟨a_i, b_j⟩ + ⟨b_i, a_j⟩ + ⟨b_i, b_j⟩): the 2K
// half-batch gradients give the K × K matrix exactly. The halves are two independent batches, so
// |cos(a_i, a_j) − cos(b_i, b_j)| shows how much cos_ij swings with the batch: with independent errors of equal
// size in each half, the full-batch value's own error is about half that spread.

export interface SplitHalfCosines {
  k: number;
  /** K × K, row-major: cos between full-batch gradients; exactly 1 on the diagonal; NaN in the row and column of a zero gradient. */
  cosines: Float64Array;
  /** ‖g_i‖ of the full-batch gradients. */
  norms: Float64Array;
  /**
   * K × K: |cos(a_i, a_j) − cos(b_i, b_j)|, how far apart the matrices of the two halves lie (0 on the diagonal,
   * NaN where either half's cosine is undefined).
   */
  spread: Float64Array;
}

/**
 * Combines the cosines and norms of 2K half-batch gradients, ordered [a_0, b_0, a_1, b_1, …] (row-major
 * 2K × 2K cosines, NaN for a zero gradient), into the full-batch matrix and the spread between the halves.
 */
export function combineHalves(halfCosines: ArrayLike<number>, halfNorms: ArrayLike<number>, k: number): SplitHalfCosines {
  const m = 2 * k;
  if (halfCosines.length !== m * m || halfNorms.length !== m) {
    throw new RangeError(`${k} sub-tasks need ${m * m} half-batch cosines and ${m} norms, got ${halfCosines.length} and ${halfNorms.length}`);
  }
  /** ⟨h_p, h_q⟩ from the cosine and norms; a zero gradient (NaN cosine) contributes 0. */
  const dot = (p: number, q: number) => {
    const c = halfCosines[p * m + q];
    return Number.isFinite(c) ? c * halfNorms[p] * halfNorms[q] : 0;
  };
  const gram = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const g = (dot(2 * i, 2 * j) + dot(2 * i, 2 * j + 1) + dot(2 * i + 1, 2 * j) + dot(2 * i + 1, 2 * j + 1)) / 4;
      gram[i * k + j] = g;
      gram[j * k + i] = g;
    }
  }
  const norms = Float64Array.from({ length: k }, (_, i) => Math.sqrt(Math.max(0, gram[i * k + i])));
  const cosines = new Float64Array(k * k);
  const spread = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const denom = norms[i] * norms[j];
      cosines[i * k + j] = !(denom > 0) ? NaN : i === j ? 1 : Math.min(1, Math.max(-1, gram[i * k + j] / denom));
      // NaN propagates from an undefined half cosine.
      const apart = Math.abs(halfCosines[2 * i * m + 2 * j] - halfCosines[(2 * i + 1) * m + 2 * j + 1]);
      spread[i * k + j] = i === j && !Number.isNaN(apart) ? 0 : apart;
    }
  }
  return { k, cosines, norms, spread };
}
