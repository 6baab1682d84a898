// The denoisers' data as plain typed arrays: shipped digit sets (uint8 pixels, 28×28, plus one uint8 label per
// digit) and natural-image crops (uint8 RGB, 32×32×3), converted to pixels in [0, 1] or model space [−1, 1].
import { modelToPixel, pixelToModel } from '../../core/conventions';

/** count images of side × side × channels, uint8, and for digits their labels. */
export type ImageSet = { count: number; side: number; channels: number; pixels: Uint8Array; labels: Uint8Array | null };

/** Reads a raw uint8 image file (no header) and, for digits, its label file (one byte per image). */
export function readImageSet(bytes: ArrayBuffer | Uint8Array, side: number, channels: number, labels?: ArrayBuffer | Uint8Array): ImageSet {
  const pixels = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const size = side * side * channels;
  if (pixels.length === 0 || pixels.length % size !== 0) throw new RangeError(`an image file holds whole ${side}×${side}×${channels} images; got ${pixels.length} bytes`);
  const count = pixels.length / size;
  const l = labels ? (labels instanceof Uint8Array ? labels : new Uint8Array(labels)) : null;
  if (l && l.length !== count) throw new RangeError(`${count} images but ${l.length} labels`);
  return { count, side, channels, pixels, labels: l };
}

/** The first `count` images of a set. */
export function firstOf(set: ImageSet, count: number): ImageSet {
  const n = Math.min(count, set.count);
  const size = set.side * set.side * set.channels;
  return { ...set, count: n, pixels: set.pixels.subarray(0, n * size), labels: set.labels?.subarray(0, n) ?? null };
}

/** Images `indices` in pixels [0, 1]. */
export function pixelsOfSet(set: ImageSet, indices: ArrayLike<number>): Float32Array {
  const size = set.side * set.side * set.channels;
  const out = new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i] * size;
    for (let j = 0; j < size; j++) out[i * size + j] = set.pixels[src + j] / 255;
  }
  return out;
}

/** Images `indices` in model space x0 = 2·pixel − 1. */
export function modelSpaceOfSet(set: ImageSet, indices: ArrayLike<number>): Float32Array {
  return pixelsOfSet(set, indices).map(pixelToModel);
}

/** `count` indices drawn uniformly with replacement. */
export function randomIndices(total: number, count: number, rand: () => number): Int32Array {
  return Int32Array.from({ length: count }, () => Math.floor(rand() * total));
}

/** Model space → pixels clipped to [0, 1]. */
export function toPixels(x: Float32Array): Float32Array {
  return x.map((v) => Math.min(1, Math.max(0, modelToPixel(v))));
}
