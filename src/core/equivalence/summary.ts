// What a gradient-cosine matrix between K ordered sub-tasks (e.g. noise levels from noisiest to cleanest) says in
// a few numbers: how aligned neighbouring sub-tasks are against far-apart ones, how many pairs conflict
// (cos < 0, as in PCGrad: Yu et al. 2020), and which pair conflicts most.

/** A pair of sub-tasks i < j and their cosine. */
export interface CosinePair {
  i: number;
  j: number;
  cos: number;
}

export interface ConflictSummary {
  k: number;
  /** Mean cosine over the finite pairs of neighbours (|i − j| = 1); NaN when there is none. */
  neighbourMean: number;
  neighbourPairs: number;
  /** Pairs at least this far apart count as far apart: ⌈K/2⌉ (levels ≥ K/2 apart). */
  farGap: number;
  /** Mean cosine over the finite pairs with |i − j| ≥ farGap; NaN when there is none. */
  farMean: number;
  farPairs: number;
  /** Finite off-diagonal pairs (i < j), and the fraction of them with cos < 0 (NaN when there is none). */
  pairs: number;
  negativeShare: number;
  /** The finite pair with the smallest cosine (a conflict when negative); null when no pair is finite. */
  mostConflicting: CosinePair | null;
  /** Sub-tasks whose row is NaN (their gradient is zero, so they have no direction). */
  undefinedTasks: number[];
}

function mean(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * The summary of a K × K cosine matrix (row-major, symmetric; only the upper triangle i < j is read). NaN
 * entries (a zero gradient) are left out of every mean, share and minimum.
 */
export function conflictSummary(cosines: ArrayLike<number>, k: number): ConflictSummary {
  if (!Number.isInteger(k) || k < 0 || cosines.length !== k * k) throw new RangeError(`a ${k} × ${k} matrix has ${k * k} entries, got ${cosines.length}`);
  const farGap = Math.ceil(k / 2);
  const neighbours: number[] = [];
  const far: number[] = [];
  let pairs = 0;
  let negative = 0;
  let mostConflicting: CosinePair | null = null;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const cos = cosines[i * k + j];
      if (!Number.isFinite(cos)) continue;
      pairs++;
      if (cos < 0) negative++;
      if (j - i === 1) neighbours.push(cos);
      if (j - i >= farGap) far.push(cos);
      if (mostConflicting === null || cos < mostConflicting.cos) mostConflicting = { i, j, cos };
    }
  }
  const undefinedTasks: number[] = [];
  for (let i = 0; i < k; i++) {
    let defined = false;
    for (let j = 0; j < k && !defined; j++) defined = Number.isFinite(cosines[i * k + j]);
    if (!defined) undefinedTasks.push(i);
  }
  return {
    k, neighbourMean: mean(neighbours), neighbourPairs: neighbours.length, farGap, farMean: mean(far), farPairs: far.length,
    pairs, negativeShare: pairs === 0 ? NaN : negative / pairs, mostConflicting, undefinedTasks,
  };
}

/**
 * Above this spread between the two estimates of a cosine on swapped halves of the batch (crossSpread) a cosine is called
 * noisy: the value shown is then uncertain by roughly ±0.1 or more, and another batch or seed moves it.
 */
export const NOISY_SPREAD = 0.25;

/** A pair i < j and how far apart the two halves of the batch put its cosine. */
export interface SpreadPair {
  i: number;
  j: number;
  spread: number;
}

/** The pairs i < j whose half-batch spread exceeds `threshold`, largest first (NaN spreads are left out). */
export function noisyPairs(spread: ArrayLike<number>, k: number, threshold = NOISY_SPREAD): SpreadPair[] {
  if (spread.length !== k * k) throw new RangeError(`a ${k} × ${k} matrix has ${k * k} entries, got ${spread.length}`);
  const out: SpreadPair[] = [];
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) if (spread[i * k + j] > threshold) out.push({ i, j, spread: spread[i * k + j] });
  return out.sort((a, b) => b.spread - a.spread);
}
