// The codes of one RQ / VQ level as a picture: one pixel per patch, coloured by its code index. Code indices
// are arbitrary labels (k-means order), so the palette is categorical: hue = frac(index · golden ratio) on
// d3's cyclic rainbow, which gives neighbouring indices far-apart hues for any codebook size.
import { interpolateRainbow, rgb } from 'd3';
import { createImage, type RgbImage } from '../../../core/image';

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** The colour of code `k` as [r, g, b] in [0, 1]. */
export function codeColor(k: number): [number, number, number] {
  const c = rgb(interpolateRainbow((k * GOLDEN) % 1));
  return [c.r / 255, c.g / 255, c.b / 255];
}

/** A rows × cols image of the codes (patch grid row-major), each patch coloured by its code. */
export function codeMapImage(codes: ArrayLike<number>, rows: number, cols: number, codebookSize: number): RgbImage {
  const palette = new Float64Array(codebookSize * 3);
  for (let k = 0; k < codebookSize; k++) palette.set(codeColor(k), 3 * k);
  const img = createImage(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const k = codes[i];
    img.data[3 * i] = palette[3 * k];
    img.data[3 * i + 1] = palette[3 * k + 1];
    img.data[3 * i + 2] = palette[3 * k + 2];
  }
  return img;
}
