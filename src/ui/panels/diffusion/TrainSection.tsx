// "Train here": more Adam steps on the denoiser in the model worker, with the panel's training target
// (parameterization), loss weighting and γ — the same selectors as the weighting explorer above, so what is
// plotted there is what trains here. Live loss chart, steps/s, pause/resume (cancel keeps the worker's state),
// reset to the shipped weights, save in this browser and delete the saved copy.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/shallow';
import { TARGETS, WEIGHTINGS, type Target, type Weighting } from '../../../state/diffusionSlice';
import { appStore, useStore } from '../../../state/store';
import { ChartFigure } from '../../components/Figure';
import { Slider } from '../../components/Slider';
import { getComputeClient } from '../../../workers/client';
import type { DenoiserStatus, DenoiserTarget } from '../../../workers/protocol';
import { trainingLossChart } from './denoiserCharts';
import { PARAMETERIZATION_LABELS, parameterizationOf, weightingOf } from './denoiserData';
import { fmtNum } from './diffusionData';
import { isAbort, message } from './DenoiserSection';

const WEIGHTING_SHORT: Record<Weighting, string> = {
  'eps-mse': 'ε-MSE', 'x0-mse': 'x₀-MSE', 'v-mse': 'v-MSE', 'velocity-mse': 'velocity-MSE', 'min-snr': 'Min-SNR-γ',
  edm: 'EDM', 'sd3-logit-normal': 'SD3 logit-normal', 'vdmpp-sigmoid': 'VDM++ sigmoid',
};
const BATCHES = [8, 16, 32, 64] as const;

type Live = { losses: number[]; stepsPerSecond: number | null };

interface TrainProps {
  status: DenoiserStatus;
  target: DenoiserTarget;
  /** A new status from reset, save or forget. */
  onStatus(s: DenoiserStatus): void;
  /** A run stopped: the weights changed, re-read the status (loss profile, version). */
  onTrained(): void;
}

export function TrainSection({ status, target, onStatus, onTrained }: TrainProps) {
  const sel = useStore(useShallow((s) => ({ target: s.diffusion.target, weighting: s.diffusion.weighting, gamma: s.diffusion.gamma })));
  const { setDiffusion } = appStore.getState();
  const ids = { target: useId(), weighting: useId(), steps: useId(), batch: useId() };
  const [steps, setSteps] = useState(200);
  const [batch, setBatch] = useState(32);
  const [training, setTraining] = useState(false);
  const [live, setLive] = useState<Live | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  // Leaving (another model, or the panel closing) pauses: the worker keeps the state for a later resume.
  useEffect(() => () => abort.current?.abort(), []);

  const sessionLosses = status.losses;
  const losses = training || (live && live.losses.length > sessionLosses.length) ? (live?.losses ?? sessionLosses) : sessionLosses;
  const chart = useMemo(() => (losses.length > 0 ? trainingLossChart(losses, status.model === 'digits' ? 'digit denoiser' : 'patch denoiser') : null), [losses, status.model]);
  const latest = losses.length > 0 ? losses[losses.length - 1] : null;
  const runDone = training && live ? live.losses.length - sessionLosses.length : 0;
  const repurposed = sel.target !== status.parameterization;

  function onTrain() {
    if (training) return;
    const controller = new AbortController();
    abort.current = controller;
    setTraining(true);
    setError(null);
    setNote(null);
    setLive({ losses: [...sessionLosses], stepsPerSecond: null });
    const v = appStore.getState().diffusion;
    getComputeClient()
      .request('denoiser-train', {
        ...target, steps, batch, parameterization: parameterizationOf(v.target), weighting: weightingOf(v.weighting),
        ...(v.weighting === 'min-snr' ? { gamma: v.gamma } : {}),
      }, {
        signal: controller.signal,
        onProgress: (_done, _total, _label, data) => {
          if (data) setLive((l) => ({ losses: [...(l?.losses ?? []), data.loss], stepsPerSecond: data.stepsPerSecond }));
        },
      })
      .then(
        (r) => setLive({ losses: r.losses, stepsPerSecond: r.stepsPerSecond }),
        (e) => {
          if (isAbort(e)) setNote('Paused: Resume continues from here (weights, optimizer state and losses are kept).');
          else setError(`Training stopped: ${message(e)}`);
        },
      )
      .finally(() => {
        if (abort.current !== controller) return;
        abort.current = null;
        setTraining(false);
        onTrained();
      });
  }

  async function act(kind: 'denoiser-reset' | 'denoiser-save' | 'denoiser-forget', what: string, done: string) {
    if (kind === 'denoiser-reset') abort.current?.abort();
    setBusy(what);
    setError(null);
    setNote(null);
    try {
      onStatus(await getComputeClient().request(kind, target));
      if (kind === 'denoiser-reset') setLive(null);
      setNote(done);
    } catch (e) {
      if (!isAbort(e)) setError(`${what} failed: ${message(e)}`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div data-testid="denoiser-train">
      <h4 className="subhead">Train it here</h4>
      <div className="controls">
        <div className="field">
          <label htmlFor={ids.target}>Target (what the network outputs)</label>
          <select id={ids.target} value={sel.target} disabled={training} data-testid="denoiser-train-target" onChange={(e) => setDiffusion({ target: e.currentTarget.value as Target })}>
            {TARGETS.map((t) => <option key={t} value={t}>{PARAMETERIZATION_LABELS[t]}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.weighting}>Loss weighting</label>
          <select id={ids.weighting} value={sel.weighting} disabled={training} data-testid="denoiser-train-weighting" onChange={(e) => setDiffusion({ weighting: e.currentTarget.value as Weighting })}>
            {WEIGHTINGS.map((w) => <option key={w} value={w}>{WEIGHTING_SHORT[w]}</option>)}
          </select>
        </div>
        {sel.weighting === 'min-snr' && <Slider label="Min-SNR γ" value={sel.gamma} min={1} max={20} onChange={(g) => setDiffusion({ gamma: g })} />}
      </div>
      <p className="hint">
        The same target and weighting as the weighting chart above.
        {repurposed ? ` This network outputs ${PARAMETERIZATION_LABELS[status.parameterization]}; training it to output ${PARAMETERIZATION_LABELS[sel.target]} re-purposes its output, so the loss starts high.` : ''}
      </p>
      <div className="button-row">
        <label htmlFor={ids.steps}>Steps</label>
        <input id={ids.steps} type="number" className="seed" min={1} max={5000} value={steps} disabled={training} data-testid="denoiser-train-steps"
          onChange={(e) => setSteps(Math.min(5000, Math.max(1, Math.floor(Number(e.currentTarget.value) || 1))))} />
        <label htmlFor={ids.batch}>Batch</label>
        <select id={ids.batch} value={batch} disabled={training} onChange={(e) => setBatch(Number(e.currentTarget.value))}>
          {BATCHES.map((b) => <option key={b} value={b}>{b}</option>)}
        </select>
      </div>
      <div className="button-row">
        {training
          ? <button type="button" data-testid="denoiser-pause" onClick={() => abort.current?.abort()}>Pause</button>
          : <button type="button" data-testid="denoiser-train-start" onClick={onTrain} disabled={busy !== null}>{losses.length > 0 ? 'Resume training' : 'Start training'}</button>}
        <button type="button" data-testid="denoiser-reset" onClick={() => void act('denoiser-reset', 'Reset', 'Back to the shipped weights; training done here is forgotten.')} disabled={busy !== null}>Reset</button>
        <button type="button" data-testid="denoiser-save" onClick={() => void act('denoiser-save', 'Saving', 'Saved in this browser: later loads start from these weights.')} disabled={busy !== null || training}>Save in this browser</button>
        {status.saved && (
          <button type="button" data-testid="denoiser-forget" onClick={() => void act('denoiser-forget', 'Deleting the saved copy', 'The saved copy is deleted; the weights in memory stay until you reset or reload.')} disabled={busy !== null}>Delete the saved copy</button>
        )}
      </div>
      {training && <progress value={runDone} max={steps} aria-label="Training progress" data-testid="denoiser-train-progress" />}
      <p className="readout" data-testid="denoiser-train-readout" aria-live="polite">
        {busy ? `${busy}…` : losses.length === 0
          ? `Not trained in this session. Training runs in the model worker on ${status.backend || 'tfjs'}; Reset returns to ${status.source === 'fresh' ? 'fresh' : 'the shipped'} weights.`
          : `Step ${losses.length}, loss ${fmtNum(latest ?? NaN, 4)}${live?.stepsPerSecond ? `, ${live.stepsPerSecond.toFixed(1)} steps/s on ${status.backend || 'tfjs'}` : ''}${training ? '' : ' (paused)'}.`}
      </p>
      {note && <p className="hint" role="status" data-testid="denoiser-train-note">{note}</p>}
      {error && <p className="error-text" role="alert" data-testid="denoiser-train-error">{error}</p>}
      {chart && (
        <ChartFigure id="diffusion-denoiser-train-loss" title="Training loss" chart={chart} name={{ panel: 'diffusion', what: 'denoiser-train-loss', params: { model: status.model, target: sel.target, weight: sel.weighting, steps: losses.length } }} />
      )}
    </div>
  );
}
