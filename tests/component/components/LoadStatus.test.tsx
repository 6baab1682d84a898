import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoadStatus } from '../../../src/ui/components/LoadStatus';
import { useModelLoad } from '../../../src/ui/hooks/useModelLoad';
import type { RqaeModelStatus, RqaeModelTarget } from '../../../src/protocol';
import { FakeRqaeClient, status } from '../depth/fakeRqaeClient';

// useModelLoad asks the worker through getComputeClient only.
const fake = vi.hoisted(() => ({ worker: null as null | FakeRqaeClient }));
vi.mock('../../../src/compute/client', () => ({ getComputeClient: () => fake.worker!.client }));

let worker: FakeRqaeClient;
beforeEach(() => void (worker = fake.worker = new FakeRqaeClient()));
afterEach(cleanup);

const D4: RqaeModelTarget = { model: 'summed-d4', baseUrl: '/' };
const D8: RqaeModelTarget = { model: 'summed-d8', baseUrl: '/' };

function Loader({ target }: { target: RqaeModelTarget | null }) {
  const [loaded, setLoaded] = useState<RqaeModelStatus | null>(null);
  const { load, reload, cancel } = useModelLoad('rqae-load', target, (t) => t, { onResult: setLoaded });
  return (
    <>
      {loaded && <p data-testid="loaded">{loaded.model}</p>}
      <LoadStatus load={load} label="Loading the model" failed="The model could not load:" onRetry={reload} onCancel={cancel} testIds={{ progress: 'progress', error: 'error' }} />
    </>
  );
}

const flush = () => act(async () => {});

describe('loading a model with its status shown', () => {
  it('sends nothing without a target, then shows a named progress bar with the worker’s label until the model is in', async () => {
    worker.hold('rqae-load');
    const { rerender } = render(<Loader target={null} />);
    expect(worker.calls).toHaveLength(0);
    expect(screen.queryByRole('progressbar')).toBeNull();
    rerender(<Loader target={D4} />);
    const call = worker.last('rqae-load');
    expect(call.payload).toMatchObject({ model: 'summed-d4' });
    expect(screen.getByText('Starting…')).toBeTruthy();
    act(() => call.opts.onProgress?.(250, 1000, 'Downloading the held-out digits'));
    expect(screen.getByRole('progressbar', { name: 'Loading the model' }).getAttribute('value')).toBe('0.25');
    expect(screen.getByText('Downloading the held-out digits')).toBeTruthy();
    act(() => call.resolve(status('summed-d4')));
    await flush();
    expect(screen.getByTestId('loaded').textContent).toBe('summed-d4');
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('shows a failure as an alert with Try again, which asks the worker again', async () => {
    render(<Loader target={D4} />);
    await flush();
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toBe('The model could not load: rqae-load: not answered in this test Try again');
    worker.answer('rqae-load', () => status('summed-d4'));
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await flush();
    expect(worker.of('rqae-load')).toHaveLength(2);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByTestId('loaded').textContent).toBe('summed-d4');
  });

  it('cancels the running load when the target changes, and a cancelled load is no error', async () => {
    worker.hold('rqae-load');
    const { rerender } = render(<Loader target={D4} />);
    const first = worker.last('rqae-load');
    rerender(<Loader target={D8} />);
    await flush();
    expect(first.aborted).toBe(true);
    expect(worker.last('rqae-load').payload).toMatchObject({ model: 'summed-d8' });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('progressbar', { name: 'Loading the model' })).toBeTruthy();
  });

  it('cancels a load on request, says so, keeps the model loaded before, and Start again loads the new one', async () => {
    worker.answer('rqae-load', (c) => status(String(c.payload.model)));
    const { rerender } = render(<Loader target={D4} />);
    await flush();
    worker.hold('rqae-load');
    rerender(<Loader target={D8} />);
    const call = worker.last('rqae-load');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel: Loading the model' }));
    await flush();
    expect(call.aborted).toBe(true);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('status').textContent).toMatch(/^Cancelled\./);
    expect(screen.getByTestId('loaded').textContent).toBe('summed-d4');
    worker.answer('rqae-load', (c) => status(String(c.payload.model)));
    fireEvent.click(screen.getByRole('button', { name: 'Start again: Loading the model' }));
    await flush();
    expect(screen.getByTestId('loaded').textContent).toBe('summed-d8');
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('says about how long the load has left once there is an estimate', () => {
    const { rerender } = render(<LoadStatus load={{ working: true, progress: 0.1, label: 'Loading the weights…', error: null, etaSeconds: null }} label="Loading the model" failed="Failed:" />);
    expect(screen.queryByText(/left$/)).toBeNull();
    rerender(<LoadStatus load={{ working: true, progress: 0.4, label: 'Loading the weights…', error: null, etaSeconds: 12.3 }} label="Loading the model" failed="Failed:" />);
    expect(screen.getByText('about 12 s left')).toBeTruthy();
    expect(screen.getByText('Loading the weights…')).toBeTruthy();
  });

  it('offers no retry where none is given', () => {
    render(<LoadStatus load={{ working: false, progress: 0, label: '', error: 'busy' }} label="Measuring" failed="Measuring failed:" />);
    expect(screen.getByRole('alert').textContent).toBe('Measuring failed: busy');
    expect(screen.queryByRole('button')).toBeNull();
  });
});
