// Training the loaded RQ auto-encoder here, in the model worker: steps and batch, start / pause (cancels the
// request; the worker keeps weights, optimizer and loss history) / resume, reset to the shipped weights, save in
// this browser (later loads prefer it) and delete the saved copy; a live loss chart and steps/s.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { getComputeClient } from '../../../workers/client';
import type { RqaeModelStatus, RqaeModelTarget } from '../../../workers/protocol';
import { ChartFigure } from '../../components/Figure';
import { lossChart } from './learnedRqCharts';

const BATCHES = [8, 16, 32, 64] as const;

type Live = { key: string; losses: number[]; stepsPerSecond: number | null };

interface Props {
  status: RqaeModelStatus;
  /** The request target, made afresh per request (a crop model's carries a copy of the current image). */
  target: () => RqaeModelTarget;
  onTraining(training: boolean): void;
  onStatus(status: RqaeModelStatus): void;
  /** Re-reads the model's status (its held-out numbers after training). */
  onReload(): void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const isAbort = (e: unknown) => (e as Error)?.name === 'AbortError';

export function LearnedRQTrain({ status, target, onTraining, onStatus, onReload }: Props) {
  const [steps, setSteps] = useState(100);
  const [batch, setBatch] = useState<number>(32);
  const [training, setTraining] = useState(false);
  const [live, setLive] = useState<Live | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const ids = { steps: useId(), batch: useId() };
  const key = status.key;
  const crops = status.data === 'crops';
  const noun = crops ? 'crop' : 'digit';

  // Another model: pause this one's training (the worker keeps it for a later resume).
  useEffect(() => () => abortRef.current?.abort(), [key]);
  useEffect(() => onTraining(training), [training, onTraining]);

  const liveHere = live && live.key === key ? live : null;
  const losses = useMemo(
    () => ((training || (liveHere && liveHere.losses.length > status.losses.length)) ? liveHere?.losses : status.losses) ?? [],
    [training, liveHere, status.losses],
  );
  const chart = useMemo(() => (losses.length ? lossChart(losses) : null), [losses]);

  function onTrain() {
    if (training) return;
    const abort = new AbortController();
    abortRef.current = abort;
    setTraining(true);
    setError(null);
    const runKey = key;
    setLive({ key: runKey, losses: [...status.losses], stepsPerSecond: null });
    getComputeClient()
      .request('rqae-train', { ...target(), steps, batch }, {
        signal: abort.signal,
        onProgress: (_d, _t, _l, data) => {
          if (data) setLive((l) => ({ key: runKey, losses: [...(l?.losses ?? []), data.loss], stepsPerSecond: data.stepsPerSecond }));
        },
      })
      .then(
        (r) => setLive({ key: runKey, losses: r.losses, stepsPerSecond: r.stepsPerSecond }),
        (e) => {
          if (!isAbort(e)) setError(`Training stopped: ${message(e)}`);
        },
      )
      .finally(() => {
        if (abortRef.current !== abort) return;
        abortRef.current = null;
        setTraining(false);
        onReload(); // re-evaluate the trained weights on the held-out set
      });
  }

  async function act(kind: 'rqae-reset' | 'rqae-save' | 'rqae-forget', what: string) {
    if (kind === 'rqae-reset') abortRef.current?.abort();
    setBusy(what);
    setError(null);
    try {
      onStatus(await getComputeClient().request(kind, target()));
      if (kind === 'rqae-reset') setLive(null);
    } catch (e) {
      if (!isAbort(e)) setError(`${what} failed: ${message(e)}`);
    } finally {
      setBusy(null);
    }
  }

  const done = training && liveHere ? liveHere.losses.length - status.losses.length : 0;
  const latest = losses.length ? losses[losses.length - 1] : null;
  return (
    <>
      <h4 className="subhead">Train it here</h4>
      <p className="hint">
        {crops ? 'Trains the fresh crop model on random 32×32 crops of the current image' : 'Fine-tunes the loaded model on training digits'} with its own objective ({status.objective === 'summed' ? '(b), every depth decoded each step' : '(a), full depth only'}).
        {training ? ' The charts above show the weights from before this run; they update when it stops.' : ''}
      </p>
      <div className="button-row">
        <label htmlFor={ids.steps}>Steps</label>
        <input id={ids.steps} type="number" className="seed" min={1} max={5000} value={steps} disabled={training} data-testid="rqae-train-steps"
          onChange={(e) => setSteps(Math.min(5000, Math.max(1, Math.floor(Number(e.currentTarget.value) || 1))))} />
        <label htmlFor={ids.batch}>Batch</label>
        <select id={ids.batch} value={batch} disabled={training} onChange={(e) => setBatch(Number(e.currentTarget.value))}>
          {BATCHES.map((b) => <option key={b} value={b}>{b} {noun}s</option>)}
        </select>
      </div>
      <div className="button-row">
        {training ? (
          <button type="button" data-testid="rqae-pause" onClick={() => abortRef.current?.abort()}>Pause</button>
        ) : (
          <button type="button" data-testid="rqae-train" onClick={onTrain} disabled={busy !== null}>{losses.length > 0 ? 'Resume training' : 'Start training'}</button>
        )}
        <button type="button" data-testid="rqae-reset" onClick={() => void act('rqae-reset', 'Reset')} disabled={busy !== null}>Reset</button>
        {!crops && <button type="button" data-testid="rqae-save" onClick={() => void act('rqae-save', 'Saving')} disabled={busy !== null || training}>Save in this browser</button>}
        {!crops && status.saved && (
          <button type="button" onClick={() => void act('rqae-forget', 'Deleting the saved copy')} disabled={busy !== null}>Delete the saved copy</button>
        )}
      </div>
      {training && <progress value={done} max={steps} aria-label="Training progress" />}
      <p className="readout" data-testid="rqae-train-readout" aria-live="polite">
        {busy ? `${busy}…` : losses.length === 0
          ? `Not trained in this session. Training runs in the model worker on ${status.backend || 'tfjs'}; Reset returns to ${crops ? 'fresh' : 'the shipped'} weights.${crops ? ' Crop models live for this session only.' : ''}`
          : `Step ${losses.length}, loss ${(latest ?? NaN).toFixed(4)}${liveHere?.stepsPerSecond ? `, ${liveHere.stepsPerSecond.toFixed(2)} steps/s on ${status.backend || 'tfjs'}` : ''}${training ? '' : ' (paused)'}.`}
      </p>
      {error && <p className="error-text" role="alert" data-testid="rqae-action-error">{error}</p>}
      {chart && <ChartFigure id="rqae-loss" title="Training loss" chart={chart} name={{ panel: 'depth', what: 'rqae-loss', params: { model: status.model, steps: losses.length } }} />}
    </>
  );
}
