// SSIM of many images against one reference (the Depth panel scores every step of every decomposition
// against the same original). Same definition as metrics.ssimGray (Wang et al. 2004; Gaussian σ = 1.5,
// 11 taps, K1 = 0.01, K2 = 0.03, population covariances, 5-pixel border cropped), computed faster:
// - the reference's luma and its local mean μy and second moment E[y²] are filtered once per image, so each
//   step filters three maps (x, x², xy) instead of five;
// - the Gaussian is symmetric, so each 11-tap pass pairs mirrored samples (6 multiplies, not 11);
// - the vertical pass and the SSIM map are one sweep, and every scratch buffer lives in the reference, so a
//   step allocates nothing.
// metrics.ssimGray stays the plain definition; the fast path is tested against it.
// Results equal ssimGray up to float rounding (summation order differs); tests/unit/core/ssimFast.test.ts.
import type { RgbImage } from './image';

const SIGMA = 1.5;
const RADIUS = Math.trunc(3.5 * SIGMA + 0.5);
const WIN = 2 * RADIUS + 1;
const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;

/** Normalized Gaussian taps g[t], t = −RADIUS…RADIUS (stored at t + RADIUS), as metrics.ssimGray builds them. */
const TAPS = (() => {
  const g = new Float64Array(WIN);
  let s = 0;
  for (let t = -RADIUS; t <= RADIUS; t++) s += g[t + RADIUS] = Math.exp((-0.5 * t * t) / (SIGMA * SIGMA));
  for (let t = 0; t < WIN; t++) g[t] /= s;
  return g;
})();

/** A reference image prepared for repeated SSIM: its luma, local statistics and scratch space. */
export interface SsimReference {
  width: number;
  height: number;
  /** Luma of the reference (row-major). */
  luma: Float64Array;
  /** Gaussian-filtered y and y² over the valid (vw × vh) window centres. */
  muY: Float64Array;
  meanYY: Float64Array;
  scratch: { x: Float64Array; xx: Float64Array; xy: Float64Array; h: Float64Array; hxx: Float64Array; hxy: Float64Array };
}

const G0 = TAPS[RADIUS], G1 = TAPS[RADIUS + 1], G2 = TAPS[RADIUS + 2], G3 = TAPS[RADIUS + 3], G4 = TAPS[RADIUS + 4], G5 = TAPS[RADIUS + 5];

/** Horizontal Gaussian pass of `src` (width × height) over the valid columns: `h` is height × (width − 10). */
function filterRows(src: Float64Array, width: number, height: number, h: Float64Array): void {
  const vw = width - 2 * RADIUS;
  for (let r = 0; r < height; r++) {
    const row = r * width + RADIUS;
    const o = r * vw;
    for (let c = 0; c < vw; c++) {
      const i = row + c;
      h[o + c] = G0 * src[i] + G1 * (src[i - 1] + src[i + 1]) + G2 * (src[i - 2] + src[i + 2]) + G3 * (src[i - 3] + src[i + 3])
        + G4 * (src[i - 4] + src[i + 4]) + G5 * (src[i - 5] + src[i + 5]);
    }
  }
}

/** Vertical Gaussian pass at index i of a row-filtered map with row length vw (i on a valid row). */
function filterColumnAt(h: Float64Array, i: number, vw: number): number {
  return G0 * h[i] + G1 * (h[i - vw] + h[i + vw]) + G2 * (h[i - 2 * vw] + h[i + 2 * vw]) + G3 * (h[i - 3 * vw] + h[i + 3 * vw])
    + G4 * (h[i - 4 * vw] + h[i + 4 * vw]) + G5 * (h[i - 5 * vw] + h[i + 5 * vw]);
}

/** Vertical Gaussian pass of output row r of a row-filtered map (row length vw) into `out` (length vw). */
function columnsInto(h: Float64Array, r: number, vw: number, out: Float64Array): void {
  const m = (r + RADIUS) * vw;
  for (let c = 0; c < vw; c++) out[c] = G0 * h[m + c];
  for (let t = 1; t <= RADIUS; t++) {
    const g = TAPS[RADIUS + t], up = m - t * vw, down = m + t * vw;
    for (let c = 0; c < vw; c++) out[c] += g * (h[up + c] + h[down + c]);
  }
}

/**
 * Horizontal then vertical Gaussian filter of `src` (width × height), keeping only window centres whose whole
 * window lies inside: `dst` is (width − 10) × (height − 10). `h` is scratch of height × (width − 10).
 */
function filterValid(src: Float64Array, width: number, height: number, h: Float64Array, dst: Float64Array): void {
  filterRows(src, width, height, h);
  const vw = width - 2 * RADIUS;
  const vh = height - 2 * RADIUS;
  for (let r = 0; r < vh; r++) columnsInto(h, r, vw, dst.subarray(r * vw, (r + 1) * vw));
}

/** Writes BT.601 luma of an interleaved RGB array into `out` (same constants as metrics.luma). */
function lumaInto(data: ArrayLike<number>, out: Float64Array): void {
  for (let p = 0, q = 0; p < out.length; p++, q += 3) out[p] = 0.299 * data[q] + 0.587 * data[q + 1] + 0.114 * data[q + 2];
}

/** Prepares a single-channel reference (row-major width × height); RangeError below 11×11. */
export function ssimGrayReference(y: ArrayLike<number>, width: number, height: number): SsimReference {
  if (width < WIN || height < WIN) throw new RangeError(`SSIM needs images of at least ${WIN}×${WIN} pixels, got ${width}×${height}`);
  if (y.length !== width * height) throw new RangeError('SSIM reference has the wrong size');
  const n = width * height;
  const vn = (width - 2 * RADIUS) * (height - 2 * RADIUS);
  const luma = Float64Array.from(y);
  const scratch = {
    x: new Float64Array(n), xx: new Float64Array(n), xy: new Float64Array(n),
    h: new Float64Array(height * (width - 2 * RADIUS)), hxx: new Float64Array(height * (width - 2 * RADIUS)), hxy: new Float64Array(height * (width - 2 * RADIUS)),
  };
  const muY = new Float64Array(vn);
  const meanYY = new Float64Array(vn);
  filterValid(luma, width, height, scratch.h, muY);
  for (let i = 0; i < n; i++) scratch.xx[i] = luma[i] * luma[i];
  filterValid(scratch.xx, width, height, scratch.h, meanYY);
  return { width, height, luma, muY, meanYY, scratch };
}

/** Prepares an RGB reference (SSIM on its BT.601 luma). */
export function ssimReference(img: RgbImage): SsimReference {
  const y = new Float64Array(img.width * img.height);
  lumaInto(img.data, y);
  return ssimGrayReference(y, img.width, img.height);
}

function ssimOfLumaInScratch(ref: SsimReference): number {
  const { width, height, luma, muY, meanYY, scratch: s } = ref;
  const n = width * height;
  const x = s.x;
  for (let i = 0; i < n; i++) {
    const a = x[i];
    s.xx[i] = a * a;
    s.xy[i] = a * luma[i];
  }
  filterRows(x, width, height, s.h);
  filterRows(s.xx, width, height, s.hxx);
  filterRows(s.xy, width, height, s.hxy);
  // The vertical pass and the SSIM map in one sweep: the filtered x, x², xy are never stored. (Measured:
  // faster than filtering whole rows into buffers first.)
  const vw = width - 2 * RADIUS;
  const vh = height - 2 * RADIUS;
  const vn = vw * vh;
  const { h, hxx, hxy } = s;
  let total = 0;
  for (let r = 0; r < vh; r++) {
    const m = (r + RADIUS) * vw;
    const o = r * vw;
    for (let c = 0; c < vw; c++) {
      const i = m + c;
      const ux = filterColumnAt(h, i, vw), uy = muY[o + c];
      const vx = filterColumnAt(hxx, i, vw) - ux * ux, vy = meanYY[o + c] - uy * uy, vxy = filterColumnAt(hxy, i, vw) - ux * uy;
      total += ((2 * ux * uy + C1) * (2 * vxy + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
    }
  }
  return total / vn;
}

/** Mean SSIM of a single-channel image against a prepared reference (= ssimGray(x, reference luma)). */
export function ssimGrayAgainst(ref: SsimReference, x: ArrayLike<number>): number {
  if (x.length !== ref.width * ref.height) throw new RangeError('SSIM inputs differ in size');
  const buf = ref.scratch.x;
  for (let i = 0; i < buf.length; i++) buf[i] = x[i];
  return ssimOfLumaInScratch(ref);
}

/** Mean SSIM of an RGB image against a prepared RGB reference, on luma (= metrics.ssim(img, reference)). */
export function ssimAgainst(ref: SsimReference, img: RgbImage): number {
  if (img.width !== ref.width || img.height !== ref.height || img.data.length !== 3 * ref.width * ref.height) {
    throw new RangeError(`images differ in size: ${img.width}×${img.height} vs ${ref.width}×${ref.height}`);
  }
  lumaInto(img.data, ref.scratch.x);
  return ssimOfLumaInScratch(ref);
}
