// The loss-weighting section follows its own controls: it reads them from the store itself (the panel around it does
// not render for them).
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diffusionDefaults } from '../../../src/state/diffusionSlice';
import { appStore } from '../../../src/state/store';
import { scheduleSpec } from '../../../src/ui/panels/diffusion/diffusionData';
import { WeightingSection } from '../../../src/ui/panels/diffusion/WeightingSection';

beforeEach(() => appStore.setState({ diffusion: { ...diffusionDefaults, weighting: 'min-snr', gamma: 5, target: 'eps' } }));
afterEach(cleanup);

const spec = scheduleSpec({ schedule: 'cosine', points: diffusionDefaults.points });
const opts = { shift: 3 };
const params = { img: 'astronaut', size: 128, sched: 'cosine', seed: 0 };

function setup() {
  render(<WeightingSection spec={spec} opts={opts} params={params} />);
  const chart = () => screen.getByTestId('figure-diffusion-weighting').querySelector('svg')!;
  return { chart };
}

describe('WeightingSection', () => {
  it('a γ change redraws the weighting chart with the weight capped at the new γ', async () => {
    const { chart } = setup();
    const before = chart();
    const path = (svg: SVGSVGElement) => svg.querySelector('g.series[data-series="w"] path.line')!.getAttribute('d');
    fireEvent.change(screen.getByTestId('gamma-slider'), { target: { value: '6' } });
    await waitFor(() => expect(appStore.getState().diffusion.gamma).toBe(6)); // committed on the next frame (coalesce)
    expect(chart()).not.toBe(before);
    expect(path(chart())).not.toBe(path(before)); // min(SNR, γ) caps the weight at another level
  });

  it('says whether the weighting is ELBO-equivalent, and offers γ and the prediction only for Min-SNR', () => {
    setup();
    const badge = () => screen.getByTestId('elbo-badge').textContent;
    act(() => appStore.getState().setDiffusion({ weighting: 'velocity-mse' }));
    expect(badge()).toMatch(/^ELBO-equivalent/);
    expect(screen.queryByRole('slider', { name: /^γ/ })).toBeNull();
    act(() => appStore.getState().setDiffusion({ weighting: 'edm' }));
    expect(badge()).toMatch(/^Not ELBO-equivalent/);
    act(() => appStore.getState().setDiffusion({ weighting: 'min-snr' }));
    expect(screen.getByRole('slider', { name: /^γ/ })).toBeTruthy();
    expect(screen.getByRole('combobox', { name: 'Prediction' })).toBeTruthy();
  });
});
