import type { RgbImage } from './image';

function assertSameShape(a: RgbImage, b: RgbImage): void {
  if (a.width !== b.width || a.height !== b.height || a.data.length !== b.data.length) {
    throw new RangeError(`images differ in size: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  }
}

/** Mean squared error over all values (pixels × channels). */
export function mse(a: RgbImage, b: RgbImage): number {
  assertSameShape(a, b);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    s += d * d;
  }
  return s / a.data.length;
}

/** PSNR in dB with peak 1.0: 10·log10(1/MSE); Infinity when the images are equal. */
export function psnr(a: RgbImage, b: RgbImage): number {
  const m = mse(a, b);
  return m === 0 ? Infinity : 10 * Math.log10(1 / m);
}

/** Empirical Shannon entropy in bits of a histogram of counts. */
export function entropyBits(counts: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total === 0) return 0;
  let h = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c > 0) {
      const p = c / total;
      h -= p * Math.log2(p);
    }
  }
  return h;
}

/** BT.601 luma Y = 0.299R + 0.587G + 0.114B of every pixel (docs/conventions.md, "PSNR and SSIM"). */
export function luma(img: RgbImage): Float64Array {
  const out = new Float64Array(img.width * img.height);
  const d = img.data;
  for (let p = 0; p < out.length; p++) out[p] = 0.299 * d[3 * p] + 0.587 * d[3 * p + 1] + 0.114 * d[3 * p + 2];
  return out;
}

/** SSIM window: Gaussian σ = 1.5 truncated at 3.5σ, radius int(3.5·1.5 + 0.5) = 5 (11 taps), as scipy.ndimage. */
const SSIM_SIGMA = 1.5;
const SSIM_RADIUS = Math.trunc(3.5 * SSIM_SIGMA + 0.5);

/**
 * Mean SSIM of two single-channel images (row-major, width × height, data range 1): Wang et al. 2004, "Image
 * quality assessment: from error visibility to structural similarity", IEEE TIP 13(4), with Gaussian-weighted
 * local statistics (σ = 1.5, 11×11), K1 = 0.01, K2 = 0.03, population covariances, averaged over the pixels
 * whose whole window lies inside the image (a 5-pixel border cropped). Equals scikit-image's
 * structural_similarity(x, y, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1.0);
 * the cropped border is exactly where its 'reflect' padding would matter, so no padding is needed here.
 */
export function ssimGray(xIn: ArrayLike<number>, yIn: ArrayLike<number>, width: number, height: number): number {
  const win = 2 * SSIM_RADIUS + 1;
  if (width < win || height < win) {
    throw new RangeError(`SSIM needs images of at least ${win}×${win} pixels, got ${width}×${height}`);
  }
  if (xIn.length !== width * height || yIn.length !== width * height) throw new RangeError('SSIM inputs differ in size');
  const x = Float64Array.from(xIn); // one concrete array type keeps the loops below fast
  const y = Float64Array.from(yIn);
  const g = new Float64Array(win);
  let gs = 0;
  for (let t = -SSIM_RADIUS; t <= SSIM_RADIUS; t++) gs += g[t + SSIM_RADIUS] = Math.exp((-0.5 * t * t) / (SSIM_SIGMA * SSIM_SIGMA));
  for (let t = 0; t < win; t++) g[t] /= gs;
  // Horizontal pass over the valid columns, for x, y, x², y², xy; then vertical over the valid rows.
  const vw = width - 2 * SSIM_RADIUS;
  const vh = height - 2 * SSIM_RADIUS;
  const hx = new Float64Array(height * vw), hy = new Float64Array(height * vw);
  const hxx = new Float64Array(height * vw), hyy = new Float64Array(height * vw), hxy = new Float64Array(height * vw);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < vw; c++) {
      let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (let t = 0; t < win; t++) {
        const i = r * width + c + t;
        const a = x[i], b = y[i], w = g[t];
        sx += w * a; sy += w * b; sxx += w * a * a; syy += w * b * b; sxy += w * a * b;
      }
      const o = r * vw + c;
      hx[o] = sx; hy[o] = sy; hxx[o] = sxx; hyy[o] = syy; hxy[o] = sxy;
    }
  }
  const C1 = 0.01 ** 2;
  const C2 = 0.03 ** 2;
  let total = 0;
  for (let r = 0; r < vh; r++) {
    for (let c = 0; c < vw; c++) {
      let ux = 0, uy = 0, uxx = 0, uyy = 0, uxy = 0;
      for (let t = 0; t < win; t++) {
        const i = (r + t) * vw + c, w = g[t];
        ux += w * hx[i]; uy += w * hy[i]; uxx += w * hxx[i]; uyy += w * hyy[i]; uxy += w * hxy[i];
      }
      const vx = uxx - ux * ux, vy = uyy - uy * uy, vxy = uxy - ux * uy;
      total += ((2 * ux * uy + C1) * (2 * vxy + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
    }
  }
  return total / (vw * vh);
}

/** Mean SSIM of two RGB images on BT.601 luma (see ssimGray); RangeError below 11×11 or on a size mismatch. */
export function ssim(a: RgbImage, b: RgbImage): number {
  assertSameShape(a, b);
  return ssimGray(luma(a), luma(b), a.width, a.height);
}
