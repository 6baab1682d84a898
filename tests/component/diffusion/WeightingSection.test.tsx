// The loss-weighting section follows its own controls: it reads them from the store itself (the panel around it does
// not render for them).
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { weightingCurve } from '../../../src/core/diffusion/weighting';
import { diffusionDefaults } from '../../../src/state/diffusionSlice';
import { chartData } from '../../../src/ui/charts/chartData';
import { appStore } from '../../../src/state/store';
import { scheduleSpec } from '../../../src/ui/panels/diffusion/diffusionData';
import { LAMBDAS } from '../../../src/ui/panels/diffusion/tParts';
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
  it('a γ change redraws the lines of the same weighting chart in place, on axes that hold every γ of the slider', async () => {
    const { chart } = setup();
    const before = chart();
    const yTicks = () => [...chart().querySelectorAll('.y-axis .tick text')].map((t) => t.textContent).join(' ');
    const ticks = yTicks();
    const path = (id: string) => chart().querySelector(`g.series[data-series="${id}"] path.line`)!.getAttribute('d')!;
    const w5 = path('w');
    const curveAt = (gamma: number) => weightingCurve('min-snr', LAMBDAS, { ...opts, schedule: spec, gamma, prediction: 'eps' });
    // The chart's table is the curve at the γ shown (rows: series, λ, weight).
    const wRows = () => chartData(chart())!.rows.filter((r) => r[0] === 'w = p·c·m').map((r) => Number(r[2]));
    const positive = (a: Float64Array) => [...a].filter((v) => v > 0);
    expect(wRows()).toEqual(positive(curveAt(5).w));
    // Every point of every line, at γ's two bounds, is inside the plot: the axes built once hold them all.
    const height = Number(chart().querySelector('rect.overlay')!.getAttribute('height'));
    const ys = () => ['p', 'cm', 'w'].flatMap((id) => [...path(id).matchAll(/[ML]([-\d.e]+),([-\d.e]+)/g)].map((m) => Number(m[2])));
    for (const gamma of [6, 20, 1]) {
      fireEvent.change(screen.getByTestId('gamma-slider'), { target: { value: String(gamma) } });
      await waitFor(() => expect(appStore.getState().diffusion.gamma).toBe(gamma)); // committed on the next frame (coalesce)
      expect(chart()).toBe(before); // not built again: the lines moved
      expect(yTicks()).toBe(ticks);
      expect(wRows()).toEqual(positive(curveAt(gamma).w));
      for (const y of ys()) {
        expect(y).toBeGreaterThanOrEqual(-1e-6);
        expect(y).toBeLessThanOrEqual(height + 1e-6);
      }
    }
    expect(path('w')).not.toBe(w5); // min(SNR, γ) caps the weight at another level
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
