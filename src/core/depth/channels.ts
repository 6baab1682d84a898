// Channel decompositions: send an image one channel at a time, as R, G, B or as Y, Cb, Cr.
// YCbCr is the full-range JPEG form (JFIF / ITU-T T.871 §7, from BT.601 luma weights Kr = 0.299,
// Kb = 0.114), on values in [0,1] with chroma centred at 0.5:
//   Y = Kr·R + Kg·G + Kb·B,  Cb = 0.5 + (B − Y) / (2(1 − Kb)),  Cr = 0.5 + (R − Y) / (2(1 − Kr)),
// i.e. Cb = 0.5 − 0.168736R − 0.331264G + 0.5B and Cr = 0.5 + 0.5R − 0.418688G − 0.081312B. The inverse is
// derived from the same constants (R = Y + 1.402(Cr − ½), B = Y + 1.772(Cb − ½), G = (Y − Kr·R − Kb·B)/Kg), so
// the round trip is exact to rounding.
// A channel not yet sent is filled with its image mean (RGB: the best constant in the MSE sense) or with
// neutral chroma 0.5 (YCbCr: a grey image from Y alone, as a decoder without chroma would show).
import { createImage, type RgbImage } from '../image';
import { psnr } from '../metrics';
import type { ChannelSpace } from './kinds';

export { CHANNEL_SPACES, type ChannelSpace } from './kinds';

const KR = 0.299;
const KB = 0.114;
const KG = 1 - KR - KB;

export const CHANNEL_NAMES: Record<ChannelSpace, readonly [string, string, string]> = {
  rgb: ['R', 'G', 'B'],
  ycbcr: ['Y', 'Cb', 'Cr'],
};

/** Full-range JPEG YCbCr of an RGB image, in the same interleaved layout (Y, Cb, Cr per pixel). */
export function rgbToYcbcr(img: RgbImage): RgbImage {
  const out = createImage(img.width, img.height);
  const s = img.data, d = out.data;
  for (let i = 0; i < s.length; i += 3) {
    const r = s[i], g = s[i + 1], b = s[i + 2];
    const y = KR * r + KG * g + KB * b;
    d[i] = y;
    d[i + 1] = 0.5 + (b - y) / (2 * (1 - KB));
    d[i + 2] = 0.5 + (r - y) / (2 * (1 - KR));
  }
  return out;
}

/** Inverse of rgbToYcbcr. */
export function ycbcrToRgb(img: RgbImage): RgbImage {
  const out = createImage(img.width, img.height);
  const s = img.data, d = out.data;
  for (let i = 0; i < s.length; i += 3) {
    const y = s[i], cb = s[i + 1] - 0.5, cr = s[i + 2] - 0.5;
    const r = y + 2 * (1 - KR) * cr;
    const b = y + 2 * (1 - KB) * cb;
    d[i] = r;
    d[i + 1] = (y - KR * r - KB * b) / KG;
    d[i + 2] = b;
  }
  return out;
}

export interface ChannelStep {
  /** Number of channels sent, 1…3. */
  d: number;
  /** The channel this step adds ('R', 'G', 'B' or 'Y', 'Cb', 'Cr'). */
  channel: string;
  /** RGB reconstruction from the first d channels. */
  reconstruction: RgbImage;
  /** PSNR (dB, peak 1) against the image; Infinity when exact. */
  psnr: number;
}

/** Reconstructions after sending d = 1, 2, 3 channels of `space` (missing ones filled as described above). */
export function channelSteps(img: RgbImage, space: ChannelSpace): ChannelStep[] {
  const src = space === 'rgb' ? img : rgbToYcbcr(img);
  const fill = [0.5, 0.5, 0.5];
  if (space === 'rgb') {
    const n = img.width * img.height;
    for (let ch = 0; ch < 3; ch++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += img.data[3 * p + ch];
      fill[ch] = n === 0 ? 0 : s / n;
    }
  }
  const steps: ChannelStep[] = [];
  for (let d = 1; d <= 3; d++) {
    const partial = createImage(img.width, img.height);
    const pd = partial.data, sd = src.data;
    for (let ch = 0; ch < 3; ch++) {
      if (ch < d) for (let i = ch; i < pd.length; i += 3) pd[i] = sd[i];
      else for (let i = ch; i < pd.length; i += 3) pd[i] = fill[ch];
    }
    const reconstruction = space === 'rgb' ? partial : ycbcrToRgb(partial);
    steps.push({ d, channel: CHANNEL_NAMES[space][d - 1], reconstruction, psnr: psnr(reconstruction, img) });
  }
  return steps;
}
