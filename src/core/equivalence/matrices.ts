// The lab's measures between K sub-tasks, from flat gradients and losses. Pure and exact (float64); every
// result is row-major K × K (or length K). Definitions: docs/conventions.md, "Equivalence measures".

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function sameLength(vectors: readonly ArrayLike<number>[], what: string): number {
  const n = vectors.length > 0 ? vectors[0].length : 0;
  for (let i = 1; i < vectors.length; i++) {
    if (vectors[i].length !== n) throw new RangeError(`${what} ${i} has ${vectors[i].length} entries, ${what} 0 has ${n}`);
  }
  return n;
}

/**
 * cos(g_i, g_j) for every pair of sub-task gradients. A zero gradient has no direction: its row and column are
 * NaN (its diagonal too); the diagonal of a non-zero gradient is exactly 1.
 */
export function cosineMatrix(grads: readonly ArrayLike<number>[]): Float64Array {
  sameLength(grads, 'gradient');
  const k = grads.length;
  const norms = grads.map((g) => Math.sqrt(dot(g, g)));
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      const denom = norms[i] * norms[j];
      const c = !(denom > 0) ? NaN : i === j ? 1 : Math.min(1, Math.max(-1, dot(grads[i], grads[j]) / denom));
      out[i * k + j] = c;
      out[j * k + i] = c;
    }
  }
  return out;
}

/**
 * cos(g_i, u) with u = Σ_j w_j g_j, the step a weighted sum of the sub-task losses takes: a negative entry is a
 * sub-task whose loss that step would raise (to first order). NaN where g_i or u is zero. Unlike the cosines
 * between sub-tasks, this sees the weighting: a positive weight per sub-task changes no cos(g_i, g_j).
 */
export function alignmentWithUpdate(grads: readonly ArrayLike<number>[], weights: ArrayLike<number>): Float64Array {
  const n = sameLength(grads, 'gradient');
  const k = grads.length;
  if (weights.length !== k) throw new RangeError(`${k} gradients need ${k} weights, got ${weights.length}`);
  const update = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const w = weights[j];
    if (!Number.isFinite(w)) throw new RangeError(`weight ${j} is ${w}; weights must be finite`);
    if (w === 0) continue;
    const g = grads[j];
    for (let p = 0; p < n; p++) update[p] += w * g[p];
  }
  const un = Math.sqrt(dot(update, update));
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const gn = Math.sqrt(dot(grads[i], grads[i]));
    out[i] = gn > 0 && un > 0 ? Math.min(1, Math.max(-1, dot(grads[i], update) / (gn * un))) : NaN;
  }
  return out;
}

/**
 * The relative change of every sub-task's loss after training on one: entry (i, j) = (after[i][j] − before[j]) /
 * before[j], where after[i] holds every sub-task's loss after training on sub-task i. Negative = j got better.
 * NaN where before[j] is 0. `after` may have an extra row (training on all sub-tasks, the reference): the result
 * then has one row per row of `after`.
 */
export function transferMatrix(before: ArrayLike<number>, after: readonly ArrayLike<number>[]): Float64Array {
  const k = before.length;
  const out = new Float64Array(after.length * k);
  after.forEach((row, i) => {
    if (row.length !== k) throw new RangeError(`row ${i} has ${row.length} losses, expected ${k}`);
    for (let j = 0; j < k; j++) out[i * k + j] = before[j] === 0 ? NaN : (row[j] - before[j]) / before[j];
  });
  return out;
}

/** The self-agreement below which a sub-task's gradient counts as too noisy to correct for. */
export const MIN_SELF_AGREEMENT = 0.1;

/**
 * A cosine corrected for the noise in both gradients (Spearman's correction for attenuation): cos_ij / √(a_i·a_j),
 * where a_i is sub-task i's self-agreement, the cosine between its gradients on two disjoint halves of the batch.
 * Defined only where both self-agreements are at least `minAgreement` (clearly positive); NaN elsewhere. Not
 * clamped: a value beyond ±1 says the agreements themselves are noisy.
 */
export function correctedCosine(cos: number, selfI: number, selfJ: number, minAgreement = MIN_SELF_AGREEMENT): number {
  if (!(selfI >= minAgreement && selfJ >= minAgreement) || !Number.isFinite(cos)) return NaN;
  return cos / Math.sqrt(selfI * selfJ);
}
