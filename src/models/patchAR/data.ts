// Training and evaluation data for the patch transformer, as plain typed arrays (no tfjs here: the
// scripts, the worker and the tests share it). Images are [count, height, width, channels] in [0, 1];
// tokens are [count, N, patch·patch·channels] in generation order.
import type { RgbImage } from '../../core/image';

/** Digits as stored in public/models/patch-ar/digits-*.bin: raw uint8, 28×28 per digit, no header. */
export type DigitSet = { count: number; side: number; pixels: Uint8Array };

export const DIGIT_SIDE = 28;

export function readDigitFile(bytes: ArrayBuffer | Uint8Array, side = DIGIT_SIDE): DigitSet {
  const pixels = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (pixels.length === 0 || pixels.length % (side * side) !== 0) {
    throw new RangeError(`a digit file holds whole ${side}×${side} digits; got ${pixels.length} bytes`);
  }
  return { count: pixels.length / (side * side), side, pixels };
}

/** Digits `indices` as floats in [0, 1], [count, side, side] (one channel). */
export function digitImages(set: DigitSet, indices: ArrayLike<number>): Float32Array {
  const size = set.side * set.side;
  const out = new Float32Array(indices.length * size);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i] * size;
    for (let j = 0; j < size; j++) out[i * size + j] = set.pixels[src + j] / 255;
  }
  return out;
}

export type ImageShape = { height: number; width: number; channels: number };

/**
 * Cuts each image into patch×patch tiles and lays them out in generation order: token s of image i is the
 * tile at row-major cell order[s], its pixels row by row, channels interleaved.
 */
export function patchify(images: Float32Array, shape: ImageShape, patch: number, order: Int32Array): Float32Array {
  const { height, width, channels } = shape;
  if (height % patch !== 0 || width % patch !== 0) throw new RangeError(`${height}×${width} is not a whole number of ${patch}-px patches`);
  const cols = width / patch;
  const n = (height / patch) * cols;
  if (order.length !== n) throw new RangeError(`order has ${order.length} steps for ${n} patches`);
  const imageSize = height * width * channels;
  const count = images.length / imageSize;
  const dim = patch * patch * channels;
  const rowLen = patch * channels;
  const out = new Float32Array(count * n * dim);
  for (let i = 0; i < count; i++) {
    for (let s = 0; s < n; s++) {
      const r = Math.floor(order[s] / cols);
      const c = order[s] % cols;
      const dst = (i * n + s) * dim;
      for (let y = 0; y < patch; y++) {
        const src = i * imageSize + ((r * patch + y) * width + c * patch) * channels;
        out.set(images.subarray(src, src + rowLen), dst + y * rowLen);
      }
    }
  }
  return out;
}

/** The inverse of patchify: tokens in generation order back to images. */
export function unpatchify(tokens: Float32Array, shape: ImageShape, patch: number, order: Int32Array): Float32Array {
  const { height, width, channels } = shape;
  const cols = width / patch;
  const n = order.length;
  const dim = patch * patch * channels;
  const rowLen = patch * channels;
  const imageSize = height * width * channels;
  const count = tokens.length / (n * dim);
  const out = new Float32Array(count * imageSize);
  for (let i = 0; i < count; i++) {
    for (let s = 0; s < n; s++) {
      const r = Math.floor(order[s] / cols);
      const c = order[s] % cols;
      const src = (i * n + s) * dim;
      for (let y = 0; y < patch; y++) {
        const dst = i * imageSize + ((r * patch + y) * width + c * patch) * channels;
        out.set(tokens.subarray(src + y * rowLen, src + (y + 1) * rowLen), dst);
      }
    }
  }
  return out;
}

/** Per-step values (e.g. a loss per position) laid out on the patch grid: grid[order[s]] = values[s]. */
export function stepsToGrid(values: ArrayLike<number>, order: Int32Array): Float32Array {
  const grid = new Float32Array(order.length);
  for (let s = 0; s < order.length; s++) grid[order[s]] = values[s];
  return grid;
}

/** `count` indices drawn uniformly with replacement from [0, size). */
export function sampleIndices(size: number, count: number, rand: () => number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(rand() * size);
  return out;
}

/**
 * `count` random size×size crops of an RGB image, [count, size, size, 3]: the natural-image training set
 * for in-browser training on the current picture.
 */
export function randomCrops(img: RgbImage, size: number, count: number, rand: () => number): Float32Array {
  if (img.width < size || img.height < size) throw new RangeError(`image ${img.width}×${img.height} is smaller than a ${size}-px crop`);
  const out = new Float32Array(count * size * size * 3);
  for (let i = 0; i < count; i++) {
    const x0 = Math.floor(rand() * (img.width - size + 1));
    const y0 = Math.floor(rand() * (img.height - size + 1));
    for (let y = 0; y < size; y++) {
      const src = ((y0 + y) * img.width + x0) * 3;
      out.set(img.data.subarray(src, src + size * 3), (i * size + y) * size * 3);
    }
  }
  return out;
}

/** Fetches a digit file shipped in public/models/patch-ar (e.g. `${base}models/patch-ar/digits-heldout.bin`). */
export async function fetchDigits(url: string, fetchFn: (url: string) => Promise<Response> = (u) => fetch(u)): Promise<DigitSet> {
  const response = await fetchFn(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return readDigitFile(await response.arrayBuffer());
}
