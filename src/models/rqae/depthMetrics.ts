// Per-depth quality of an RQ auto-encoder from a table of reconstruction errors (no tfjs: the worker, the
// script and the tests share it). Definitions as in docs/conventions.md ("PSNR and SSIM", "Residual quantization
// and non-monotone samples"):
// - PSNR at depth d = 10·log10(1 / mean over samples of MSE_d) (pixels in [0, 1], peak 1): the set's PSNR,
//   not a mean of per-sample PSNRs (which a single near-perfect digit would dominate).
// - A sample is non-monotone when its MSE at some depth d+1 exceeds its MSE at depth d by more than 1e-6
//   relative (MSE_{d+1} > MSE_d·(1 + 1e-6)); the non-monotone fraction is the share of such samples.

/** Relative tolerance of "the error increased" (float noise must not count as an increase). */
export const NON_MONOTONE_TOLERANCE = 1e-6;
/** A rise of more than 1 % relative: reported beside the definition's count, to tell tiny rises from real ones. */
export const LARGE_RISE = 0.01;

/** An MSE table: `mse[i·depth + d]` is sample i's reconstruction MSE from its first d+1 codes. */
export type ErrorTable = { mse: Float64Array | Float32Array; count: number; depth: number };

function check(t: ErrorTable): void {
  if (t.count < 1 || t.depth < 1 || t.mse.length !== t.count * t.depth) {
    throw new RangeError(`an error table of ${t.count} samples × ${t.depth} depths needs ${t.count * t.depth} values, got ${t.mse.length}`);
  }
}

/** Mean MSE per depth [D]. */
export function meanMsePerDepth(t: ErrorTable): Float64Array {
  check(t);
  const out = new Float64Array(t.depth);
  for (let i = 0; i < t.count; i++) for (let d = 0; d < t.depth; d++) out[d] += t.mse[i * t.depth + d] / t.count;
  return out;
}

/** PSNR in dB (peak 1) per depth [D]. */
export function psnrPerDepth(t: ErrorTable): Float64Array {
  return meanMsePerDepth(t).map((m) => (m > 0 ? 10 * Math.log10(1 / m) : Infinity));
}

function increased(before: number, after: number, tolerance = NON_MONOTONE_TOLERANCE): boolean {
  return after > before * (1 + tolerance);
}

/** Whether each sample's error increases (by more than `tolerance`, relative) from some depth to the next. */
export function nonMonotoneSamples(t: ErrorTable, tolerance = NON_MONOTONE_TOLERANCE): Uint8Array {
  check(t);
  const out = new Uint8Array(t.count);
  for (let i = 0; i < t.count; i++) {
    for (let d = 0; d + 1 < t.depth; d++) {
      if (increased(t.mse[i * t.depth + d], t.mse[i * t.depth + d + 1], tolerance)) {
        out[i] = 1;
        break;
      }
    }
  }
  return out;
}

/** Fraction of samples whose error increases from some depth d to d+1 (0 for depth 1: nothing to compare). */
export function nonMonotoneFraction(t: ErrorTable, tolerance = NON_MONOTONE_TOLERANCE): number {
  return nonMonotoneSamples(t, tolerance).reduce((a, b) => a + b, 0) / t.count;
}

/** Per step d → d+1 (D − 1 values): the fraction of samples whose error increases at that step. */
export function increaseFractionPerStep(t: ErrorTable): Float64Array {
  check(t);
  const out = new Float64Array(Math.max(0, t.depth - 1));
  for (let i = 0; i < t.count; i++) {
    for (let d = 0; d + 1 < t.depth; d++) if (increased(t.mse[i * t.depth + d], t.mse[i * t.depth + d + 1])) out[d] += 1 / t.count;
  }
  return out;
}

/** The depth (1-based) of each sample's lowest error, as a histogram over 1…D. */
export function bestDepthHistogram(t: ErrorTable): Float64Array {
  check(t);
  const out = new Float64Array(t.depth);
  for (let i = 0; i < t.count; i++) {
    let best = 0;
    for (let d = 1; d < t.depth; d++) if (t.mse[i * t.depth + d] < t.mse[i * t.depth + best]) best = d;
    out[best]++;
  }
  return out;
}

