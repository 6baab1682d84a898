import { useId, type ReactNode } from 'react';
import type { Trainer } from '../hooks/useTrainer';
import { TimeLeft } from './TimeLeft';
import { SelectField } from './SelectField';

const BATCHES = [8, 16, 32, 64] as const;
const MAX_STEPS = 5000;

export interface TrainTestIds {
  steps: string;
  train: string;
  pause: string;
  reset: string;
  save: string;
  forget?: string;
  progress?: string;
  readout: string;
  note?: string;
  error: string;
}

interface TrainControlsProps {
  trainer: Trainer;
  /** The backend the model worker runs on ('' before it is known). */
  backend: string;
  /** Offers saving in this browser and deleting the saved copy. */
  canSave: boolean;
  /** This browser holds a saved copy. */
  saved: boolean;
  /** What a batch holds ('digit' → "32 digits"); the bare number without it. */
  batchItem?: string;
  /** The latest loss in the readout. */
  formatLoss(loss: number): string;
  /** Decimals of the steps/s in the readout. */
  rateDigits: number;
  /** The weights Reset returns to ('fresh', 'the shipped'). */
  resetsTo: string;
  /** Follows the backend in the untrained readout (", on random crops of the current image"). */
  trainsOn?: string;
  /** Ends the untrained readout (" Crop models live for this session only."). */
  untrainedNote?: string;
  testIds: TrainTestIds;
  /** Between the heading and the controls: what training does here, its own settings. */
  children?: ReactNode;
}

/** A stored run's time as the readout says it ("5 Dec, 10:42"). */
const savedAtText = (iso: string) => new Date(iso).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/**
 * "Train it here": steps and batch, start / pause / resume, reset, save and delete the saved copy, the run's
 * progress and time left, a readout of the latest loss and speed, a note and the error (an alert). A run stored
 * in this browser by an earlier visit is offered for resuming (or discarding) until this session trains.
 */
export function TrainControls(props: TrainControlsProps) {
  const { trainer: t, canSave, batchItem, testIds } = props;
  const ids = { steps: useId() };
  const backend = props.backend || 'tfjs';
  const latest = t.losses.length > 0 ? t.losses[t.losses.length - 1] : NaN;
  return (
    <>
      <h4 className="subhead">Train it here</h4>
      {props.children}
      <div className="button-row">
        <label htmlFor={ids.steps}>Steps</label>
        <input id={ids.steps} type="number" className="seed" min={1} max={MAX_STEPS} value={t.steps} disabled={t.training} data-testid={testIds.steps}
          onChange={(e) => t.setSteps(Math.min(MAX_STEPS, Math.max(1, Math.floor(Number(e.currentTarget.value) || 1))))} />
        <SelectField label="Batch" value={t.batch} choices={BATCHES} format={(b) => (batchItem ? `${b} ${batchItem}s` : b)} disabled={t.training} onChange={t.setBatch} />
      </div>
      {t.resumable && (
        <div className="button-row" role="group" aria-label="Training run stored in this browser">
          <p className="hint">
            A training run of this model is stored in this browser, at step {t.resumable.step} ({savedAtText(t.resumable.savedAt)}, batch {t.resumable.batch}).
          </p>
          <button type="button" onClick={() => void t.resume()} disabled={t.busy !== null}>Resume training from step {t.resumable.step}</button>
          <button type="button" onClick={() => void t.run('discard')} disabled={t.busy !== null}>Discard the stored run</button>
        </div>
      )}
      <div className="button-row">
        {t.training
          ? <button type="button" data-testid={testIds.pause} onClick={t.pause}>Pause</button>
          : <button type="button" data-testid={testIds.train} onClick={t.start} disabled={t.busy !== null}>{t.losses.length > 0 ? 'Resume training' : 'Start training'}</button>}
        <button type="button" data-testid={testIds.reset} onClick={() => void t.run('reset')} disabled={t.busy !== null}>Reset</button>
        {canSave && (
          <button type="button" data-testid={testIds.save} onClick={() => void t.run('save')} disabled={t.busy !== null || t.training}>Save in this browser</button>
        )}
        {canSave && props.saved && (
          <button type="button" data-testid={testIds.forget} onClick={() => void t.run('forget')} disabled={t.busy !== null}>Delete the saved copy</button>
        )}
      </div>
      {t.training && <progress value={t.runDone} max={t.steps} aria-label="Training progress" data-testid={testIds.progress} />}
      {t.training && <TimeLeft seconds={t.etaSeconds} />}
      <p className="readout" data-testid={testIds.readout} aria-live="polite">
        {t.busy ? `${t.busy}…` : t.losses.length === 0
          ? `Not trained in this session. Training runs in the model worker on ${backend}${props.trainsOn ?? ''}; Reset returns to ${props.resetsTo} weights.${props.untrainedNote ?? ''}`
          : `Step ${t.losses.length}, loss ${props.formatLoss(latest)}${t.stepsPerSecond ? `, ${t.stepsPerSecond.toFixed(props.rateDigits)} steps/s on ${backend}` : ''}${t.training ? '' : ' (paused)'}.${t.checkpointStep !== null ? ` Stored in this browser at step ${t.checkpointStep}.` : ''}`}
      </p>
      {t.storageNote && <p className="hint" role="status">{t.storageNote}</p>}
      {t.note && <p className="hint" role="status" data-testid={testIds.note}>{t.note}</p>}
      {t.error && <p className="error-text" role="alert" data-testid={testIds.error}>{t.error}</p>}
    </>
  );
}
