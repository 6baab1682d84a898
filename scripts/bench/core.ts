// Core math timed in Node on the same kind of arrays as the numpy reference.
import { analyzeBitplanes, keepTopBits } from '../../src/core/depth/bitplanes';
import { blockDctKeep } from '../../src/core/depth/dct';
import { dct2Rect } from '../../src/core/depth/dctTransform';
import { depthSteps, type DepthSpec } from '../../src/core/depth/views';
import { ssimAgainst, ssimReference } from '../../src/core/ssimFast';
import { rqFit, patchVectors } from '../../src/core/depth/rq';
import { assignNearest } from '../../src/core/depth/kmeans';
import { spectraForImage } from '../../src/core/diffusion/spectrum';
import { createImage } from '../../src/core/image';
import { mulberry32 } from '../../src/core/random';
import type { BenchCase } from './run';
import type { NativeTimes } from './native';

/**
 * Times `reps` calls after `warmup` untimed ones. The light kernels get several warm-up calls: they run on every
 * frame of a dragged slider, so what matters is their speed once V8 has compiled them (the first calls run in its
 * interpreter and baseline tiers; numpy's compiled loops need no warm-up). Heavy cases take long enough per call to
 * be compiled within the first one.
 */
function timeIt(f: () => unknown, reps = 15, warmup = 1): number[] {
  for (let i = 0; i < warmup; i++) f();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    out.push(performance.now() - t);
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

function randomImage(n: number, seed: number) {
  const img = createImage(n, n);
  const r = mulberry32(seed);
  for (let i = 0; i < img.data.length; i++) img.data[i] = r();
  return img;
}

function withReference(native: NativeTimes, key: string, what: string, p50: number): BenchCase['reference'] {
  const ref = native?.[key];
  if (typeof ref !== 'number') return undefined;
  const named = native?.[`${key}:what`];
  return { what: typeof named === 'string' ? named : what, p50: ref, ratio: p50 / ref };
}

export function coreCases(native: NativeTimes, quick = false): BenchCase[] {
  const out: BenchCase[] = [];
  for (const n of [128, 256, 512]) {
    const img = createImage(n, n);
    const r = mulberry32(0);
    for (let i = 0; i < img.data.length; i++) img.data[i] = r();
    const into = createImage(n, n);
    const cases: [string, string, () => unknown][] = [
      // Into a kept buffer: a fresh 196 kB image at 128² costs as much as the loop (page faults), which numpy's
      // allocator avoids by reusing freed blocks.
      ['core: keepTopBits (4 bits, into a kept buffer)', `keepTopBits@${n}`, () => keepTopBits(img, 4, into)],
      ['core: analyzeBitplanes (8 reconstructions + counts)', `analyzeBitplanes@${n}`, () => analyzeBitplanes(img)],
    ];
    for (const [name, key, f] of cases) {
      const ts = timeIt(f, 15, 5);
      const p50 = median(ts);
      out.push({ name, backend: 'node', size: n, n: ts.length, p50, p95: p95(ts), unit: 'ms', reference: withReference(native, key, `numpy ${key.split('@')[0]}`, p50) });
    }
  }

  // Heavier depth and diffusion math. RQ takes seconds per fit: few reps, no separate warm-up in quick runs.
  const img256 = randomImage(256, 1);
  const vectors256 = patchVectors(img256, 4).data;
  const centroids256 = Float64Array.from(vectors256.subarray(0, 256 * 48));
  const img512 = randomImage(512, 2);
  const planes512 = [0, 1, 2].map((c) => Float64Array.from({ length: 512 * 512 }, (_, p) => img512.data[3 * p + c]));
  const img512b = randomImage(512, 4);
  const ssimRef512 = ssimReference(img512);
  const eps = new Float32Array(512 * 512 * 3);
  const r = mulberry32(3);
  for (let i = 0; i < eps.length; i++) eps[i] = r() * 2 - 1;
  const heavy: [string, string, number, string, () => unknown, number][] = [
    ['core: RQ k-means (4×4 patches, K 256, depth 8, 10 iters; reference: random seeds, no k-means++)', 'rqKmeans@256', 256,
      'numpy Lloyd (random seeds)', () => rqFit(img256, 4, 256, 8, 10, 0), quick ? 2 : 3],
    ['core: k-means assignment pass as a matrix product (4096 × 256 centroids, dim 48, no bounds)', 'assign@256', 256,
      'numpy ‖c‖² − 2x·c argmin', () => assignNearest(vectors256, 48, centroids256, 256), quick ? 5 : 15],
    ['core: block DCT 8×8 keep-all (forward + inverse)', 'blockDct8@512', 512, 'numpy block DCT', () => blockDctKeep(img512, 8, 64), quick ? 5 : 15],
    ['core: diffusion spectra precompute (2 FFTs + ring means)', 'spectra@512', 512, 'numpy.fft.fft2 + ring means', () => spectraForImage(img512.data, eps, 512), quick ? 5 : 15],
    ['core: whole-image DCT, 3 channels (forward + inverse)', 'wholeDct@512', 512, 'scipy dctn + idctn', () => {
      for (const plane of planes512) dct2Rect(dct2Rect(plane, 512, 512), 512, 512, true);
    }, quick ? 5 : 15],
    ['core: SSIM on luma against a prepared reference (per Depth step)', 'ssim@512', 512, 'scipy.ndimage Gaussian SSIM, reference statistics precomputed',
      () => ssimAgainst(ssimRef512, img512b), quick ? 5 : 15],
  ];
  for (const [name, key, size, what, f, reps] of heavy) {
    const ts = timeIt(f, reps);
    const p50 = median(ts);
    out.push({ name, backend: 'node', size, n: ts.length, p50, p95: p95(ts), unit: 'ms', reference: withReference(native, key, what, p50) });
  }
  // Every Depth view at 512² (all steps with PSNR and SSIM, as the steps view computes them), on a smooth 8-bit
  // picture, and the rate–distortion sweep of all six (PSNR and rates only, as the background worker computes
  // it); no native reference (there is no numpy twin of the whole view).
  const picture = createImage(512, 512);
  const pr = mulberry32(5);
  for (let p = 0; p < 512 * 512; p++) for (let c = 0; c < 3; c++) {
    const x = p % 512, y = Math.floor(p / 512);
    const v = 0.5 + 0.3 * Math.sin(x / 23 + c) * Math.cos(y / 37) + 0.05 * (pr() - 0.5);
    picture.data[3 * p + c] = Math.round(Math.min(1, Math.max(0, v)) * 255) / 255;
  }
  const views: [string, DepthSpec][] = [
    ['bit-planes', { kind: 'bitplanes' }], ['channels RGB', { kind: 'channels', space: 'rgb' }], ['channels YCbCr', { kind: 'channels', space: 'ycbcr' }],
    ['scales', { kind: 'scales', step: 8 / 255 }], ['block DCT', { kind: 'dct-block', step: 8 / 255 }], ['whole DCT', { kind: 'dct-whole', step: 8 / 255 }],
  ];
  for (const [label, spec] of views) {
    const ts = timeIt(() => depthSteps(picture, spec), quick ? 2 : 5);
    out.push({ name: `core: depth view ${label} (every step, PSNR + SSIM)`, backend: 'node', size: 512, n: ts.length, p50: median(ts), p95: p95(ts), unit: 'ms' });
  }
  const sweep = timeIt(() => views.forEach(([, spec]) => depthSteps(picture, spec, undefined, { ssim: false })), quick ? 2 : 5);
  out.push({ name: 'core: rate–distortion sweep, all six views above (every step, PSNR + rates, no SSIM)', backend: 'node', size: 512, n: sweep.length, p50: median(sweep), p95: p95(sweep), unit: 'ms' });
  return out;
}