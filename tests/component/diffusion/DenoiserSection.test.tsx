import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PARAMETERIZATIONS, SAMPLER_KINDS, WEIGHTING_KINDS } from '../../../src/core/diffusion/kinds';
import { levelAt, levelLogSnr } from '../../../src/core/diffusion/levels';
import { discreteOf } from '../../../src/core/diffusion/schedules';
import { diffusionDefaults } from '../../../src/state/diffusionSlice';
import { appStore, useStore } from '../../../src/state/store';
import type { NoiseLevel } from '../../../src/protocol';
import { DenoiserSection } from '../../../src/ui/panels/diffusion/DenoiserSection';
import { digitStatus, FakeDenoiserClient, patchStatus, prediction, samples } from './fakeDenoiser';

const fake = vi.hoisted(() => ({ current: null as null | { client: unknown } }));
vi.mock('../../../src/compute/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/compute/client')>()),
  getComputeClient: () => fake.current!.client,
}));

// levelAt runs in every render of the views that follow t: counting its calls counts those renders.
vi.mock('../../../src/core/diffusion/levels', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/core/diffusion/levels')>();
  return { ...real, levelAt: vi.fn(real.levelAt) };
});

let worker: FakeDenoiserClient;
// The machine may be busy: give renders and the slider's settle time some room.
configure({ asyncUtilTimeout: 4000 });

beforeEach(() => {
  worker = new FakeDenoiserClient();
  fake.current = worker;
  // jsdom has no 2-D canvas: the pictures draw nothing, everything else is real.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  appStore.setState({ diffusion: { ...diffusionDefaults } });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const setView = (patch: Parameters<ReturnType<typeof appStore.getState>['setDiffusion']>[0]) => act(() => appStore.getState().setDiffusion(patch));

/** Renders the section, answers load (and predictions) with the digit model, and clicks Load. */
async function loaded(status = digitStatus()) {
  worker.answer('denoiser-load', () => status);
  worker.answer('denoiser-predict', () => prediction(status));
  render(<DenoiserSection />);
  fireEvent.click(screen.getByRole('button', { name: 'Load the denoiser' }));
  await screen.findByTestId('denoiser-readout');
  // The render that showed the model subscribed its sections to the store in effects that may still be pending;
  // flush them, so that a view set next is drawn at once.
  await act(async () => {});
}

describe('DenoiserSection before the models exist', () => {
  it('shows the worker’s error in place as an alert, retries on request, and the model choice keeps working', async () => {
    render(<DenoiserSection />);
    fireEvent.click(screen.getByRole('button', { name: 'Load the denoiser' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/digit U-Net denoiser could not load: denoiser-load: the denoisers are not available yet/);
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(worker.of('denoiser-load')).toHaveLength(2));

    // The U-Net is the default digit model (its samples read as their class more often); the MLP is one choice away.
    const select = screen.getByLabelText('Model') as HTMLSelectElement;
    expect(Array.from(select.options, (o) => o.value)).toEqual(['digits-unet', 'digits', 'patches']);
    expect(select.value).toBe('digits-unet');
    fireEvent.change(select, { target: { value: 'digits' } });
    await waitFor(() => expect(worker.last('denoiser-load').payload).toMatchObject({ model: 'digits' }));
    expect(await screen.findByText(/digit MLP denoiser could not load/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'patches' } });
    expect(appStore.getState().diffusion.denoiser).toBe('patches');
    await waitFor(() => expect(worker.last('denoiser-load').payload).toMatchObject({ model: 'patches' }));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', expect.stringMatching(/patch denoiser could not load/));
  });
});

describe('DenoiserSection with a model', () => {
  it('loads with a progress bar naming the phase, then shows size, source, backend and classifier accuracy', async () => {
    worker.hold('denoiser-load');
    render(<DenoiserSection />);
    fireEvent.click(screen.getByRole('button', { name: 'Load the denoiser' }));
    const call = worker.last('denoiser-load');
    expect(call.payload).toMatchObject({ model: 'digits-unet', baseUrl: expect.stringMatching(/\/$/) });
    act(() => call.opts.onProgress?.(1, 4, undefined, { phase: 'weights' } as never));
    expect(screen.getByRole('progressbar', { name: 'Loading the denoiser' }).getAttribute('value')).toBe('0.25');
    expect(screen.getByText('Loading the weights…')).toBeTruthy();
    worker.answer('denoiser-predict', () => prediction(digitStatus()));
    act(() => call.resolve(digitStatus()));
    const readout = await screen.findByTestId('denoiser-readout');
    expect(readout.textContent).toMatch(/123,456 parameters, the shipped pretrained weights \(20,000 training steps\), predicting ε, on cpu/);
    expect(readout.textContent).toMatch(/98\.7 % accurate/);
    expect(screen.queryByRole('progressbar', { name: 'Loading the denoiser' })).toBeNull();
  });

  it('draws the held-out loss over λ with the panel’s t marked, and moves the mark when t settles', async () => {
    await loaded();
    const figure = screen.getByTestId('figure-diffusion-denoiser-loss');
    expect(figure.querySelectorAll('svg g.series')).toHaveLength(2); // the loss, and the bins under guidance (w = 2)
    const mark = () => Number(figure.querySelector('svg .highlight')?.getAttribute('data-x'));
    const nearestBin = (t: number) => {
      const l = levelLogSnr(levelAt('cosine', t));
      return digitStatus().lambda.reduce((a, b) => (Math.abs(b - l) < Math.abs(a - l) ? b : a));
    };
    expect(mark()).toBeCloseTo(nearestBin(0.5), 9);
    setView({ t: 0.2 });
    await waitFor(() => expect(mark()).toBeCloseTo(nearestBin(0.2), 9));
    expect(screen.getByRole('button', { name: /Export “Held-out loss per noise level” as PNG/ })).toBeTruthy();
    expect(figure.querySelector('svg desc')?.textContent).toMatch(/50 equal bins of log-SNR/);
  });

  it('asks for x̂0 at the panel’s t once the slider settles (one request for a drag), and shows it with its MSE', async () => {
    await loaded();
    await waitFor(() => expect(worker.of('denoiser-predict')).toHaveLength(1));
    expect(worker.last('denoiser-predict').payload).toMatchObject({ model: 'digits-unet', heldout: 0, seed: 0, level: levelAt('cosine', 0.5) });
    expect(worker.last('denoiser-predict').payload).not.toHaveProperty('label'); // its own label
    expect((await screen.findByTestId('denoiser-predict-readout')).textContent).toMatch(/MSE of x̂₀ 0\.0123.*conditioned on its own label \(4\)/);

    for (const t of [0.6, 0.65, 0.7, 0.75, 0.8]) setView({ t });
    await waitFor(() => expect(worker.of('denoiser-predict')).toHaveLength(2));
    expect(worker.last('denoiser-predict').payload.level).toEqual(levelAt('cosine', 0.8));

    fireEvent.change(screen.getByLabelText('Condition on'), { target: { value: '10' } });
    await waitFor(() => expect(worker.last('denoiser-predict').payload).toMatchObject({ label: 10 }));
    fireEvent.change(screen.getByLabelText('Held-out digit'), { target: { value: '500' } });
    await waitFor(() => expect(worker.last('denoiser-predict').payload).toMatchObject({ heldout: 99 })); // clamped to the 100 held out
  });

  it('renders nothing of the denoiser while t is dragged in the panel, and follows once it settles', async () => {
    function PanelLike() {
      // A parent that re-renders on every t, as the panel's parts that follow t do (the panel itself does not).
      const t = useStore((st) => st.diffusion.t);
      return <div data-t={t}><DenoiserSection /></div>;
    }
    worker.answer('denoiser-load', () => digitStatus());
    worker.answer('denoiser-predict', () => prediction(digitStatus()));
    render(<PanelLike />);
    fireEvent.click(screen.getByRole('button', { name: 'Load the denoiser' }));
    await waitFor(() => expect(screen.getByTestId('denoiser-predict-readout').textContent).toMatch(/MSE/));
    const renders = vi.mocked(levelAt);
    // Wait until the views are quiet (the first prediction has been drawn and nothing more is pending).
    for (let quiet = false; !quiet;) {
      renders.mockClear();
      await new Promise((r) => setTimeout(r, 250));
      quiet = renders.mock.calls.length === 0;
    }
    for (let i = 1; i <= 20; i++) setView({ t: 0.5 + i / 100 });
    expect(renders).not.toHaveBeenCalled(); // 20 slider moves: no denoiser view rendered
    await waitFor(() => expect(renders.mock.calls.some((c) => c[1] === 0.7)).toBe(true));
    await waitFor(() => expect(worker.last('denoiser-predict').payload.level).toEqual(levelAt('cosine', 0.7)));
  });

  it('keeps levels the model never saw out of its request: rectified flow at t = 1 is sent at the edge of its λ range', async () => {
    setView({ schedule: 'rectified-flow', t: 1 });
    await loaded();
    await waitFor(() => expect(worker.of('denoiser-predict')).toHaveLength(1));
    const level = worker.last('denoiser-predict').payload.level as NoiseLevel;
    expect(levelLogSnr(level)).toBeCloseTo(-10, 9);
    expect((await screen.findByTestId('denoiser-predict-readout')).textContent).toMatch(/outside the range the model was measured on/);
  });

  it('predicts on the current image resized to 32×32 for the patch model', async () => {
    const image = { width: 64, height: 64, data: new Float32Array(64 * 64 * 3).fill(0.25) };
    act(() => appStore.setState((s) => ({ image: { ...s.image, working: image, workingHash: 'abc' } })));
    setView({ denoiser: 'patches' });
    await loaded(patchStatus());
    await waitFor(() => expect(worker.of('denoiser-predict')).toHaveLength(1));
    const pixels = worker.last('denoiser-predict').payload.pixels as Float32Array;
    expect(pixels).toHaveLength(32 * 32 * 3);
    expect(Math.max(...pixels.map((v) => Math.abs(v - 0.25)))).toBeLessThan(1e-6);
    expect(worker.last('denoiser-predict').payload).not.toHaveProperty('heldout');
  });

  it('samples with the panel’s schedule, the class and guidance on its interval, and shows classes, strip and time', async () => {
    await loaded();
    setView({ schedule: 'rectified-flow', sampleSteps: 10, sampleLabel: 7, guidance: 3, guidanceLo: 0.28, guidanceHi: 5.42, sampleCount: 4 });
    worker.hold('denoiser-sample');
    fireEvent.click(screen.getByRole('button', { name: 'Sample' }));
    const call = worker.last('denoiser-sample');
    const levels = call.payload.levels as NoiseLevel[];
    expect(levels).toHaveLength(11);
    expect(levels[10]).toEqual({ alpha: 1, sigma: 0 });
    expect(levelLogSnr(levels[0])).toBeCloseTo(-10, 6); // flow's t = 1 (λ = −∞) starts at the model's noisiest λ
    const middle = levelAt('rectified-flow', levelTOf(levels[0]) / 2); // evenly spaced in t
    expect(levels[5].alpha).toBeCloseTo(middle.alpha, 12);
    expect(levels[5].sigma).toBeCloseTo(middle.sigma, 12);
    expect(call.payload).toMatchObject({ sampler: 'ddim', seed: 0, count: 4, label: 7, guidance: 3, interval: [0.28, 5.42], stripCount: 8 });

    act(() => call.opts.onProgress?.(5, 10));
    expect(screen.getByRole('progressbar', { name: 'Sampling progress' }).getAttribute('value')).toBe('0.5');
    act(() => call.resolve(samples(digitStatus(), 4, 8, [7, 7, 1, 7])));
    const readout = await screen.findByTestId('denoiser-samples-readout');
    expect(readout.textContent).toMatch(/4 samples in 87 ms \(10 DDIM steps, seed 0, class 7, guidance 3\.0/);
    expect(readout.textContent).toMatch(/The classifier reads 3 of 4 as a 7/);
    expect(screen.getAllByTestId('denoiser-sample-class-readout').map((e) => e.textContent)).toEqual(['7 (99 %)', '7 (99 %)', '1 (99 %)', '7 (99 %)']);
    expect(within(screen.getByTestId('denoiser-strip')).getAllByRole('img')).toHaveLength(8);
    expect(screen.getByRole('button', { name: /Export “Samples” as PNG/ })).toBeTruthy();
  });

  it('says where sampling starts from pure noise although the level keeps signal: scaled-linear’s last step keeps α = 0.068', async () => {
    await loaded();
    setView({ schedule: 'scaled-linear' });
    // α of the schedule's last step, √ᾱ_999 (σ = √(1 − ᾱ_999), so α/√(α² + σ²) = √ᾱ_999).
    const alpha = Math.sqrt(discreteOf('scaled-linear').alphasCumprod[999]);
    expect(alpha.toFixed(3)).toBe('0.068');
    // Waited for: the section's store subscription is made in an effect of the render that showed the model, which
    // may still be pending when the readout appears; it then catches up with the schedule set meanwhile.
    await waitFor(() => expect(screen.getByTestId('denoiser-start-note').textContent).toBe(
      'Starts from pure noise; on Scaled linear (Stable Diffusion) the noisiest step still keeps α = 0.068 of the signal (no zero terminal SNR).',
    ));
    // Zero terminal SNR and flows end at α = 0, but sampling starts at the model's noisiest λ = −10 instead.
    for (const schedule of ['cosine-zsnr', 'rectified-flow'] as const) {
      setView({ schedule });
      expect(screen.getByTestId('denoiser-start-note').textContent).toBe(
        `Starts from pure noise at the model's noisiest trained level (λ = -10.0), where α = ${Math.sqrt(1 / (1 + Math.exp(10))).toFixed(3)} of the signal remains.`,
      );
    }
  });

  it('sends open guidance ends as 0 and ∞, and no guidance for unconditional samples', async () => {
    await loaded();
    worker.hold('denoiser-sample');
    fireEvent.click(screen.getByRole('button', { name: 'Sample' }));
    expect(worker.last('denoiser-sample').payload).toMatchObject({ label: 3, guidance: 2, interval: [0, Infinity] });
    setView({ sampleLabel: 10 });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Sample' })).toHaveProperty('disabled', false));
    fireEvent.click(screen.getByRole('button', { name: 'Sample' }));
    const payload = worker.last('denoiser-sample').payload;
    expect(payload.label).toBe(10);
    expect(payload).not.toHaveProperty('guidance');
    expect(payload).not.toHaveProperty('interval');
  });

  it('cancels a running sample and keeps the previous samples; a failed one is an alert and nothing is lost', async () => {
    await loaded();
    worker.answer('denoiser-sample', () => samples(digitStatus(), 9, 8, Array(9).fill(3)));
    fireEvent.click(screen.getByRole('button', { name: 'Sample' }));
    await screen.findByTestId('denoiser-samples-readout');
    worker.hold('denoiser-sample');
    fireEvent.click(screen.getByRole('button', { name: 'Sample' }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(worker.last('denoiser-sample').aborted).toBe(true);
    expect((await screen.findByTestId('denoiser-sample-error')).textContent).toMatch(/cancelled.*previous run/);
    expect(screen.getAllByTestId('denoiser-sample-class-readout')).toHaveLength(9);

    worker.handlers['denoiser-sample'] = (call) => queueMicrotask(() => call.reject(new Error('out of memory')));
    fireEvent.click(screen.getByRole('button', { name: 'Sample' }));
    await waitFor(() => expect(screen.getByTestId('denoiser-sample-error').textContent).toBe('Sampling failed: out of memory'));
    expect(screen.getByTestId('denoiser-sample-error').getAttribute('role')).toBe('alert');
    expect(screen.getAllByTestId('denoiser-sample-class-readout')).toHaveLength(9);
    expect(screen.getByTestId('denoiser-predict-readout').textContent).toMatch(/MSE/);
  });

  it('offers exactly the core lists of targets, weightings and samplers, in order', async () => {
    await loaded();
    const values = (testId: string) => Array.from((screen.getByTestId(testId) as HTMLSelectElement).options, (o) => o.value);
    expect(values('denoiser-train-target')).toEqual([...PARAMETERIZATIONS]);
    expect(values('denoiser-train-weighting')).toEqual([...WEIGHTING_KINDS]);
    expect(values('denoiser-sampler-select')).toEqual([...SAMPLER_KINDS]);
  });

  it('trains with the panel’s target, weighting and γ, shows the live loss and steps/s, and pauses', async () => {
    await loaded();
    setView({ target: 'v', weighting: 'min-snr', gamma: 4 });
    worker.hold('denoiser-train');
    fireEvent.change(screen.getByTestId('denoiser-train-steps'), { target: { value: '50' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    const call = worker.last('denoiser-train');
    expect(call.payload).toMatchObject({ model: 'digits-unet', steps: 50, batch: 32, parameterization: 'v', weighting: 'min-snr', gamma: 4 });
    expect(screen.getByText(/training it to output v re-purposes its output/)).toBeTruthy();
    for (let step = 1; step <= 3; step++) act(() => call.opts.onProgress?.(step, 50, undefined, { step, loss: 0.5 / step, stepsPerSecond: 4.2 } as never));
    // Drawn at most every TRAIN_VIEW_MS, with every step's loss.
    await waitFor(() => expect(screen.getByTestId('denoiser-train-readout').textContent).toBe('Step 3, loss 0.1667, 4.2 steps/s on cpu.'));
    expect(screen.getByTestId('figure-diffusion-denoiser-train-loss').querySelectorAll('svg circle.point')).toHaveLength(3);
    const loads = worker.of('denoiser-load').length;
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(call.aborted).toBe(true);
    await waitFor(() => expect(screen.getByTestId('denoiser-train-readout').textContent).toMatch(/\(paused\)\.$/));
    await waitFor(() => expect(worker.of('denoiser-load').length).toBe(loads + 1)); // re-measured after the run
  });

  it('after a reload, resumes the stored run with the target, weighting and γ it was trained with, its chart keeping the earlier steps', async () => {
    const stored = { step: 120, savedAt: '2026-12-05T10:00:00.000Z', batch: 16, settings: { parameterization: 'v' as const, weighting: 'min-snr' as const, gamma: 3 } };
    const earlier = Array.from({ length: 120 }, (_, i) => 1 / (i + 1));
    await loaded(digitStatus({ checkpoint: { stored, unavailable: null, note: null } }));
    setView({ target: 'eps', weighting: 'eps-mse', gamma: 5 });
    worker.answer('denoiser-resume', () => digitStatus({ losses: earlier, version: 2, parameterization: 'v', checkpoint: { stored, unavailable: null, note: null } }));
    worker.hold('denoiser-train');
    fireEvent.click(screen.getByRole('button', { name: 'Resume training from step 120' }));
    await waitFor(() => expect(worker.of('denoiser-train')).toHaveLength(1));
    expect(worker.last('denoiser-train').payload).toMatchObject({ model: 'digits-unet', batch: 16, parameterization: 'v', weighting: 'min-snr', gamma: 3 });
    act(() => worker.last('denoiser-train').opts.onProgress?.(1, 200, undefined, { step: 121, loss: 0.004, stepsPerSecond: 4 } as never));
    expect(screen.getByTestId('denoiser-train-readout').textContent).toBe('Step 121, loss 0.0040, 4.0 steps/s on cpu.');
    expect(screen.getByTestId('figure-diffusion-denoiser-train-loss').querySelector('svg')?.textContent).toMatch(/over 121 steps/);
  });

  it('resets, saves and forgets through the worker, with a message each, and shows a failure in place', async () => {
    await loaded();
    worker.answer('denoiser-save', () => digitStatus({ saved: true, version: 2 }));
    fireEvent.click(screen.getByRole('button', { name: 'Save in this browser' }));
    expect((await screen.findByTestId('denoiser-train-note')).textContent).toMatch(/Saved in this browser/);
    worker.answer('denoiser-forget', () => digitStatus({ saved: false, version: 2 }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete the saved copy' }));
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Delete the saved copy' })).toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect((await screen.findByTestId('denoiser-train-error')).textContent).toMatch(/^Reset failed: denoiser-reset: the denoisers are not available yet/);
  });
});

/** The t a rectified-flow level sits at (α = 1 − t). */
function levelTOf(level: NoiseLevel): number {
  return 1 - level.alpha;
}
