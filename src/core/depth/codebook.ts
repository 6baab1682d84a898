// Codebook health of one code level (RQ / VQ): how evenly the patches use the codewords. Perplexity 2^H of
// the empirical code distribution is the "effective number of codewords" (K for uniform use, 1 when every
// patch takes the same code); dead codes are codewords no patch uses.
import { entropyBits } from '../metrics';

export interface CodebookHealth {
  /** Patches per codeword, indexed by code. */
  counts: Float64Array;
  /** 2^H(codes), H the empirical entropy in bits; 1 for no codes. */
  perplexity: number;
  /** Codewords used by no patch. */
  dead: number;
}

export function codebookHealth(codes: ArrayLike<number>, codebookSize: number): CodebookHealth {
  if (!Number.isInteger(codebookSize) || codebookSize < 1) throw new RangeError(`codebook size must be a positive integer, got ${codebookSize}`);
  const counts = new Float64Array(codebookSize);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (!Number.isInteger(c) || c < 0 || c >= codebookSize) throw new RangeError(`code ${c} outside a codebook of ${codebookSize}`);
    counts[c]++;
  }
  let dead = 0;
  for (let k = 0; k < codebookSize; k++) if (counts[k] === 0) dead++;
  return { counts, perplexity: 2 ** entropyBits(counts), dead };
}

export interface UsageBin {
  /** Ranks (0 = most used) this bin covers, inclusive. */
  from: number;
  to: number;
  /** Patches per codeword: the count for a single rank, the mean over the ranks of a bin. */
  value: number;
}

/**
 * Codeword usage sorted by frequency (most used first), at most `maxBars` bars: the top ranks one bar each,
 * the rest grouped into equal runs of ranks whose bar is the mean usage per codeword (so heights stay
 * comparable along the rank axis).
 */
export function usageByRank(counts: ArrayLike<number>, maxBars = 64): UsageBin[] {
  const sorted = Array.from(counts).sort((a, b) => b - a);
  const n = sorted.length;
  if (n <= maxBars) return sorted.map((v, i) => ({ from: i, to: i, value: v }));
  const single = Math.floor((3 * maxBars) / 4);
  const out: UsageBin[] = sorted.slice(0, single).map((v, i) => ({ from: i, to: i, value: v }));
  const bins = maxBars - single;
  const width = Math.ceil((n - single) / bins);
  for (let from = single; from < n; from += width) {
    const to = Math.min(n, from + width) - 1;
    let sum = 0;
    for (let i = from; i <= to; i++) sum += sorted[i];
    out.push({ from, to, value: sum / (to - from + 1) });
  }
  return out;
}
