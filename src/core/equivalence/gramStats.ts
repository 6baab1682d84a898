// Everything the lab reports about K sub-tasks, from one Gram matrix of accumulated gradients. The worker keeps
// three sums of gradients over the batches seen so far — each sub-task's loss on the A half of every batch
// (A_i), on the disjoint B half (B_i), and the whole objective on K random disjoint parts of the batch (C_i, the
// control) — and reads back only their 3K × 3K Gram matrix ⟨·,·⟩. Definitions: docs/conventions.md,
// "Equivalence measures".
import { correctedCosine, MIN_SELF_AGREEMENT } from './matrices';

/** Cosine from inner products; NaN when either vector is zero. */
function cosOf(ab: number, aa: number, bb: number): number {
  const d = Math.sqrt(aa) * Math.sqrt(bb);
  return d > 0 ? Math.min(1, Math.max(-1, ab / d)) : NaN;
}

export interface SubtaskStats {
  k: number;
  /**
   * K × K: the cosine between sub-tasks estimated from disjoint samples, ½(cos(A_i, B_j) + cos(B_i, A_j)), so
   * the per-sample noise the two share does not correlate them. Its diagonal is the self-agreement.
   */
  cross: Float64Array;
  /** K: self-agreement a_i = cos(A_i, B_i), how well one half of the batch predicts the other's gradient. */
  self: Float64Array;
  /** K × K: cos(A_i + B_i, A_j + B_j), both sub-tasks on the same samples (and noise): biased toward agreement. */
  shared: Float64Array;
  /** K × K: cross_ij / √(a_i·a_j) where both self-agreements are at least `minAgreement`, else NaN (diagonal NaN too). */
  corrected: Float64Array;
  /** K × K: cosines between the control's K parts, what agreement looks like at this batch for one objective. */
  control: Float64Array;
  /** K: ‖A_i + B_i‖, the size of each sub-task's accumulated gradient. */
  norms: Float64Array;
}

/** Mean of the finite off-diagonal entries of a K × K matrix (NaN when there are none). */
export function meanOffDiagonal(m: ArrayLike<number>, k: number): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = m[i * k + j];
      if (i !== j && Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
  }
  return n > 0 ? sum / n : NaN;
}

/** The lab's statistics from the 3K × 3K Gram matrix of [A_0…A_{K−1}, B_0…B_{K−1}, C_0…C_{K−1}] (row-major). */
export function subtaskStats(gram: ArrayLike<number>, k: number, minAgreement = MIN_SELF_AGREEMENT): SubtaskStats {
  const m = 3 * k;
  if (gram.length !== m * m) throw new RangeError(`${k} sub-tasks need a ${m} × ${m} Gram matrix, got ${gram.length} entries`);
  const g = (p: number, q: number) => (gram[p * m + q] + gram[q * m + p]) / 2; // exactly symmetric
  const A = (i: number) => i;
  const B = (i: number) => k + i;
  const C = (i: number) => 2 * k + i;
  /** ⟨A_i + B_i, A_j + B_j⟩ */
  const full = (i: number, j: number) => g(A(i), A(j)) + g(A(i), B(j)) + g(B(i), A(j)) + g(B(i), B(j));
  const cross = new Float64Array(k * k);
  const shared = new Float64Array(k * k);
  const control = new Float64Array(k * k);
  const self = new Float64Array(k);
  const norms = Float64Array.from({ length: k }, (_, i) => Math.sqrt(Math.max(0, full(i, i))));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const ab = cosOf(g(A(i), B(j)), g(A(i), A(i)), g(B(j), B(j)));
      const ba = cosOf(g(B(i), A(j)), g(B(i), B(i)), g(A(j), A(j)));
      cross[i * k + j] = (ab + ba) / 2;
      shared[i * k + j] = i === j && norms[i] > 0 ? 1 : cosOf(full(i, j), full(i, i), full(j, j));
      control[i * k + j] = i === j && g(C(i), C(i)) > 0 ? 1 : cosOf(g(C(i), C(j)), g(C(i), C(i)), g(C(j), C(j)));
    }
    self[i] = cross[i * k + i];
  }
  const corrected = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      corrected[i * k + j] = i === j ? NaN : correctedCosine(cross[i * k + j], self[i], self[j], minAgreement);
    }
  }
  return { k, cross, self, shared, corrected, control, norms };
}

/**
 * cos(A_i + B_i, u) with u = Σ_j w_j (A_j + B_j), the step a weighted sum of the sub-task losses takes, from the
 * same Gram matrix (see alignmentWithUpdate in matrices.ts for the definition on vectors).
 */
export function alignmentFromGram(gram: ArrayLike<number>, k: number, weights: ArrayLike<number>): Float64Array {
  const m = 3 * k;
  if (gram.length !== m * m || weights.length !== k) throw new RangeError(`need a ${m} × ${m} Gram matrix and ${k} weights`);
  const g = (p: number, q: number) => (gram[p * m + q] + gram[q * m + p]) / 2;
  const full = (i: number, j: number) => g(i, j) + g(i, k + j) + g(k + i, j) + g(k + i, k + j);
  let uu = 0;
  for (let j = 0; j < k; j++) for (let l = 0; l < k; l++) uu += weights[j] * weights[l] * full(j, l);
  return Float64Array.from({ length: k }, (_, i) => {
    let gu = 0;
    for (let j = 0; j < k; j++) gu += weights[j] * full(i, j);
    return cosOf(gu, full(i, i), Math.max(0, uu));
  });
}

/** How far the two disjoint estimates of each cross cosine lie apart, and their mean over the off-diagonal pairs. */
export interface CrossSpread {
  /** K × K: |cos(A_i, B_j) − cos(B_i, A_j)| (NaN where either is undefined; 0 on the diagonal). */
  spread: Float64Array;
  /** Mean of the finite off-diagonal entries (NaN when there are none, e.g. K = 1). */
  mean: number;
}

/**
 * The split-half spread of the cross cosines: each cross cosine is the mean of two estimates on swapped halves,
 * cos(A_i, B_j) and cos(B_i, A_j); their difference shows how much the value moves from one set of samples to
 * another. It measures variance between batches, not the bias every finite batch shares.
 */
export function crossSpread(gram: ArrayLike<number>, k: number): CrossSpread {
  const m = 3 * k;
  if (gram.length !== m * m) throw new RangeError(`${k} sub-tasks need a ${m} × ${m} Gram matrix, got ${gram.length} entries`);
  const g = (p: number, q: number) => (gram[p * m + q] + gram[q * m + p]) / 2;
  const spread = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (i === j) continue;
      const ab = cosOf(g(i, k + j), g(i, i), g(k + j, k + j));
      const ba = cosOf(g(k + i, j), g(k + i, k + i), g(j, j));
      spread[i * k + j] = Math.abs(ab - ba);
    }
  }
  return { spread, mean: meanOffDiagonal(spread, k) };
}

/** Mean of |v| over the finite off-diagonal entries of a K × K matrix (NaN when there are none). */
export function meanAbsOffDiagonal(m: ArrayLike<number>, k: number): number {
  return meanOffDiagonal(Array.from(m, Math.abs), k);
}
