// The non-monotone fraction depends on what counts as "worse": a digit is non-monotone at threshold τ when its
// reconstruction MSE rises by more than τ (relative) from some depth d to d + 1 (docs/conventions.md, "The
// non-monotone fraction"). These thresholds span the range the Depth panel draws it over.

/** 19 thresholds, log-spaced from 1e-6 (any rise beyond rounding) to 5 % (a clearly visible rise). */
export const NON_MONOTONE_THRESHOLDS: readonly number[] = Array.from({ length: 19 }, (_, i) => 10 ** (-6 + (i * (Math.log10(0.05) + 6)) / 18));

/**
 * For each threshold τ, the fraction of the `count` samples (row-major `mse`, `depth` values each) whose MSE at
 * some depth d + 1 exceeds that at d by more than τ relative: mse[d + 1] > mse[d]·(1 + τ).
 */
export function nonMonotoneByThreshold(mse: ArrayLike<number>, count: number, depth: number, thresholds: readonly number[] = NON_MONOTONE_THRESHOLDS): number[] {
  if (mse.length !== count * depth) throw new RangeError(`${count} samples of ${depth} depths need ${count * depth} values, got ${mse.length}`);
  // Each sample's largest relative rise decides every threshold at once.
  const worst = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let w = -Infinity;
    for (let d = 0; d + 1 < depth; d++) {
      const a = mse[i * depth + d];
      const b = mse[i * depth + d + 1];
      w = Math.max(w, a > 0 ? b / a - 1 : b > 0 ? Infinity : -Infinity);
    }
    worst[i] = w;
  }
  return thresholds.map((t) => (count === 0 ? 0 : worst.reduce((n, w) => n + (w > t ? 1 : 0), 0) / count));
}
