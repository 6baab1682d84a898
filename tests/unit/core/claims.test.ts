// The claims tour's measurements against their defining formulas (seeded inputs; tolerances stated per check).
import { describe, expect, it } from 'vitest';
import {
  accuracy, bitPlaneGains, conflictVerdict, continuityAgainstLoss, continuityVerdict, nonMonotoneDisagreements, dataVariance, droppedBits, drownedShare, elboWeightings, levelConflict,
  levelDifficulty, octaveBandEnergy, rowStartContrast,
} from '../../../src/core/claims';
import { analyzeBitplanes, keepTopBits } from '../../../src/core/depth/bitplanes';
import { seededNoise } from '../../../src/core/diffusion/forward';
import { drownedFrequency, spectraForImage } from '../../../src/core/diffusion/spectrum';
import { createImage, type RgbImage } from '../../../src/core/image';
import { psnr } from '../../../src/core/metrics';
import { mulberry32 } from '../../../src/core/random';
import { randomImage8 } from '../../randomImages';

/** An image whose three channels are cos(π·u·(x + ½)/n): one DCT coefficient (u, 0) of the luma. */
function cosineImage(n: number, u: number): RgbImage {
  const img = createImage(n, n);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) for (let c = 0; c < 3; c++) img.data[3 * (y * n + x) + c] = 0.5 + 0.4 * Math.cos((Math.PI * u * (x + 0.5)) / n);
  return img;
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('claim 1: errors at continuity breaks against the other steps', () => {
  it('averages the break steps and the others, leaving step 0 out', () => {
    const rand = mulberry32(7);
    const errors = Array.from({ length: 64 }, () => rand());
    const breaks = [8, 16, 24, 32, 40, 48, 56];
    const c = rowStartContrast(errors, breaks);
    const at = mean(breaks.map((s) => errors[s]));
    const other = mean(errors.filter((_, s) => s > 0 && !breaks.includes(s)));
    expect(c.breaks).toBe(7);
    expect(c.atBreaks).toBeCloseTo(at, 12);
    expect(c.elsewhere).toBeCloseTo(other, 12);
    expect(c.ratio).toBeCloseTo(at / other, 12);
    // Step 0 never counts, even when listed, and changing it changes nothing.
    expect(rowStartContrast([99, ...errors.slice(1)], [0, ...breaks])).toEqual(c);
  });
});

describe('claim 2: orderings’ breaks against their loss', () => {
  it('gives the loss spread, the breaks ratio and whether the fewest breaks is the lowest loss', () => {
    const c = continuityAgainstLoss([{ ordering: 'raster', breaks: 6, loss: 0.05 }, { ordering: 'hilbert', breaks: 0, loss: 0.052 }, { ordering: 'random', breaks: 40, loss: 0.06 }]);
    expect(c.lossSpread).toBeCloseTo((0.06 - 0.05) / 0.05, 12);
    expect(c.breaksRatio).toBe(40);
    expect(c.fewestBreaksIsBest).toBe(false);
    expect([c.fewest, c.best]).toEqual(['hilbert', 'raster']);
    expect(continuityAgainstLoss([{ ordering: 'a', breaks: 2, loss: 1 }, { ordering: 'b', breaks: 8, loss: 2 }]).fewestBreaksIsBest).toBe(true);
  });
});

describe('verdicts against the talk', () => {
  it('claim 2: agrees unless the fewest breaks give clearly the lowest loss', () => {
    expect(continuityVerdict({ fewestBreaksIsBest: false, lossSpread: 3 })).toBe('agrees');
    expect(continuityVerdict({ fewestBreaksIsBest: true, lossSpread: 0.1 })).toBe('agrees');
    expect(continuityVerdict({ fewestBreaksIsBest: true, lossSpread: 0.5 })).toBe('disagrees');
  });

  it('claim 6: names the depths more than 10 points from the talk, or under its lower bound', () => {
    const talk = [{ depth: 4, fraction: 0.3, label: '≈30 %' }, { depth: 8, fraction: 0.4, label: '≈40 %' }, { depth: 16, fraction: 0.5, label: '>50 %' }];
    expect(nonMonotoneDisagreements([{ depth: 4, fraction: 0.13 }, { depth: 8, fraction: 0.88 }, { depth: 16, fraction: 1 }], talk)).toEqual([4, 8]);
    expect(nonMonotoneDisagreements([{ depth: 4, fraction: 0.35 }, { depth: 8, fraction: 0.31 }, { depth: 16, fraction: 0.49 }], talk)).toEqual([16]);
    expect(nonMonotoneDisagreements([{ depth: 4, fraction: 0.25 }, { depth: 32, fraction: 0.01 }], talk)).toEqual([]);
  });

  it('claim 8: agrees when far-apart levels are near-orthogonal and below the control, undecided when the control is as low', () => {
    expect(conflictVerdict({ farMean: 0.03, controlMean: 0.5 })).toBe('agrees');
    expect(conflictVerdict({ farMean: 0.03, controlMean: 0.004 })).toBe('undecided');
    expect(conflictVerdict({ farMean: 0.6, controlMean: 0.9 })).toBe('disagrees');
    expect(conflictVerdict({ farMean: NaN, controlMean: 0.9 })).toBe('disagrees');
  });
});

describe('claims 3 and 4: bit-planes', () => {
  it('gains are PSNR differences; the top-5 PSNR is that of the top-5 image; random low planes carry ~1 bit', () => {
    const img = randomImage8(64, 64, 3);
    const a = analyzeBitplanes(img);
    const g = bitPlaneGains(a);
    expect(g.gainDb[0]).toBeNaN();
    for (let k = 1; k < 7; k++) expect(g.gainDb[k]).toBeCloseTo(a.psnr[k] - a.psnr[k - 1], 12);
    // The shares of the first plane's squared error removed by the others add up to all of it (the 8th is exact).
    const mse1 = 10 ** (-a.psnr[0] / 10);
    expect(g.errorShare[1]).toBeCloseTo((mse1 - 10 ** (-a.psnr[1] / 10)) / mse1, 12);
    expect(g.errorShare.slice(1).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 9);
    const d = droppedBits(a, 5);
    expect(d.psnr).toBeCloseTo(psnr(keepTopBits(img, 5), img), 9);
    // Uniform random 8-bit values: every plane is a fair coin, entropy within 0.01 bit of 1 on 12,288 values.
    expect(Math.abs(d.droppedEntropy - 1)).toBeLessThan(0.01);
    expect(() => droppedBits(a, 8)).toThrow(RangeError);
  });

  it('follows the image: a smooth image’s low planes are not the same as noise’s', () => {
    const smooth = analyzeBitplanes(cosineImage(64, 1));
    const noisy = analyzeBitplanes(randomImage8(64, 64, 3));
    expect(droppedBits(smooth, 5).psnr).not.toBeCloseTo(droppedBits(noisy, 5).psnr, 3);
  });
});

describe('claim 5: energy per octave band', () => {
  it('puts a single cosine’s energy in its band, sums to 1, and a finer cosine moves it up', () => {
    const n = 64;
    for (const u of [1, 3, 20, 50]) {
      const e = octaveBandEnergy(cosineImage(n, u));
      const band = Math.floor(Math.log2(u)) + 1;
      expect(e.share.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      // Pixels are floats here (not quantized), so the single coefficient holds all but rounding.
      expect(e.share[band]).toBeGreaterThan(1 - 1e-9);
      expect(e.upper[band]).toBe(2 ** band);
    }
  });
});

describe('claim 7: the first drowned frequency', () => {
  it('is drownedFrequency, as a share of the top ring and in cycles per pixel', () => {
    const n = 32;
    const img = randomImage8(n, n, 5);
    const x0 = Float32Array.from(img.data, (p) => 2 * p - 1);
    const pre = spectraForImage(x0, seededNoise(x0.length, 1), n);
    expect(drownedShare(pre, 1, 0)).toEqual({ ring: null, fractionOfTop: null, cyclesPerPixel: null });
    const d = drownedShare(pre, 0.6, 0.8);
    const ring = drownedFrequency(pre, 0.6, 0.8);
    expect(d.ring).toBe(ring);
    if (ring !== null) {
      expect(d.fractionOfTop).toBeCloseTo(ring / (n / 2 - 1), 12);
      expect(d.cyclesPerPixel).toBeCloseTo(ring / n, 12);
    }
    // Pure noise level: everything from ring 1 up is drowned.
    expect(drownedShare(pre, 1e-6, 1).ring).toBe(1);
  });
});

describe('claim 8: level conflict from the lab’s Gram matrix', () => {
  it('reads orthogonal sub-task gradients as cosine 0 and an all-equal control as cosine 1', () => {
    const k = 4;
    // 3K gradients in R^k: A_i = B_i = e_i (orthonormal sub-tasks), C_i = (1, 1, 1, 1) (one objective cut at random).
    const vectors = [...Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : 0)))];
    const all = [...vectors, ...vectors, ...Array.from({ length: k }, () => Array(k).fill(1))];
    const gram = new Float64Array(9 * k * k);
    all.forEach((a, i) => all.forEach((b, j) => { gram[i * 3 * k + j] = a.reduce((s, v, q) => s + v * b[q], 0); }));
    const c = levelConflict(gram, k);
    expect(c.farMean).toBeCloseTo(0, 12);
    expect(c.neighbourMean).toBeCloseTo(0, 12);
    expect(c.negativeShare).toBe(0);
    expect(c.controlMean).toBeCloseTo(1, 12);
  });
});

describe('claim 9: difficulty per noise level', () => {
  it('compares the loss with the better trivial prediction, min(1, variance·e^λ)', () => {
    const lambda = [-8, -4, 0, 4, 8];
    const loss = [0.0002, 0.004, 0.05, 0.6, 0.99];
    const v = 0.3;
    const d = levelDifficulty(lambda, loss, v);
    lambda.forEach((l, i) => {
      expect(d.trivial[i]).toBeCloseTo(Math.min(1, v * Math.exp(l)), 12);
      expect(d.ratio[i]).toBeCloseTo(loss[i] / d.trivial[i], 12);
    });
    const best = d.ratio.indexOf(Math.min(...d.ratio));
    expect(d.mostLearned).toBe(lambda[best]);
    // Another model's losses move the answer.
    expect(levelDifficulty(lambda, [0.0002, 0.0001, 0.2, 0.6, 0.99], v).mostLearned).toBe(-4);
  });

  it('data variance is the mean per-position variance around the per-position mean', () => {
    const rand = mulberry32(11);
    const count = 50;
    const size = 7;
    const values = Float64Array.from({ length: count * size }, () => rand() * 2 - 1);
    let total = 0;
    for (let p = 0; p < size; p++) {
      const col = Array.from({ length: count }, (_, e) => values[e * size + p]);
      const m = mean(col);
      total += mean(col.map((x) => (x - m) ** 2));
    }
    expect(dataVariance(values, count, size)).toBeCloseTo(total / size, 12);
  });

  it('accuracy is the share of samples read as the class asked for', () => {
    expect(accuracy([3, 3, 5, 3], 3)).toBe(0.75);
    expect(accuracy([], 3)).toBeNaN();
  });
});

describe('claim 10: weightings that are ELBOs', () => {
  it('finds the sigmoid weighting (decreasing in λ) an ELBO and uniform-t ε-MSE under the cosine schedule not', () => {
    const lambdas = Array.from({ length: 161 }, (_, i) => -10 + i / 8);
    const rows = elboWeightings(['vdmpp-sigmoid', 'eps-mse'], lambdas, { schedule: 'cosine' });
    expect(rows).toEqual([{ kind: 'vdmpp-sigmoid', elbo: true }, { kind: 'eps-mse', elbo: false }]);
  });
});
