// Bicubic resampling (docs/conventions.md, "Scales and resampling") with the Keys (1981) cubic convolution
// kernel ("Cubic convolution interpolation for digital image processing", IEEE TASSP 29(6)), at a = −0.75 by
// default: PyTorch's bicubic (F.interpolate(mode='bicubic'); aten's get_cubic_upsample_coefficients,
// A = −0.75), which VAR uses to up-sample each scale. (a = −0.5 is Keys' third-order choice and PIL's BICUBIC;
// pass it to match PIL.)
//   W(x) = (a+2)|x|³ − (a+3)|x|² + 1        for |x| ≤ 1
//          a|x|³ − 5a|x|² + 8a|x| − 4a       for 1 < |x| < 2,   0 otherwise.
// Pixel centres are aligned (src = (dst + ½)·in/out − ½, like OpenCV, PIL and PyTorch's align_corners=False),
// and taps outside the image repeat the edge pixel (clamp-to-edge). No anti-aliasing prefilter: this is for
// up-sampling (the VAR scale pyramid); down-sample with resizeArea.
import { createImage, type RgbImage } from '../image';

/** PyTorch's (and so VAR's) bicubic parameter. */
export const BICUBIC_A = -0.75;
/** Keys' third-order parameter, PIL's BICUBIC. */
export const KEYS_A = -0.5;

/** The Keys cubic convolution kernel W(x) with parameter a (default PyTorch's −0.75). */
export function keysKernel(x: number, a = BICUBIC_A): number {
  const t = Math.abs(x);
  if (t <= 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/** For each output index: the four clamped input indices and their weights (which sum to 1). */
function cubicTaps(inSize: number, outSize: number, a: number): { idx: Int32Array; w: Float64Array } {
  const idx = new Int32Array(outSize * 4);
  const w = new Float64Array(outSize * 4);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = (o + 0.5) * scale - 0.5;
    const i0 = Math.floor(src);
    const f = src - i0;
    for (let t = 0; t < 4; t++) {
      const i = i0 - 1 + t;
      idx[o * 4 + t] = i < 0 ? 0 : i >= inSize ? inSize - 1 : i;
      w[o * 4 + t] = keysKernel(f - (t - 1), a);
    }
  }
  return { idx, w };
}

/** Bicubic (Keys kernel, a = −0.75 as PyTorch and VAR, clamp-to-edge) resize; separable, rows first. Same size returns a copy. */
export function resizeBicubic(img: RgbImage, width: number, height: number, a = BICUBIC_A): RgbImage {
  const out = createImage(width, height);
  if (width === img.width && height === img.height) {
    out.data.set(img.data);
    return out;
  }
  const tx = cubicTaps(img.width, width, a);
  const ty = cubicTaps(img.height, height, a);
  const tmp = new Float64Array(img.height * width * 3);
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width;
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0;
      for (let t = 0; t < 4; t++) {
        const i = (row + tx.idx[x * 4 + t]) * 3;
        const wt = tx.w[x * 4 + t];
        r += wt * img.data[i];
        g += wt * img.data[i + 1];
        b += wt * img.data[i + 2];
      }
      const o = (y * width + x) * 3;
      tmp[o] = r;
      tmp[o + 1] = g;
      tmp[o + 2] = b;
    }
  }
  // Vertical pass: each output row is a 4-term combination of whole rows of tmp.
  const rowLen = width * 3;
  const o = out.data;
  for (let y = 0; y < height; y++) {
    const r0 = ty.idx[y * 4] * rowLen, r1 = ty.idx[y * 4 + 1] * rowLen;
    const r2 = ty.idx[y * 4 + 2] * rowLen, r3 = ty.idx[y * 4 + 3] * rowLen;
    const w0 = ty.w[y * 4], w1 = ty.w[y * 4 + 1], w2 = ty.w[y * 4 + 2], w3 = ty.w[y * 4 + 3];
    const base = y * rowLen;
    for (let i = 0; i < rowLen; i++) o[base + i] = w0 * tmp[r0 + i] + w1 * tmp[r1 + i] + w2 * tmp[r2 + i] + w3 * tmp[r3 + i];
  }
  return out;
}
