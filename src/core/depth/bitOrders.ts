// The 24 bit-planes of an RGB image sent in different orders (docs/conventions.md, "Bit-planes"):
// most significant first (the usual bit-plane order), least significant first, or interleaved per channel
// (bit 7 of R, of G, of B, then bit 6 of each, …). A step reveals some planes; the reconstruction estimates
// every unknown bit by its mean, 1/2, so a value with known-bit mask m is ((u & m) + (255 − m)/2) / 255 — for
// the top k bits that is the centre of the kept bin, the same rule as keepTopBits.
import { createImage, type RgbImage } from '../image';

export const BIT_ORDERS = ['msb', 'lsb', 'interleaved'] as const;
export type BitOrder = (typeof BIT_ORDERS)[number];

/** One step of an order: the plane it reveals (0 = least significant) in which channels (0 = R, 1 = G, 2 = B). */
export interface BitStep { plane: number; channels: number[] }

const ALL = [0, 1, 2];

/** The steps of an order: 8 of all three channels for MSB/LSB first, 24 single-channel planes interleaved. */
export function bitOrderSteps(order: BitOrder): BitStep[] {
  switch (order) {
    case 'msb': return Array.from({ length: 8 }, (_, k) => ({ plane: 7 - k, channels: ALL }));
    case 'lsb': return Array.from({ length: 8 }, (_, k) => ({ plane: k, channels: ALL }));
    case 'interleaved': return Array.from({ length: 24 }, (_, j) => ({ plane: 7 - Math.floor(j / 3), channels: [j % 3] }));
  }
}

/** The known-bit mask of each channel after the first `d` steps. */
export function knownMasks(steps: BitStep[], d: number): [number, number, number] {
  const m: [number, number, number] = [0, 0, 0];
  for (let k = 0; k < d; k++) for (const c of steps[k].channels) m[c] |= 1 << steps[k].plane;
  return m;
}

function toCode(v: number): number {
  const u = Math.round(v * 255);
  return u < 0 ? 0 : u > 255 ? 255 : u;
}

/** The 8-bit code round(255·v) (clamped) of every value: compute once, then rebuild or count planes per step. */
export function imageCodes(img: RgbImage): Uint8Array {
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = toCode(img.data[i]);
  return out;
}

/** The image rebuilt from the known bits of each channel (masks per R, G, B), unknown bits at their mean. */
export function knownBitsImage(img: RgbImage, masks: readonly [number, number, number], codes: Uint8Array = imageCodes(img)): RgbImage {
  const out = createImage(img.width, img.height);
  const d = out.data;
  for (let c = 0; c < 3; c++) {
    const m = masks[c];
    const t = new Float32Array(256);
    for (let u = 0; u < 256; u++) t[u] = ((u & m) + (255 - m) / 2) / 255;
    for (let i = c; i < d.length; i += 3) d[i] = t[codes[i]];
  }
  return out;
}

/** Empirical entropy (bits per value) of bit-plane `plane` over the given channels of an interleaved image. */
export function planeEntropy(img: RgbImage, plane: number, channels: readonly number[], codes: Uint8Array = imageCodes(img)): number {
  let ones = 0, n = 0;
  for (const c of channels) {
    for (let i = c; i < codes.length; i += 3) {
      ones += (codes[i] >> plane) & 1;
      n++;
    }
  }
  if (n === 0 || ones === 0 || ones === n) return 0;
  const p = ones / n;
  return -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
}
