import { describe, expect, it } from 'vitest';
import { GUIDANCE_SIGMA_RANGE } from '../../../src/state/diffusionSlice';
import { lambdaRangeOfInterval, lossProfileChart, trainingLossChart } from '../../../src/ui/panels/diffusion/denoiserCharts';
import {
  batchCount, guidanceInterval, modelImage, modelLogSnrRange, positionOfSigma, pureNoiseStartNote, sigmaOfPosition, SIGMA_POSITIONS, STEP_CHOICES,
  stepChoiceIndex,
} from '../../../src/ui/panels/diffusion/denoiserData';
import { LAMBDA_BINS } from './fakeDenoiser';

describe('denoiser images', () => {
  it('shows a grey image as equal RGB, each pixel repeated scale × scale times, with a gain', () => {
    const batch = new Float32Array([0, 0.25, 0.5, 1, /* second image */ 0.1, 0.2, 0.3, 0.4]);
    const img = modelImage(batch, 2, 1, 1, 3, 2);
    expect([img.width, img.height]).toEqual([6, 6]);
    const at = (x: number, y: number) => Array.from(img.data.subarray((y * 6 + x) * 3, (y * 6 + x) * 3 + 3));
    expect(at(0, 0).map((v) => +v.toFixed(6))).toEqual([0.2, 0.2, 0.2]);
    expect(at(2, 2).map((v) => +v.toFixed(6))).toEqual([0.2, 0.2, 0.2]);
    expect(at(5, 5).map((v) => +v.toFixed(6))).toEqual([0.8, 0.8, 0.8]);
    expect(batchCount(batch, 2, 1)).toBe(2);
  });

  it('keeps RGB channels apart', () => {
    const img = modelImage(new Float32Array([0.1, 0.2, 0.3]), 1, 3, 0, 1);
    expect(Array.from(img.data).map((v) => +v.toFixed(6))).toEqual([0.1, 0.2, 0.3]);
  });
});

describe('guidance interval sliders', () => {
  it('are log-spaced in σ over [0.002, 100] and round-trip positions', () => {
    expect(sigmaOfPosition(0)).toBe(GUIDANCE_SIGMA_RANGE[0]);
    expect(sigmaOfPosition(SIGMA_POSITIONS)).toBe(GUIDANCE_SIGMA_RANGE[1]);
    expect(sigmaOfPosition(SIGMA_POSITIONS / 2)).toBeCloseTo(Math.sqrt(0.002 * 100), 2); // geometric middle ≈ 0.447
    for (let p = 0; p <= SIGMA_POSITIONS; p++) expect(positionOfSigma(sigmaOfPosition(p))).toBe(p);
  });

  it('send the slider ends as open bounds (0 and ∞) and other values as they are', () => {
    expect(guidanceInterval(GUIDANCE_SIGMA_RANGE[0], GUIDANCE_SIGMA_RANGE[1])).toEqual([0, Infinity]);
    expect(guidanceInterval(0.28, 5.42)).toEqual([0.28, 5.42]);
  });

  it('cover λ = −2 ln σ: σ ∈ [0.28, 5.42] is λ ∈ [−3.38, 2.55], open ends are ±∞', () => {
    const [l0, l1] = lambdaRangeOfInterval([0.28, 5.42]);
    expect(l0).toBeCloseTo(-2 * Math.log(5.42), 12);
    expect(l1).toBeCloseTo(-2 * Math.log(0.28), 12);
    expect(lambdaRangeOfInterval([0, Infinity])).toEqual([-Infinity, Infinity]);
  });
});

describe('step choices, model range and protocol names', () => {
  it('offers 1 to 1000 steps and finds the nearest choice for any count from a link', () => {
    expect(STEP_CHOICES[0]).toBe(1);
    expect(STEP_CHOICES[STEP_CHOICES.length - 1]).toBe(1000);
    expect(STEP_CHOICES[stepChoiceIndex(10)]).toBe(10);
    expect(STEP_CHOICES[stepChoiceIndex(9)]).toBe(10); // nearest in log steps: 9 is nearer 10 than 8
    expect(STEP_CHOICES[stepChoiceIndex(11)]).toBe(12);
    expect(STEP_CHOICES[stepChoiceIndex(999)]).toBe(1000);
  });

  it('reads the λ range the model was measured on from its bin centres (equal bins)', () => {
    const [lo, hi] = modelLogSnrRange({ lambda: LAMBDA_BINS })!;
    expect(lo).toBeCloseTo(-10, 12);
    expect(hi).toBeCloseTo(10, 12);
    expect(modelLogSnrRange({ lambda: [0] })).toBeNull();
  });
});

describe('denoiser charts', () => {
  const loss = LAMBDA_BINS.map((l) => Math.exp(-l / 4));

  it('draw the loss profile on a log axis, the guided bins over it, and the current λ at the nearest bin', () => {
    const svg = lossProfileChart(LAMBDA_BINS, loss, { currentLambda: 0.3, interval: [0.28, 5.42], what: 'digit' });
    const series = Array.from(svg.querySelectorAll('g.series')).map((g) => g.getAttribute('data-series'));
    expect(series).toEqual(['loss', 'guided']);
    expect(Number(svg.querySelector('.highlight')?.getAttribute('data-x'))).toBeCloseTo(0.2, 9); // nearest bin centre
    expect(svg.querySelectorAll('line.marker')).toHaveLength(2);
    const inside = LAMBDA_BINS.filter((l) => l >= -2 * Math.log(5.42) && l <= -2 * Math.log(0.28)).length;
    expect(svg.querySelector('desc')?.textContent).toContain(`(${inside} of 50 bins)`);
    expect(svg.querySelector('title')?.textContent).toBe('Held-out loss per noise level, digit');
  });

  it('mark the nearest end when the panel’s λ lies outside the measured range, and leave guidance out when off', () => {
    const svg = lossProfileChart(LAMBDA_BINS, loss, { currentLambda: -Infinity, interval: null, what: 'patch' });
    expect(svg.querySelector('.highlight')).toBeNull(); // λ = −∞ has no place on the axis
    const far = lossProfileChart(LAMBDA_BINS, loss, { currentLambda: -30, interval: null, what: 'patch' });
    expect(Number(far.querySelector('.highlight')?.getAttribute('data-x'))).toBeCloseTo(LAMBDA_BINS[0], 9);
    expect(far.querySelector('desc')?.textContent).toMatch(/outside the measured range.*Guidance is off/);
    expect(far.querySelectorAll('g.series')).toHaveLength(1);
  });

  it('draw the training loss, bin-averaged past 300 steps', () => {
    const svg = trainingLossChart(Array.from({ length: 1000 }, (_, i) => 1 / (i + 1)), 'digit denoiser');
    expect(svg.querySelector('desc')?.textContent).toMatch(/over 1000 steps in this session, averaged in bins/);
  });
});

describe('pureNoiseStartNote', () => {
  const end = (alpha: number, sigma: number) => ({ alpha, sigma });
  it('is null where the first level keeps no signal (zero terminal SNR, flows at t = 1)', () => {
    expect(pureNoiseStartNote(end(0, 1), end(0, 1), 'Rectified flow')).toBeNull();
  });
  it('gives the signal fraction α/√(α² + σ²) the schedule’s noisiest step keeps (EDM σ_max = 80: 1/√6401)', () => {
    expect(pureNoiseStartNote(end(1, 80), end(1, 80), 'EDM (Karras et al.)')).toBe(
      'Starts from pure noise; on EDM (Karras et al.) the noisiest step still keeps α = 0.012 of the signal (no zero terminal SNR).',
    );
  });
  it('names the model’s noisiest trained level where sampling starts there instead', () => {
    const a = Math.sqrt(1 / (1 + Math.exp(8)));
    expect(pureNoiseStartNote(end(a, Math.sqrt(1 - a * a)), end(0, 1), 'Rectified flow')).toBe(
      'Starts from pure noise at the model\'s noisiest trained level (λ = -8.0), where α = 0.018 of the signal remains.',
    );
  });
});
