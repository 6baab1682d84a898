// The claims tour's measurements (docs/conventions.md, "Claims tour"): each claim of the talk is read off numbers
// the panels already compute (orderings' context and predictor errors, the bit-plane analysis, spectra, the lab's
// Gram matrix, a denoiser's loss per λ, the weighting curves). Pure: the page gathers the inputs, these reduce them.
import type { BitplaneAnalysis } from './depth/bitplanes';
import { BIT_DEPTH } from './depth/bitplanes';
import { dct2Rect } from './depth/dctTransform';
import { reduceRgb } from './diffusion/spectrum';
import type { SpectraPrecomputed } from './diffusion/spectrum';
import { drownedFrequency } from './diffusion/spectrum';
import { conflictSummary } from './equivalence/summary';
import { meanOffDiagonal, subtaskStats } from './equivalence/gramStats';
import type { RgbImage } from './image';
import { isCurveElboEquivalent, weightingCurve, type WeightingOptions } from './diffusion/weighting';
import type { WeightingKind } from './diffusion/kinds';


function mean(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** A predictor's mean next-patch error at the steps that break continuity against the steps that do not. */
export interface RowStartContrast {
  breaks: number;
  /** Mean MSE ([0, 1] pixel units) over the break steps, and over the other steps after the first. */
  atBreaks: number;
  elsewhere: number;
  /** atBreaks / elsewhere: above 1 when a jump makes the next patch harder to predict. */
  ratio: number;
}

/**
 * Claim 1: the mean of per-step errors `errors` (step s at index s) over the steps in `breaks` against the other
 * steps; step 0 (no context at all) is left out of both.
 */
export function rowStartContrast(errors: ArrayLike<number>, breaks: readonly number[]): RowStartContrast {
  const isBreak = new Set(breaks);
  const at: number[] = [];
  const other: number[] = [];
  for (let s = 1; s < errors.length; s++) (isBreak.has(s) ? at : other).push(errors[s]);
  const atBreaks = mean(at);
  const elsewhere = mean(other);
  return { breaks: at.length, atBreaks, elsewhere, ratio: atBreaks / elsewhere };
}

/** One ordering's continuity breaks and a model's held-out next-patch loss under it. */
export interface OrderingLoss {
  ordering: string;
  breaks: number;
  loss: number;
}

/**
 * Claim 2: how far apart the orderings are in breaks and in loss. `lossSpread` = (max − min) / min of the losses,
 * `breaksRatio` = max / max(1, min) of the breaks; `fewestBreaksIsBest` says whether the ordering with the fewest
 * breaks also has the lowest loss (continuity the main source of difficulty would make it so, by a wide margin);
 * `fewest` and `best` name those orderings.
 */
export function continuityAgainstLoss(rows: readonly OrderingLoss[]): { lossSpread: number; breaksRatio: number; fewestBreaksIsBest: boolean; fewest: string; best: string } {
  if (rows.length === 0) throw new RangeError('no orderings');
  const losses = rows.map((r) => r.loss);
  const breaks = rows.map((r) => r.breaks);
  const lo = Math.min(...losses);
  const fewest = rows.reduce((a, b) => (b.breaks < a.breaks ? b : a));
  const best = rows.reduce((a, b) => (b.loss < a.loss ? b : a));
  return {
    lossSpread: (Math.max(...losses) - lo) / lo, breaksRatio: Math.max(...breaks) / Math.max(1, Math.min(...breaks)),
    fewestBreaksIsBest: fewest === best, fewest: fewest.ordering, best: best.ordering,
  };
}

/** How a measurement reads against the talk's statement: it agrees, it disagrees, or it cannot tell. */
export type Verdict = 'agrees' | 'disagrees' | 'undecided';

/**
 * Claim 2's verdict: the talk holds when the ordering with the fewest breaks is not the easiest, or is but the
 * losses differ by less than 25 %; otherwise continuity looks like the main source, and it disagrees.
 */
export function continuityVerdict(c: { lossSpread: number; fewestBreaksIsBest: boolean }): Verdict {
  return !c.fewestBreaksIsBest || c.lossSpread < 0.25 ? 'agrees' : 'disagrees';
}

/**
 * Claim 6: the depths where a measured non-monotone fraction disagrees with the talk's: more than `tolerance`
 * apart, or below the talk's figure where the talk gives a lower bound ("> 50 %").
 */
export function nonMonotoneDisagreements(
  measured: readonly { depth: number; fraction: number }[],
  talk: readonly { depth: number; fraction: number; label: string }[],
  tolerance = 0.1,
): number[] {
  return measured.filter((m) => {
    const t = talk.find((r) => r.depth === m.depth);
    if (!t) return false;
    return t.label.startsWith('>') ? m.fraction < t.fraction : Math.abs(m.fraction - t.fraction) > tolerance;
  }).map((m) => m.depth);
}

/**
 * Claim 8's verdict: far-apart levels are near-orthogonal or opposed (mean cross cosine below 0.2) and clearly
 * below the control (by at least 0.1): agrees; below 0.2 but the control as low: the batch cannot tell conflict
 * from sampling noise (undecided); otherwise disagrees.
 */
export function conflictVerdict(c: { farMean: number; controlMean: number }): Verdict {
  if (!(c.farMean < 0.2)) return 'disagrees';
  return c.controlMean > c.farMean + 0.1 ? 'agrees' : 'undecided';
}

/**
 * Claim 3: per MSB-first step k = 1…8, the PSNR it adds (dB; NaN for step 1, which has no step before it), its
 * plane's entropy, and the share of the top-1-bit reconstruction's squared error it removes (NaN for step 1):
 * (MSE_{k−1} − MSE_k) / MSE_1 with MSE_k = 10^(−PSNR_k/10) (0 when exact).
 */
export function bitPlaneGains(a: BitplaneAnalysis): { gainDb: number[]; entropy: number[]; errorShare: number[] } {
  const mse = a.psnr.map((p) => 10 ** (-p / 10));
  const gainDb = a.psnr.map((p, k) => (k === 0 ? NaN : p - a.psnr[k - 1]));
  const errorShare = mse.map((m, k) => (k === 0 ? NaN : (mse[k - 1] - m) / mse[0]));
  return { gainDb, entropy: a.entropy.slice(), errorShare };
}

/** Claim 4: the PSNR of the top `keep` bits, and the mean entropy (bits per value) of the BIT_DEPTH − keep planes dropped. */
export function droppedBits(a: BitplaneAnalysis, keep: number): { psnr: number; droppedEntropy: number } {
  if (!Number.isInteger(keep) || keep < 1 || keep >= BIT_DEPTH) throw new RangeError(`keep must be 1…${BIT_DEPTH - 1}, got ${keep}`);
  return { psnr: a.psnr[keep - 1], droppedEntropy: mean(a.entropy.slice(keep)) };
}

/**
 * Claim 5: the share of the image's (luma, mean removed) energy in octave bands of its 2-D DCT: band b holds the
 * coefficients (u, v) with 2^(b−1) ≤ max(u, v) < 2^b (band 0: the DC term alone, which is 0 here). The DCT is
 * orthonormal, so the shares sum to 1 whenever the image is not flat (NaN shares when it is).
 */
export function octaveBandEnergy(img: RgbImage): { upper: number[]; share: number[] } {
  const { width: w, height: h } = img;
  const luma = reduceRgb(img.data);
  const m = mean(Array.from(luma));
  for (let i = 0; i < luma.length; i++) luma[i] -= m;
  const coeffs = dct2Rect(luma, w, h);
  const bands = Math.ceil(Math.log2(Math.max(w, h))) + 1;
  const energy = new Float64Array(bands);
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      const r = Math.max(u, v);
      const b = r === 0 ? 0 : Math.floor(Math.log2(r)) + 1;
      energy[b] += coeffs[v * w + u] ** 2;
    }
  }
  const total = energy.reduce((a, b) => a + b, 0);
  return { upper: Array.from(energy, (_, b) => (b === 0 ? 1 : 2 ** b)), share: Array.from(energy, (e) => e / total) };
}

/**
 * Claim 7: the first drowned ring at (α, σ) as a fraction of the highest ring (n/2 − 1: the finest complete
 * ring), and in cycles per pixel (ring k = k/n); nulls when no ring from the top down is drowned.
 */
export function drownedShare(pre: SpectraPrecomputed, alpha: number, sigma: number): { ring: number | null; fractionOfTop: number | null; cyclesPerPixel: number | null } {
  const ring = drownedFrequency(pre, alpha, sigma);
  if (ring === null) return { ring, fractionOfTop: null, cyclesPerPixel: null };
  return { ring, fractionOfTop: ring / (pre.pX0.length - 1), cyclesPerPixel: ring / pre.n };
}

/**
 * Claim 8, from the lab's 3K × 3K Gram matrix: the mean cross cosine of neighbouring levels and of far-apart ones
 * (|i − j| ≥ K/2), the share of pairs that conflict (cos < 0), against the control's mean cosine (one objective
 * cut into K random parts: what agreement looks like at this batch).
 */
export function levelConflict(gram: ArrayLike<number>, k: number): { neighbourMean: number; farMean: number; negativeShare: number; controlMean: number } {
  const stats = subtaskStats(gram, k);
  const s = conflictSummary(stats.cross, k);
  return { neighbourMean: s.neighbourMean, farMean: s.farMean, negativeShare: s.negativeShare, controlMean: meanOffDiagonal(stats.control, k) };
}

/**
 * Claim 9, in ε-MSE units: the trivial predictions of ε at log-SNR λ, for data of per-value variance `variance`
 * (model units), are ε̂ = 0 (x̂0 = x_t/α: the input itself), error 1, and x̂0 = the data mean, error variance·e^λ;
 * the trivial error is the smaller. Per λ, `ratio` = the model's loss / the trivial error: near 1 where the trivial
 * prediction is already as good as the model (little to learn: the ends), lowest where the model had most to learn;
 * `mostLearned` is that λ.
 */
export function levelDifficulty(lambda: readonly number[], loss: readonly number[], variance: number): { trivial: number[]; ratio: number[]; mostLearned: number } {
  if (lambda.length !== loss.length || lambda.length === 0) throw new RangeError('λ and loss must be non-empty and of one length');
  const trivial = lambda.map((l) => Math.min(1, variance * Math.exp(l)));
  const ratio = loss.map((v, i) => v / trivial[i]);
  let best = 0;
  for (let i = 1; i < ratio.length; i++) if (ratio[i] < ratio[best]) best = i;
  return { trivial, ratio, mostLearned: lambda[best] };
}

/** Per-value variance around the per-position mean of `count` examples of `size` values each (model units). */
export function dataVariance(values: ArrayLike<number>, count: number, size: number): number {
  if (values.length !== count * size || count < 2) throw new RangeError(`expected ${count} × ${size} values`);
  let total = 0;
  for (let p = 0; p < size; p++) {
    let s = 0;
    let s2 = 0;
    for (let e = 0; e < count; e++) {
      const v = values[e * size + p];
      s += v;
      s2 += v * v;
    }
    const m = s / count;
    total += s2 / count - m * m;
  }
  return total / size;
}

/** Claim 9's guidance part: the share of samples the classifier reads as the class asked for. */
export function accuracy(predicted: readonly number[], label: number): number {
  return predicted.length === 0 ? NaN : predicted.filter((c) => c === label).length / predicted.length;
}

/** Claim 10: which weightings' effective w(λ) is non-increasing in λ on `lambdas` (an ELBO in disguise) under `opts`. */
export function elboWeightings(kinds: readonly WeightingKind[], lambdas: readonly number[], opts: WeightingOptions): { kind: WeightingKind; elbo: boolean }[] {
  return kinds.map((kind) => ({ kind, elbo: isCurveElboEquivalent(weightingCurve(kind, lambdas, opts)) }));
}
