import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TrainControls } from '../../../src/ui/components/TrainControls';
import { TRAIN_VIEW_MS, useTrainer, type ModelCommand, type TrainerNotes, type TrainRequestOptions, type TrainRun } from '../../../src/ui/hooks/useTrainer';
import { appStore } from '../../../src/state/store';
import type { CheckpointInfo, CheckpointStatus } from '../../../src/protocol';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

type Status = { losses: number[]; saved: boolean; checkpoint?: CheckpointStatus };

/** A training request the test answers, reports progress on, or sees cancelled. */
interface Run {
  steps: number;
  batch: number;
  options: TrainRequestOptions;
  resolve(run: TrainRun): void;
  reject(e: unknown): void;
  aborted: boolean;
}

function setup(opts: {
  canSave?: boolean; saved?: boolean; notes?: TrainerNotes; command?: (kind: ModelCommand) => Promise<Status>; checkpoint?: CheckpointStatus;
  onResumed?: (info: CheckpointInfo) => void;
} = {}) {
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
    const [status, setStatus] = useState<Status>({ losses: [], saved: opts.saved ?? false, checkpoint: opts.checkpoint });
    const trainer = useTrainer<Status>({
      modelKey: 'm', sessionLosses: status.losses, initialSteps: 100, train,
      command: opts.command ?? (() => Promise.reject(new Error('worker gone'))),
      onStatus: setStatus, onStopped: () => { stopped++; }, notes: opts.notes, checkpoint: status.checkpoint, onResumed: opts.onResumed,
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
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { runs } = setup();
    expect(screen.getByTestId('readout').textContent).toBe('Not trained in this session. Training runs in the model worker on wasm; Reset returns to the shipped weights.');
    fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
    for (let step = 1; step <= 3; step++) act(() => runs[0].options.onProgress(step, 100, 'Training', { loss: 1 / step, stepsPerSecond: 4 }));
    // The section is drawn at most once per TRAIN_VIEW_MS: the first step at once, the next two together after it.
    expect(screen.getByTestId('readout').textContent).toBe('Step 1, loss 1.000, 4.0 steps/s on wasm.');
    act(() => vi.advanceTimersByTime(TRAIN_VIEW_MS));
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

  it('asks the browser to keep a saved copy and says whether it agreed (granted, refused, failed, not askable)', async () => {
    const storage = Object.getOwnPropertyDescriptor(navigator, 'storage');
    const answers: { persist?: () => Promise<boolean>; says: RegExp }[] = [
      { persist: async () => true, says: /Saved\. The browser agreed to keep it until you delete it \(persistent storage granted\)\.$/ },
      { persist: async () => false, says: /did not grant persistent storage: it may clear the copy when space runs low\.$/ },
      { persist: () => Promise.reject(new Error('not allowed')), says: /did not grant persistent storage/ },
      { says: /This browser cannot be asked to keep it: it may clear it when space runs low\.$/ },
    ];
    try {
      for (const { persist, says } of answers) {
        const asked = { count: 0 };
        Object.defineProperty(navigator, 'storage', { configurable: true, value: persist ? { persist: () => (asked.count++, persist()) } : {} });
        setup({ notes: { paused: 'Paused.', reset: 'Reset.', save: 'Saved.', forget: 'Deleted.' }, command: async (kind) => ({ losses: [], saved: kind === 'save' }) });
        fireEvent.click(screen.getByRole('button', { name: 'Save in this browser' }));
        await flush();
        expect(screen.getByTestId('note').textContent).toMatch(says);
        expect(asked.count).toBe(persist ? 1 : 0);
        cleanup();
      }
    } finally {
      if (storage) Object.defineProperty(navigator, 'storage', storage);
      else delete (navigator as { storage?: unknown }).storage;
    }
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

  describe('a training run stored in this browser by an earlier visit', () => {
    const stored: CheckpointInfo = { step: 340, savedAt: '2026-12-05T10:42:00.000Z', batch: 16, settings: { weighting: 'min-snr' } };
    const earlier = Array.from({ length: 340 }, (_, i) => 1 / (i + 1));

    it('is offered as "Resume training from step 340", which puts it back and continues the same curve with its batch and settings', async () => {
      const asked: ModelCommand[] = [];
      const resumed: CheckpointInfo[] = [];
      const { runs } = setup({
        checkpoint: { stored, unavailable: null, note: null },
        command: async (kind) => {
          asked.push(kind);
          return { losses: earlier, saved: false, checkpoint: { stored, unavailable: null, note: null } };
        },
        onResumed: (info) => resumed.push(info),
      });
      const resume = screen.getByRole('button', { name: /^Resume/ });
      expect(resume.textContent).toBe('Resume training from step 340');
      expect(screen.getByRole('group', { name: 'Training run stored in this browser' }).textContent).toMatch(/stored in this browser, at step 340 \(.*, batch 16\)/);
      resume.focus();
      expect(document.activeElement).toBe(resume);
      fireEvent.click(resume);
      await flush();
      expect(asked).toEqual(['resume']);
      expect(resumed).toEqual([stored]);
      expect(runs).toHaveLength(1);
      expect(runs[0].batch).toBe(16);
      expect(screen.getByLabelText('Batch')).toHaveProperty('value', '16');
      // The run goes on from step 340: its first new step is step 341, the earlier losses stay.
      act(() => runs[0].options.onProgress(1, 100, 'Training', { loss: 0.002, stepsPerSecond: 4, checkpointStep: 340 }));
      expect(screen.getByTestId('readout').textContent).toBe('Step 341, loss 0.002, 4.0 steps/s on wasm. Stored in this browser at step 340.');
      expect(screen.queryByRole('button', { name: /^Resume training from/ })).toBeNull();
    });

    it('can be discarded instead, and is not offered once this visit has trained', async () => {
      const asked: ModelCommand[] = [];
      setup({
        checkpoint: { stored, unavailable: null, note: null },
        command: async (kind) => {
          asked.push(kind);
          return { losses: [], saved: false, checkpoint: { stored: null, unavailable: null, note: null } };
        },
      });
      fireEvent.click(screen.getByRole('button', { name: 'Discard the stored run' }));
      await flush();
      expect(asked).toEqual(['discard']);
      expect(screen.queryByRole('button', { name: /^Resume/ })).toBeNull();
      expect(screen.getByRole('status').textContent).toBe('The stored training run is deleted.');
      cleanup();

      const { runs } = setup({ checkpoint: { stored, unavailable: null, note: null } });
      fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
      act(() => runs[0].options.onProgress(1, 100, 'Training', { loss: 0.5, stepsPerSecond: 4 }));
      fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
      await flush();
      expect(screen.getByRole('button', { name: 'Resume training' })).toBeTruthy();
      expect(screen.queryByRole('button', { name: /^Resume training from/ })).toBeNull();
    });

    it('that no longer fits is not offered; the message says so, and a full storage during a run says the checkpoint was not saved', () => {
      const note = 'The training run stored in this browser (step 340) no longer fits this model (codebook is 128×8 in the model, 129×8 in the stored run); it was deleted, and the model keeps the weights it loaded.';
      const { runs } = setup({ checkpoint: { stored: null, unavailable: null, note } });
      expect(screen.queryByRole('button', { name: /^Resume training from/ })).toBeNull();
      expect(screen.getByRole('status').textContent).toBe(note);
      fireEvent.click(screen.getByRole('button', { name: 'Start training' }));
      const full = 'The checkpoint of step 50 was not saved: this site’s storage is full. Training goes on.';
      act(() => runs[0].options.onProgress(1, 100, 'Training', { loss: 0.5, stepsPerSecond: 4, checkpointError: full }));
      expect(screen.getByRole('status').textContent).toBe(full);
      expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy();
    });

    it('where storage is unavailable, nothing is offered and one notice says so, however many sections find out', () => {
      const unavailable = 'This browser does not let the app store data (a private window): training works, but a run cannot be resumed after a reload.';
      setup({ checkpoint: { stored: null, unavailable, note: null } });
      setup({ checkpoint: { stored: null, unavailable, note: null } });
      expect(screen.queryByRole('button', { name: /^Resume training from/ })).toBeNull();
      const notices = appStore.getState().ui.notices.filter((n) => n.text === unavailable);
      expect(notices).toHaveLength(1);
      appStore.getState().dismiss(notices[0].id);
      cleanup();
      setup({ checkpoint: { stored: null, unavailable, note: null } });
      expect(appStore.getState().ui.notices.filter((n) => n.text === unavailable)).toHaveLength(0);
    });
  });
});
