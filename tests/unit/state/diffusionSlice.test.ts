import { describe, expect, it } from 'vitest';
import { decodeSlice, encodeSlice } from '../../../src/state/codec';
import { diffusionDefaults, diffusionLink, GUIDANCE_SIGMA_RANGE, NULL_CLASS, OWN_LABEL, type DiffusionView } from '../../../src/state/diffusionSlice';
import { createAppStore } from '../../../src/state/store';

const decode = (query: string) => decodeSlice(diffusionLink, new URLSearchParams(query));
const roundTrip = (v: DiffusionView) => decode(new URLSearchParams(encodeSlice(diffusionLink, v)).toString());

describe('the denoiser’s view state in the link', () => {
  it('round-trips the model, held-out digit, classes, sampler, steps, seed, count, guidance and its interval', () => {
    const view: DiffusionView = {
      ...diffusionDefaults, denoiser: 'patches', heldout: 123, predictLabel: NULL_CLASS, sampler: 'ddpm', sampleSteps: 1000,
      sampleSeed: 2 ** 31 - 1, sampleCount: 1, sampleLabel: 0, guidance: 0, guidanceLo: 0.0024, guidanceHi: 63.1,
    };
    expect(roundTrip(view)).toEqual({ value: view, problems: [] });
    expect(roundTrip({ ...view, predictLabel: OWN_LABEL, sampleLabel: NULL_CLASS, guidance: 8 })).toEqual({
      value: { ...view, predictLabel: OWN_LABEL, sampleLabel: NULL_CLASS, guidance: 8 }, problems: [],
    });
  });

  it('uses the defaults, silently, when the link has none of these keys', () => {
    const { value, problems } = decode('t=0.5');
    expect(problems).toEqual([]);
    expect(value).toEqual({ ...diffusionDefaults, t: 0.5 });
    // Defaults a reader can check: 20 DDIM steps with guidance 2 (the quality floor), guidance on everywhere.
    expect(value).toMatchObject({ sampler: 'ddim', sampleSteps: 20, guidance: 2, guidanceLo: GUIDANCE_SIGMA_RANGE[0], guidanceHi: GUIDANCE_SIGMA_RANGE[1] });
  });

  it('whitelists names and counts, and clamps numbers into range with a note each', () => {
    const { value, problems } = decode('dnmodel=faces&dnsampler=heun&dncount=5&dnsteps=5000&dnguide=-3&dnclass=11&dnlabel=-7&dnheld=abc&dnseed=-1');
    expect(value).toMatchObject({
      denoiser: 'digits-unet', sampler: 'ddim', sampleCount: 9, sampleSteps: 1000, guidance: 0, sampleLabel: NULL_CLASS,
      predictLabel: OWN_LABEL, heldout: 0, sampleSeed: 0,
    });
    expect(problems).toHaveLength(9);
    expect(problems.join(' ')).toMatch(/dnsteps=5000.*1000/);
  });

  it('keeps the guidance interval within σ ∈ [0.002, 100] and puts swapped ends back in order', () => {
    const clamped = decode('dnglo=0.00001&dnghi=1e9');
    expect(clamped.value).toMatchObject({ guidanceLo: 0.002, guidanceHi: 100 });
    expect(clamped.problems).toHaveLength(2);
    const swapped = decode('dnglo=5.42&dnghi=0.28');
    expect(swapped.value).toMatchObject({ guidanceLo: 0.28, guidanceHi: 5.42 });
    expect(swapped.problems.join(' ')).toMatch(/backwards/);
  });

  it('setDiffusion changes only the denoiser keys it is given', () => {
    const store = createAppStore();
    store.getState().setDiffusion({ sampler: 'euler', sampleSteps: 10 });
    expect(store.getState().diffusion).toEqual({ ...diffusionDefaults, sampler: 'euler', sampleSteps: 10 });
  });
});
