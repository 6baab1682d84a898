// Property-based tests over the core (fast-check, with shrinking): each property is the defining statement of a
// function from docs/conventions.md, checked on generated inputs rather than a few hand-picked ones. One fixed seed
// per file keeps CI reproducible; a failure prints the shrunk counterexample and the seed to replay it.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { stepOfT, tOfStep } from '../../../src/core/conventions';
import { keepTopBits } from '../../../src/core/depth/bitplanes';
import { rgbToYcbcr, ycbcrToRgb } from '../../../src/core/depth/channels';
import { blockDctKeep, wholeDctKeep } from '../../../src/core/depth/dct';
import { dequantizeUniform, entropyRateBits, fixedRateBits, observedAlphabet, quantizeUniform } from '../../../src/core/depth/rate';
import { scalePyramid, varScalesFor } from '../../../src/core/depth/scales';
import { monotoneLogSnr } from '../../../src/core/diffusion/editable';
import { logSnrAt, SCHEDULE_KINDS } from '../../../src/core/diffusion/schedules';
import { createImage, type RgbImage } from '../../../src/core/image';
import { entropyBits, mse, psnr, ssim } from '../../../src/core/metrics';
import { inverseOrder, isPermutation, ORDERING_KINDS, orderFromCustom, patchOrder } from '../../../src/core/orderings';
import { addPngTextChunk, readPngTextChunks } from '../../../src/core/png';

beforeAll(() => {
  fc.configureGlobal({ seed: 15_2026, numRuns: 60 });
});

/** An image of 8-bit pixels (k/255), as every working image is after quantize8. */
function pixelImage(minSide = 1, maxSide = 12): fc.Arbitrary<RgbImage> {
  return fc.record({ width: fc.integer({ min: minSide, max: maxSide }), height: fc.integer({ min: minSide, max: maxSide }) })
    .chain(({ width, height }) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: width * height * 3, maxLength: width * height * 3 })
      .map((codes) => {
        const img = createImage(width, height);
        img.data.set(codes.map((c) => c / 255));
        return img;
      }));
}

function maxAbsDiff(a: RgbImage, b: RgbImage): number {
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

describe('orderings', () => {
  it('every ordering kind is a permutation of the cells of any grid, and inverseOrder inverts it', () => {
    fc.assert(fc.property(
      fc.constantFrom(...ORDERING_KINDS), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      (kind, rows, cols, seed) => {
        const order = patchOrder(kind, rows, cols, seed);
        expect(isPermutation(order, rows * cols)).toBe(true);
        const inv = inverseOrder(order);
        for (let s = 0; s < order.length; s++) expect(inv[order[s]]).toBe(s);
      },
    ));
  });

  it('a painted order is a permutation that starts with the painted cells, in the order painted', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), fc.array(fc.nat(), { maxLength: 60 }),
      (rows, cols, raw) => {
        const painted = [...new Set(raw.map((i) => i % (rows * cols)))];
        const order = orderFromCustom(painted, rows, cols);
        expect(isPermutation(order, rows * cols)).toBe(true);
        expect([...order.subarray(0, painted.length)]).toEqual(painted);
      },
    ));
  });
});

describe('uniform quantizer', () => {
  const values = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 });
  const step = fc.double({ min: 1e-3, max: 100, noNaN: true });

  it('dequantize(quantize(v)) is within step/2 of v (mid-tread)', () => {
    fc.assert(fc.property(values, step, (vs, s) => {
      const back = dequantizeUniform(quantizeUniform(vs, s), s);
      // Floating point: v/step and level·step each round once, relative to the magnitude of v.
      vs.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(s / 2 + 1e-12 * Math.max(1, Math.abs(v))));
    }));
  });

  it('is odd-symmetric, q(−v) = −q(v), and idempotent on its own levels', () => {
    fc.assert(fc.property(values, step, (vs, s) => {
      const q = quantizeUniform(vs, s);
      const neg = quantizeUniform(vs.map((v) => -v), s);
      q.forEach((l, i) => expect(neg[i]).toBe(-l || 0));
      expect([...quantizeUniform(dequantizeUniform(q, s), s)]).toEqual([...q]);
    }));
  });

  it('the entropy-coded rate never exceeds the fixed-length rate of the observed alphabet', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 200 }), (levels) => {
      expect(entropyRateBits(levels)).toBeLessThanOrEqual(fixedRateBits(levels, observedAlphabet(levels)) + 1e-9);
    }));
  });
});

describe('decompositions are exact at full depth and bounded before it', () => {
  it('bit-planes: all 8 planes rebuild an 8-bit image exactly; k planes are within half a bin (2^(8−k)/2 codes)', () => {
    fc.assert(fc.property(pixelImage(), fc.integer({ min: 0, max: 8 }), (img, k) => {
      expect(maxAbsDiff(keepTopBits(img, 8), img)).toBeLessThan(1e-6);
      // The kept bin holds 2^(8−k) codes; its centre is at most (2^(8−k) − 1)/2 codes from any of them.
      expect(maxAbsDiff(keepTopBits(img, k), img)).toBeLessThanOrEqual(((2 ** (8 - k) - 1) / 2) / 255 + 1e-6);
    }));
  });

  it('scales: the pyramid ending at the image size rebuilds the image (residual energy 0 to float32 precision)', () => {
    fc.assert(fc.property(pixelImage(1, 20), (img) => {
      const steps = scalePyramid(img, varScalesFor(Math.max(img.width, img.height)));
      const last = steps[steps.length - 1];
      expect(maxAbsDiff(last.reconstruction, img)).toBeLessThan(1e-5);
      expect(last.residualEnergy).toBeLessThan(1e-10);
    }), { numRuns: 30 });
  });

  it('DCT: keeping every coefficient rebuilds the image, block-wise (any block, edge tiles padded) and whole', () => {
    fc.assert(fc.property(pixelImage(1, 16), fc.integer({ min: 1, max: 9 }), (img, block) => {
      expect(maxAbsDiff(blockDctKeep(img, block, block * block), img)).toBeLessThan(1e-6);
      expect(maxAbsDiff(wholeDctKeep(img, img.width * img.height), img)).toBeLessThan(1e-6);
    }), { numRuns: 30 });
  });

  it('YCbCr: RGB → YCbCr → RGB is the identity', () => {
    fc.assert(fc.property(pixelImage(), (img) => {
      expect(maxAbsDiff(ycbcrToRgb(rgbToYcbcr(img)), img)).toBeLessThan(1e-6);
    }));
  });
});

describe('schedules', () => {
  const tPair = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

  it('every named schedule’s log-SNR is non-increasing in t', () => {
    fc.assert(fc.property(fc.constantFrom(...SCHEDULE_KINDS), tPair, fc.double({ min: 0.1, max: 10, noNaN: true }), (kind, [t1, t2], shift) => {
      expect(logSnrAt(kind, t1, { shift })).toBeGreaterThanOrEqual(logSnrAt(kind, t2, { shift }));
    }), { numRuns: 200 });
  });

  it('a drawn schedule is non-increasing in t whatever control points it is given', () => {
    const point = fc.record({ t: fc.double({ min: 0, max: 1, noNaN: true }), logSnr: fc.double({ min: -20, max: 20, noNaN: true }) });
    fc.assert(fc.property(fc.array(point, { minLength: 1, maxLength: 8 }), tPair, (points, [t1, t2]) => {
      const f = monotoneLogSnr(points);
      expect(f(t1)).toBeGreaterThanOrEqual(f(t2));
    }), { numRuns: 200 });
  });

  it('a discrete step’s t maps back to that step', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))), ([n, i]) => {
      expect(stepOfT(tOfStep(i, n), n)).toBe(i);
    }));
  });
});

describe('metrics', () => {
  const samePair = (min = 1, max = 12) => pixelImage(min, max).chain((a) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: a.data.length, maxLength: a.data.length })
    .map((codes) => {
      const b = createImage(a.width, a.height);
      b.data.set(codes.map((c) => c / 255));
      return [a, b] as const;
    }));

  it('PSNR is symmetric, and infinite exactly when the images are equal', () => {
    fc.assert(fc.property(samePair(), ([a, b]) => {
      expect(psnr(a, b)).toBe(psnr(b, a));
      expect(psnr(a, a)).toBe(Infinity);
      const equal = a.data.every((v, i) => v === b.data[i]);
      expect(psnr(a, b) === Infinity).toBe(equal);
      expect(mse(a, b)).toBeGreaterThanOrEqual(0);
    }));
  });

  it('PSNR is 10·log10(1/MSE) with MSE the mean over all values', () => {
    fc.assert(fc.property(samePair(), ([a, b]) => {
      let s = 0;
      for (let i = 0; i < a.data.length; i++) s += (a.data[i] - b.data[i]) ** 2;
      const m = s / a.data.length;
      if (m > 0) expect(psnr(a, b)).toBeCloseTo(10 * Math.log10(1 / m), 9);
    }));
  });

  it('SSIM is symmetric, at most 1, and 1 for an image against itself', () => {
    fc.assert(fc.property(samePair(11, 14), ([a, b]) => {
      expect(ssim(a, a)).toBeCloseTo(1, 12);
      expect(ssim(a, b)).toBeCloseTo(ssim(b, a), 12);
      expect(ssim(a, b)).toBeLessThanOrEqual(1 + 1e-12);
    }), { numRuns: 20 });
  });

  it('entropy lies between 0 and log2 of the number of symbols seen', () => {
    fc.assert(fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 30 }), (counts) => {
      const h = entropyBits(counts);
      const seen = counts.filter((c) => c > 0).length;
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThanOrEqual(Math.log2(Math.max(1, seen)) + 1e-12);
    }));
  });
});

describe('PNG text chunks', () => {
  // A 1×1 grey PNG (8-bit greyscale), written by hand: signature, IHDR, IDAT, IEND.
  const PNG_1x1 = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
  const latin1 = fc.array(fc.integer({ min: 1, max: 255 }), { maxLength: 300 }).map((codes) => String.fromCharCode(...codes));

  it('round-trip any Latin-1 text without NUL, under any valid keyword, replacing an older copy', () => {
    const keyword = fc.array(fc.integer({ min: 0x21, max: 0x7e }), { minLength: 1, maxLength: 79 }).map((codes) => String.fromCharCode(...codes));
    fc.assert(fc.property(keyword, latin1, latin1, (k, older, text) => {
      const png = addPngTextChunk(addPngTextChunk(PNG_1x1, k, older), k, text);
      expect(readPngTextChunks(png)).toEqual({ [k]: text });
    }));
  });
});
