// Rate helpers for the Depth panel's rate–distortion chart (docs/conventions.md, "Rates"):
// every step emits discrete symbols; fixed-length bits = (number of symbols) · log2(alphabet), and the
// entropy-coded bound = (number of symbols) · H(empirical distribution of the symbols) (Shannon 1948).
// Bits per pixel divide either by the number of image pixels (not values: 3 channels share one pixel).
// DCT coefficients and scale residuals use a uniform quantizer with a step (JPEG-like); their alphabet is the
// observed range of integer levels, max − min + 1.
// A codebook fitted to the image (RQ, VQ) is part of what a decoder needs: codebookBpp charges it separately
// (entries × dimension × CODEBOOK_ENTRY_BITS / pixels), so the codes' rate and the side information stay apart.
import { entropyBits } from '../metrics';

/** Alphabet of a set of integer levels: the observed range max − min + 1 (1 for an empty or constant set). */
export function observedAlphabet(symbols: ArrayLike<number>): number {
  if (symbols.length === 0) return 1;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i];
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  return hi - lo + 1;
}

/**
 * Fixed-length code: every symbol costs log2(alphabet) bits; returns the total bits for all symbols.
 * The alphabet defaults to the observed range of the (integer) symbols.
 */
export function fixedRateBits(symbols: ArrayLike<number>, alphabet: number = observedAlphabet(symbols)): number {
  if (!(Number.isFinite(alphabet) && alphabet >= 1)) {
    throw new RangeError(`alphabet must be a number ≥ 1, got ${alphabet}`);
  }
  return symbols.length * Math.log2(alphabet);
}

/** Histogram of integer symbols as counts (order irrelevant for the entropy). */
export function symbolCounts(symbols: ArrayLike<number>): number[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i];
    if (!Number.isInteger(s)) throw new RangeError(`symbols must be integers, got ${s} at ${i}`);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [...counts.values()];
}

/**
 * Entropy-coded bound: N · H bits, with H the empirical Shannon entropy (bits/symbol) of the N symbols.
 * A zeroth-order bound: an ideal coder using the symbols' own frequencies (the table itself is not counted).
 */
export function entropyRateBits(symbols: ArrayLike<number>): number {
  return symbols.length * entropyBits(symbolCounts(symbols));
}

/**
 * Uniform (mid-tread) quantizer: level = round(v / step), rounding halves away from zero so the quantizer
 * is odd-symmetric (q(−v) = −q(v)). Reconstruction is level · step (see dequantizeUniform); the error is at
 * most step/2 per value.
 */
export function quantizeUniform(values: ArrayLike<number>, step: number): Int32Array {
  assertStep(step);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = quantizeLevel(values[i], step);
  return out;
}

/** One value's level: round(value / step), halves away from zero (no step check; see quantizeUniform). */
export function quantizeLevel(value: number, step: number): number {
  const v = value / step;
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
}

/** The values a uniform quantizer's levels stand for: level · step. */
export function dequantizeUniform(levels: ArrayLike<number>, step: number): Float64Array {
  assertStep(step);
  const out = new Float64Array(levels.length);
  for (let i = 0; i < levels.length; i++) out[i] = levels[i] * step;
  return out;
}

export function assertStep(step: number): void {
  if (!(Number.isFinite(step) && step > 0)) throw new RangeError(`quantizer step must be > 0, got ${step}`);
}

/** A step's rate as bits per pixel, both ways: fixed-length and entropy-coded. */
export interface Rate {
  fixedBpp: number;
  entropyBpp: number;
}

/** Rate of integer levels quantized uniformly (alphabet = observed range) over `pixels` image pixels. */
export function levelRate(levels: ArrayLike<number>, pixels: number): Rate {
  return { fixedBpp: fixedRateBits(levels) / pixels, entropyBpp: entropyRateBits(levels) / pixels };
}

/** Bits per codebook entry (one coordinate of one codeword): 8, the precision of the pixel values it stands for. */
export const CODEBOOK_ENTRY_BITS = 8;

/**
 * Bits per pixel of sending a codebook with the image: entries × dim × bitsPerEntry bits, amortised over the
 * image's pixels. A codebook with as many entries as the image has patches costs as much as the raw image.
 */
export function codebookBpp(entries: number, dim: number, pixels: number, bitsPerEntry: number = CODEBOOK_ENTRY_BITS): number {
  if (!(pixels > 0)) throw new RangeError(`pixels must be > 0, got ${pixels}`);
  return (entries * dim * bitsPerEntry) / pixels;
}
