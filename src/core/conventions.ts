// App-wide conventions (docs/conventions.md, "Pixels and model space" and "Discrete schedules"): pixels live in
// [0,1]; noise and models use x0 = 2·pixel − 1 ∈ [−1,1]; a discrete N-step schedule's step i sits at
// t = (i+1)/N and a continuous t maps back to i = clamp(ceil(t·N) − 1, 0, N−1). Every panel goes through
// these helpers, never its own variant.

/** Pixel value in [0,1] → model space [−1,1]. */
export function pixelToModel(p: number): number {
  return 2 * p - 1;
}

/** Model space [−1,1] → pixel value in [0,1] (not clamped: callers decide how to show overshoot). */
export function modelToPixel(x: number): number {
  return (x + 1) / 2;
}

/** Continuous t ∈ [0,1] of discrete step i in an N-step schedule. */
export function tOfStep(i: number, steps: number): number {
  return (i + 1) / steps;
}

/**
 * Discrete step of a continuous t ∈ [0,1] in an N-step schedule. t·N can round up past an integer (with N = 100,
 * t = tOfStep(6) = 0.07 gives t·N = 7.000000000000001): the step below is taken whenever its own t, computed as
 * tOfStep computes it, still reaches t, so every step's t reads that step.
 */
export function stepOfT(t: number, steps: number): number {
  let i = Math.min(Math.max(Math.ceil(t * steps) - 1, 0), steps - 1);
  if (i > 0 && tOfStep(i - 1, steps) >= t) i--;
  return i;
}

/** Working image sizes the user can choose (pixels per side). */
export const WORKING_SIZES = [32, 64, 128, 256, 512] as const;
export type WorkingSize = (typeof WORKING_SIZES)[number];
export const DEFAULT_WORKING_SIZE: WorkingSize = 128;

/** Uploads larger than this are refused before decoding. */
export const MAX_UPLOAD_PIXELS = 50_000_000;
/** Upload files larger than this (50 MB) are refused before they are read. */
export const MAX_UPLOAD_BYTES = 50 * 2 ** 20;
