// RGB images as plain typed arrays: row-major, interleaved R,G,B, values in [0,1].

export type RgbImage = { width: number; height: number; data: Float32Array };

export function createImage(width: number, height: number): RgbImage {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`image size must be positive integers, got ${width}×${height}`);
  }
  return { width, height, data: new Float32Array(width * height * 3) };
}

/**
 * From 8-bit RGBA (canvas ImageData layout) to RgbImage, compositing alpha over white:
 * c = a·c_rgb + (1 − a)·1, the way the image would look on the page.
 */
export function fromRgba(rgba: ArrayLike<number>, width: number, height: number): RgbImage {
  checkRgba(rgba, width, height);
  const img = createImage(width, height);
  overWhite(rgba, 0, width * height, img.data);
  return img;
}

function checkRgba(rgba: ArrayLike<number>, width: number, height: number): void {
  if (rgba.length !== width * height * 4) throw new RangeError(`expected ${width * height * 4} RGBA bytes, got ${rgba.length}`);
}

/** `count` RGBA pixels from byte `q0` composited over white into `out` (RGB, from its start): fromRgba's arithmetic. */
function overWhite(rgba: ArrayLike<number>, q0: number, count: number, out: Float32Array): void {
  for (let p = 0, q = q0; p < count; p++, q += 4) {
    const a = rgba[q + 3] / 255;
    const white = 1 - a;
    out[3 * p] = (a * rgba[q]) / 255 + white;
    out[3 * p + 1] = (a * rgba[q + 1]) / 255 + white;
    out[3 * p + 2] = (a * rgba[q + 2]) / 255 + white;
  }
}

/** To 8-bit RGBA (opaque), rounding and clamping each value. */
export function toRgba(img: RgbImage, out?: Uint8ClampedArray): Uint8ClampedArray {
  const n = img.width * img.height;
  const rgba = out ?? new Uint8ClampedArray(n * 4);
  const d = img.data;
  for (let p = 0, q = 0; p < n; p++, q += 4) {
    rgba[q] = Math.round(d[3 * p] * 255);
    rgba[q + 1] = Math.round(d[3 * p + 1] * 255);
    rgba[q + 2] = Math.round(d[3 * p + 2] * 255);
    rgba[q + 3] = 255;
  }
  return rgba;
}

/** The largest centred square of the image (the extra columns or rows split evenly, odd pixel to the end). */
export function centerCropSquare(img: RgbImage): RgbImage {
  const side = Math.min(img.width, img.height);
  const x0 = Math.floor((img.width - side) / 2);
  const y0 = Math.floor((img.height - side) / 2);
  return crop(img, x0, y0, side, side);
}

export function crop(img: RgbImage, x0: number, y0: number, width: number, height: number): RgbImage {
  if (x0 < 0 || y0 < 0 || x0 + width > img.width || y0 + height > img.height) {
    throw new RangeError('crop rectangle outside the image');
  }
  const out = createImage(width, height);
  for (let y = 0; y < height; y++) {
    const src = ((y0 + y) * img.width + x0) * 3;
    out.data.set(img.data.subarray(src, src + width * 3), y * width * 3);
  }
  return out;
}

/**
 * Area-averaging resample: each output pixel is the mean of the input over the output pixel's footprint,
 * with fractional overlaps weighted by area (exact box filter). Separable: rows first, then columns.
 * Up-sampling degenerates to nearest-neighbour-with-blending at footprint borders, which keeps edges honest.
 */
export function resizeArea(img: RgbImage, width: number, height: number): RgbImage {
  if (width === img.width && height === img.height) {
    const out = createImage(width, height);
    out.data.set(img.data);
    return out;
  }
  const rowLength = img.width * 3;
  return resizeRows(img.width, img.height, width, height, (y) => img.data.subarray(y * rowLength, (y + 1) * rowLength));
}

/**
 * Nearest-neighbour resample: output pixel (x, y) is input pixel (⌊(x + ½)·W/w⌋, ⌊(y + ½)·H/h⌋), the pixel under
 * its centre, as a browser shows a canvas with `image-rendering: pixelated`. Every output value is an input
 * value: a noisy image keeps its per-pixel noise, which averaging (resizeArea) would smooth away.
 */
export function resizeNearest(img: RgbImage, width: number, height: number): RgbImage {
  return { width, height, data: nearestPixels(img.data, img.width, img.height, 3, width, height) };
}

/** resizeNearest for interleaved pixels of any number of channels (8-bit RGBA: 4), in the input's array type. */
export function nearestPixels<T extends Float32Array | Uint8ClampedArray>(data: T, width: number, height: number, channels: number, outWidth: number, outHeight: number): T {
  if (!(Number.isInteger(outWidth) && Number.isInteger(outHeight) && outWidth > 0 && outHeight > 0)) throw new RangeError(`size must be positive integers, got ${outWidth}×${outHeight}`);
  if (data.length !== width * height * channels) throw new RangeError(`${data.length} values for ${width}×${height}×${channels}`);
  const out = new (data.constructor as new (n: number) => T)(outWidth * outHeight * channels);
  const columns = new Int32Array(outWidth);
  for (let x = 0; x < outWidth; x++) columns[x] = Math.floor(((x + 0.5) * width) / outWidth) * channels;
  for (let y = 0, dst = 0; y < outHeight; y++) {
    const row = Math.floor(((y + 0.5) * height) / outHeight) * width * channels;
    for (let x = 0; x < outWidth; x++) for (let c = 0; c < channels; c++) out[dst++] = data[row + columns[x] + c];
  }
  return out;
}

/** 8-bit RGBA pixels as a canvas decodes them (ImageData layout, not premultiplied). */
export type RgbaImage = { width: number; height: number; rgba: Uint8ClampedArray };

/**
 * resizeArea(fromRgba(…), width, height) to the last bit, without the float image of the whole source: each source
 * row is composited over white into one row buffer (float32, as fromRgba stores it) just before the row pass reads
 * it. For a 512² photo that skips a 3 MB array, its second pass and its garbage, on the first panel's path.
 */
export function resizeAreaRgba(img: RgbaImage, width: number, height: number): RgbImage {
  checkRgba(img.rgba, img.width, img.height);
  if (width === img.width && height === img.height) return fromRgba(img.rgba, width, height);
  const row = new Float32Array(img.width * 3);
  return resizeRows(img.width, img.height, width, height, (y) => {
    overWhite(img.rgba, y * img.width * 4, img.width, row);
    return row;
  });
}

/** The area resample of a source whose row y (RGB, interleaved) `rowAt` gives, read once per row, in order. */
function resizeRows(inWidth: number, inHeight: number, width: number, height: number, rowAt: (y: number) => Float32Array): RgbImage {
  const out = createImage(width, height);
  const wx = areaWeights(inWidth, width);
  const wy = areaWeights(inHeight, height);
  // Horizontal pass: inHeight × width.
  const tmp = new Float64Array(inHeight * width * 3);
  for (let y = 0; y < inHeight; y++) {
    const row = rowAt(y);
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0;
      const { start, weights } = wx[x];
      for (let k = 0; k < weights.length; k++) {
        const i = (start + k) * 3;
        const w = weights[k];
        r += w * row[i];
        g += w * row[i + 1];
        b += w * row[i + 2];
      }
      const o = (y * width + x) * 3;
      tmp[o] = r;
      tmp[o + 1] = g;
      tmp[o + 2] = b;
    }
  }
  // Vertical pass.
  for (let y = 0; y < height; y++) {
    const { start, weights } = wy[y];
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0;
      for (let k = 0; k < weights.length; k++) {
        const i = ((start + k) * width + x) * 3;
        const w = weights[k];
        r += w * tmp[i];
        g += w * tmp[i + 1];
        b += w * tmp[i + 2];
      }
      const o = (y * width + x) * 3;
      out.data[o] = r;
      out.data[o + 1] = g;
      out.data[o + 2] = b;
    }
  }
  return out;
}

/** For each output index, the first input index and the normalized overlap weights of its footprint. */
function areaWeights(inSize: number, outSize: number): { start: number; weights: Float64Array }[] {
  const scale = inSize / outSize;
  const result: { start: number; weights: Float64Array }[] = [];
  for (let o = 0; o < outSize; o++) {
    const a = o * scale;
    const b = (o + 1) * scale;
    const start = Math.floor(a);
    const end = Math.min(Math.ceil(b), inSize);
    const weights = new Float64Array(end - start);
    for (let i = start; i < end; i++) {
      weights[i - start] = (Math.min(b, i + 1) - Math.max(a, i)) / scale;
    }
    result.push({ start, weights });
  }
  return result;
}

/** A cheap content hash (FNV-1a over the float bits) used to key per-image caches. */
export function imageHash(img: RgbImage): string {
  const words = new Uint32Array(img.data.buffer, img.data.byteOffset, img.data.length);
  let h = 0x811c9dc5;
  h = Math.imul(h ^ img.width, 0x01000193);
  h = Math.imul(h ^ img.height, 0x01000193);
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Round every value to the nearest 8-bit code u/255, as a displayed or stored image would hold it. */
export function quantize8(img: RgbImage): RgbImage {
  const out = createImage(img.width, img.height);
  for (let i = 0; i < img.data.length; i++) {
    const u = Math.round(img.data[i] * 255);
    out.data[i] = (u < 0 ? 0 : u > 255 ? 255 : u) / 255;
  }
  return out;
}
