// The Diffusion panel going back to a working image just left: x0 and ε made for it before are taken in the render
// of the change, so the panel is drawn in one commit (one frame), with the charts it showed for that image.
import { Profiler } from 'react';
import { act, cleanup, render, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pixelToModel } from '../../../src/core/conventions';
import { seededNoise } from '../../../src/core/diffusion/forward';
import { spectraForImage } from '../../../src/core/diffusion/spectrum';
import type { RgbImage } from '../../../src/core/image';
import { randomImage8 } from '../../randomImages';
import { appStore } from '../../../src/state/store';
import { DiffusionPanel } from '../../../src/ui/panels/diffusion/DiffusionPanel';
import { FakeRqaeClient } from '../depth/fakeRqaeClient';

const fake = vi.hoisted(() => ({ current: null as null | { client: unknown } }));
vi.mock('../../../src/compute/client', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/compute/client')>()),
  getComputeClient: () => fake.current!.client,
}));

let worker: FakeRqaeClient;
beforeEach(() => {
  worker = new FakeRqaeClient();
  fake.current = worker;
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
  worker.answer('diffusion-spectra', (c) => {
    const { data, width } = c.payload.image as { data: Float32Array; width: number };
    return spectraForImage(Float32Array.from(data, pixelToModel), seededNoise(data.length, c.payload.seed as number), width);
  });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('the Diffusion panel', { timeout: 30_000 }, () => {
  it('draws a working image just left again in one commit, with the target-scale chart it showed for it', async () => {
    const a = randomImage8(32, 32, 1), b = randomImage8(32, 32, 2);
    const show = (working: RgbImage, workingHash: string) => act(() => appStore.setState((s) => ({ image: { ...s.image, working, workingHash, size: 32, loading: false } })));
    let commits = 0;
    show(a, 'diffusion-a');
    render(<Profiler id="diffusion" onRender={() => void commits++}><DiffusionPanel /></Profiler>);
    const chart = () => document.querySelector('[data-testid="figure-diffusion-target-scale"] svg');
    await waitFor(() => expect(chart()).toBeTruthy());
    const first = chart();
    show(b, 'diffusion-b');
    await waitFor(() => expect(chart()).not.toBe(first));
    await act(async () => {}); // anything still pending for b lands
    commits = 0;
    show(a, 'diffusion-a');
    expect(chart()).toBe(first);
    expect(commits).toBe(1);
  });

  it('after going back to an image just left, a new seed never shows the other image’s pair while its own is made', async () => {
    const a = randomImage8(32, 32, 3), b = randomImage8(32, 32, 4);
    const show = (working: RgbImage, workingHash: string) => act(() => appStore.setState((s) => ({ image: { ...s.image, working, workingHash, size: 32, loading: false } })));
    const chart = () => document.querySelector('[data-testid="figure-diffusion-target-scale"] svg');
    const seen: (Element | null)[] = [];
    act(() => appStore.getState().setDiffusion({ seed: 5 }));
    show(a, 'diffusion-seed-a');
    render(<Profiler id="diffusion" onRender={() => void seen.push(chart())}><DiffusionPanel /></Profiler>);
    await waitFor(() => expect(chart()).toBeTruthy());
    const ofA = chart();
    show(b, 'diffusion-seed-b');
    await waitFor(() => expect(chart()).not.toBe(ofA));
    const ofB = chart();
    show(a, 'diffusion-seed-a');
    expect(chart()).toBe(ofA);
    seen.length = 0;
    act(() => appStore.getState().setDiffusion({ seed: 6 }));
    await waitFor(() => expect(chart()).not.toBe(ofA));
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).not.toContain(ofB); // every commit showed image a: its pair of the old seed, then of the new one
  });
});

