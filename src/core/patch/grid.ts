// Cutting an image into a grid of square patches for the "Patch order" panel.
import type { RgbImage } from '../image';

/**
 * An image cut into rows × cols square patches of `patch` pixels per side. patches[r·cols + c] holds the
 * pixels of the patch at row r, column c: patch·patch·3 values, row-major within the patch, interleaved RGB
 * (the RgbImage layout). Treated as immutable once made.
 */
export type PatchGrid = { rows: number; cols: number; patch: number; patches: Float32Array[] };

export function patchGrid(img: RgbImage, patch: number): PatchGrid {
  if (!Number.isInteger(patch) || patch < 1) {
    throw new RangeError(`patch size must be a positive integer, got ${patch}`);
  }
  if (img.width % patch !== 0 || img.height % patch !== 0) {
    throw new RangeError(
      `image ${img.width}×${img.height} does not divide into ${patch}-pixel patches ` +
        `(width and height must be multiples of ${patch})`,
    );
  }
  const rows = img.height / patch;
  const cols = img.width / patch;
  const rowLen = patch * 3;
  const patches: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const p = new Float32Array(patch * rowLen);
      for (let y = 0; y < patch; y++) {
        const src = ((r * patch + y) * img.width + c * patch) * 3;
        p.set(img.data.subarray(src, src + rowLen), y * rowLen);
      }
      patches.push(p);
    }
  }
  return { rows, cols, patch, patches };
}

/** Patch sizes that tile a `size`-pixel side exactly: the divisors of size in [min, max], ascending. */
export function validPatchSizes(size: number, min = 2, max = 32): number[] {
  const out: number[] = [];
  if (!Number.isInteger(size) || size < 1) return out;
  for (let p = Math.max(1, Math.ceil(min)); p <= Math.min(max, size); p++) if (size % p === 0) out.push(p);
  return out;
}
