import { describe, expect, it } from 'vitest';
import { decodeView, encodeView } from '../../../src/state/hash';
import { depthDefaults } from '../../../src/state/depthSlice';
import { imageDefaults } from '../../../src/state/imageSlice';
import { patchDefaults, type PatchView } from '../../../src/state/patchSlice';
import { diffusionDefaults, type DiffusionView } from '../../../src/state/diffusionSlice';
import { labDefaults } from '../../../src/state/labSlice';
import { tourDefaults } from '../../../src/state/tourSlice';

const defaults = { image: imageDefaults, patch: patchDefaults, depth: depthDefaults, diffusion: diffusionDefaults, lab: labDefaults, tour: tourDefaults };

describe('view state in the URL hash', () => {
  it('round-trips every view parameter', () => {
    const patch: PatchView = { ordering: 'custom', patch: 8, step: 33, seed: 9, numbers: false, stat: 'linear', custom: [5, 0, 40, 1000] };
    const diffusion: DiffusionView = {
      t: 0.123, schedule: 'custom', shift: 2.5, seed: 4, target: 'v', weighting: 'edm', gamma: 3,
      points: [{ t: 0, logSnr: 8 }, { t: 0.4, logSnr: 1.25 }, { t: 1, logSnr: -9 }],
      denoiser: 'patches', heldout: 17, predictLabel: 10, sampler: 'euler', sampleSteps: 250, sampleSeed: 42, sampleCount: 16,
      sampleLabel: 7, guidance: 3.5, guidanceLo: 0.28, guidanceHi: 5.42,
    };
    const depth = { view: 'rq' as const, bits: 7, bitOrder: 'interleaved' as const, d: 2, space: 'rgb' as const, qstep: 9, patch: 8, K: 256, depth: 12 };
    const view = { image: { sampleId: 'coffee', size: 256 as const }, patch, depth, diffusion, lab: { ...labDefaults, noiseK: 5, noiseBatch: 128, noiseSeed: 77, patchModel: 'crops-raster' as const, patchGrouping: 'row-starts' as const, depthModel: 'full-d8', depthLr: 3e-4 }, tour: { claim: 'rq-non-monotone' as const } };
    const hash = encodeView(view);
    expect(hash).toContain('v=1');
    expect(decodeView(`#${hash}`)).toEqual({ view, problems: [] });
  });

  it('gives the defaults, silently, for an empty hash', () => {
    expect(decodeView('')).toEqual({ view: defaults, problems: [] });
  });

  it('clamps out-of-range numbers and says so', () => {
    const { view, problems } = decodeView('v=1&img=cat&bits=99&size=128');
    expect(view.depth.bits).toBe(8);
    expect(view.image.sampleId).toBe('cat');
    expect(problems.join(' ')).toMatch(/bits=99/);
  });

  it('whitelists sizes and names', () => {
    const { view, problems } = decodeView('v=1&size=100&img=<script>&bits=abc');
    expect(view.image.size).toBe(128);
    expect(view.image.sampleId).toBe(imageDefaults.sampleId);
    expect(view.depth.bits).toBe(depthDefaults.bits);
    expect(problems).toHaveLength(3);
  });

  it('clamps diffusion time and shift, and sorts custom schedule points', () => {
    const { view, problems } = decodeView('v=1&t=1.7&shift=0.2&sched=custom&pts=1:-5_0:30_x:1');
    expect(view.diffusion.t).toBe(1);
    expect(view.diffusion.shift).toBe(1);
    expect(view.diffusion.points).toEqual([{ t: 0, logSnr: 20 }, { t: 1, logSnr: -5 }]);
    expect(problems).toHaveLength(3);
  });

  it('drops invalid or repeated painted cells with a note', () => {
    const { view, problems } = decodeView('v=1&order=custom&cells=5.5.zz.-1.!');
    expect(view.patch.custom).toEqual([5, 35 * 36 + 35]);
    expect(problems).toHaveLength(1);
  });

  it('falls back to defaults with a notice for a future version', () => {
    const { view, problems } = decodeView('v=2&bits=3');
    expect(view).toEqual(defaults);
    expect(problems[0]).toMatch(/newer version/);
  });

  it('falls back to defaults for garbage without a version', () => {
    const { view, problems } = decodeView('#%%%garbage');
    expect(view).toEqual(defaults);
    expect(problems).toHaveLength(1);
  });
});
