import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { TrainControls } from '../../../src/ui/components/TrainControls';
import { useTrainer, type ModelCommand, type TrainerNotes, type TrainRequestOptions, type TrainRun } from '../../../src/ui/hooks/useTrainer';

afterEach(cleanup);

type Status = { losses: number[]; saved: boolean };

/** A training request the test answers, reports progress on, or sees cancelled. */
interface Run {
  steps: number;
  batch: number;
  options: TrainRequestOptions;
  resolve(run: TrainRun): void;
  reject(e: unknown): void;
  aborted: boolean;
}

function setup(opts: { canSave?: boolean; saved?: boolean; notes?: TrainerNotes; command?: (kind: ModelCommand) => Promise<Status> } = {}) {
  const runs: Run[] = [];
  const train = (steps: number, batch: number, options: TrainRequestOptions) => new Promise<TrainRun>((resolve, reject) => {
    const run: Run = { steps, batch, options, resolve, reject, aborted: false };
    runs.push(run);
    options.signal.addEventListener('abort', () => {
      run.aborted = true;
      reject(new DOMException('The request was aborted', 'AbortError'));
    });
  });
  let stopped = 0;
  function Harness() {
    const [status, setStatus] = useState<Status>({ losses: [], saved: opts.saved ?? false });
    const trainer = useTrainer<Status>({
      modelKey: 'm', sessionLosses: status.losses, initialSteps: 100, train,
      command: opts.command ?? (() => Promise.reject(new Error('worker gone'))),
      onStatus: setStatus, onStopped: () => { stopped++; }, notes: opts.notes,
    });
    return (
      <TrainControls
        trainer={trainer} backend="wasm" canSave={opts.canSave ?? true} saved={status.saved} batchItem="digit" formatLoss={(v) => v.toFixed(3)}
        rateDigits={1} resetsTo="the shipped" testIds={{ steps: 'steps', train: 'train', pause: 'pause', reset: 'reset', save: 'save', readout: 'readout', note: 'note', error: 'error' }}
      />
    );
  }
  render(<Harness />);
  return { runs, stopped: () => stopped };
}

const flush = () => act(async () => {});

describe('TrainControls', () => {
  it('turns Start training into Pause while a run goes, and Pause into Resume training; each is a focusable button', async () => {
    const { runs, stopped } = setup();
    const start = screen.getByRole('button', { name: 'Start training' });
    start.focus();
    expect(document.activeElement).toBe(start);
    fireEvent.change(screen.getByLabelText('Steps'), { target: { value: '50' } });
    fireEvent.change(screen.getByLabelText('Batch'), { target: { value: '16' } });
    fireEvent.click(start);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ steps: 50, batch: 16 });
    const pause = screen.getByRole('button', { name: 'Pause' });
    expect(pause.tabIndex).toBe(0);
    expect(screen.queryByRole('button', { name: /training/ })).toBeNull();
    expect(screen.getByLabelText('Steps')).toHaveProperty('disabled', true);
    expect(screen.getByRole('button', { name: 'Save in this browser' })).toHaveProperty('disabled', true);

    act(() => runs[0].options.onProgress(1, 50, 'Training', { loss: 0.5, stepsPerSecond: 2.25 }));
    fireEvent.click(pause);
    await flush();
    expect(runs[0].aborted).toBe(true);
    expect(stopped()).toBe(1);
    expect(screen.queryByRole('alert')).toBeNull(); // a pause is no error
    expect(screen.getByRole('button', { name: 'Resume training' }).hasAttribute('disabled')).toBe(false);
    expect(screen.getByTestId('readout').textContent).toBe('Step 1, loss 0.500, 2.3 steps/s on wasm (paused).');
  });

  it('reads out the untrained state, then each step’s loss and speed with the run’s progress', async () => {
    const { runs } = setup();
    expect(screen.getByTestId('readout').textContent).toBe('Not trained in this session. Training runs in the model worker on wasm; Reset returns to the shipped weights.');
    fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    for (let step = 1; step <= 3; step++) act(() => runs[0].options.onProgress(step, 100, 'Training', { loss: 1 / step, stepsPerSecond: 4 }));
    expect(screen.getByTestId('readout').textContent).toBe('Step 3, loss 0.333, 4.0 steps/s on wasm.');
    expect(screen.getByRole('progressbar', { name: 'Training progress' }).getAttribute('value')).toBe('3');
    act(() => runs[0].resolve({ losses: [1, 0.5, 0.333, 0.25], stepsPerSecond: 5 }));
    await flush();
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.getByTestId('readout').textContent).toBe('Step 4, loss 0.250, 5.0 steps/s on wasm (paused).');
  });

  it('shows a failed run and a failed command as alerts that say what failed', async () => {
    const { runs } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    act(() => runs[0].reject(new Error('out of memory')));
    await flush();
    expect(screen.getByRole('alert').textContent).toBe('Training stopped: out of memory');
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByTestId('readout').textContent).toBe('Reset…');
    await flush();
    expect(screen.getByRole('alert').textContent).toBe('Reset failed: worker gone');
    expect(screen.getByTestId('error').getAttribute('role')).toBe('alert');
  });

  it('after a run that diverged, shows the loss history the model went back to, not the steps it threw away', async () => {
    const { runs, stopped } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    for (let step = 1; step <= 3; step++) act(() => runs[0].options.onProgress(step, 100, 'Training', { loss: 1 / step, stepsPerSecond: 4 }));
    const why = 'the loss became NaN at step 4, so the weights of step 0 (the last checkpoint before it) were restored; the training up to there is kept';
    act(() => runs[0].reject(new Error(why)));
    await flush();
    expect(screen.getByRole('alert').textContent).toBe(`Training stopped: ${why}`);
    expect(stopped()).toBe(1); // the page re-reads the model's status, and with it the session's losses (none here)
    expect(screen.getByTestId('readout').textContent).toBe('Not trained in this session. Training runs in the model worker on wasm; Reset returns to the shipped weights.');
  });

  it('saves, then offers to delete the saved copy; models that cannot be saved offer neither', async () => {
    setup({ command: async (kind) => ({ losses: [], saved: kind === 'save' }) });
    expect(screen.queryByRole('button', { name: 'Delete the saved copy' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save in this browser' }));
    await flush();
    fireEvent.click(screen.getByRole('button', { name: 'Delete the saved copy' }));
    await flush();
    expect(screen.queryByRole('button', { name: 'Delete the saved copy' })).toBeNull();
    cleanup();
    setup({ canSave: false, saved: true });
    expect(screen.queryByRole('button', { name: 'Save in this browser' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete the saved copy' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Reset' })).toBeTruthy();
  });

  it('says what a pause and each command did, when given notes, and a reset cancels the run', async () => {
    const notes = { paused: 'Paused here.', reset: 'Back to the start.', save: 'Saved.', forget: 'Deleted.' };
    const { runs } = setup({ notes, command: async () => ({ losses: [], saved: false }) });
    fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await flush();
    expect(screen.getByRole('status').textContent).toBe('Paused here.');
    fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    await flush();
    expect(runs[1].aborted).toBe(true);
    expect(within(screen.getByTestId('note')).getByText('Back to the start.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Start training' })).toBeTruthy();
  });

  it('keeps the step count between 1 and 5000 and names the batch items', () => {
    setup();
    const steps = screen.getByLabelText('Steps');
    fireEvent.change(steps, { target: { value: '99999' } });
    expect(steps).toHaveProperty('value', '5000');
    fireEvent.change(steps, { target: { value: '0' } });
    expect(steps).toHaveProperty('value', '1');
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['8 digits', '16 digits', '32 digits', '64 digits']);
  });
});
