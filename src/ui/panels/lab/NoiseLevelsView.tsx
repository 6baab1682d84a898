// The lab's first view: how much the noise levels of the shipped digit denoiser conflict. The user picks K, the
// batch of held-out digits and the noise seed (all in the link) and asks the model worker for the matrix; a
// progress bar counts the levels (with the time left), Cancel stops it, a failure is shown in place and the last
// matrix stays.
import { useId, useMemo } from 'react';
import { useShallow } from 'zustand/shallow';
import { LAB_BATCHES, LAB_K_RANGE, LAB_SEED_MAX, type LabView } from '../../../state/labSlice';
import { appStore, useStore } from '../../../state/store';
import type { DenoiserCosineProgress, DenoiserNoiseCosines } from '../../../protocol';
import { ChartFigure } from '../../components/Figure';
import { Slider } from '../../components/Slider';
import { TimeLeft } from '../../components/TimeLeft';
import { publicBase } from '../../../compute/requests';
import { useWorkerAction, type ReadProgress } from '../../hooks/useWorkerAction';
import { conflictText, cosineHeatmap, fmtSeconds, noiseText, normChart } from './labCharts';

const PHASE_TEXT: Record<Exclude<DenoiserCosineProgress['phase'], 'gradients'>, string> = {
  backend: 'Starting the compute backend…',
  data: 'Loading the held-out digits…',
  weights: 'Loading the denoiser…',
  evaluating: 'Loading the denoiser…',
};

/** The bar counts the gradients only: the loading before them shows at 0. */
const readProgress: ReadProgress<DenoiserCosineProgress> = (done, total, _label, data) => (data?.phase === 'gradients'
  ? { fraction: total > 0 ? done / total : 0, label: `Gradient of noise level ${done} of ${total}` }
  : { fraction: 0, label: data ? PHASE_TEXT[data.phase] : 'Loading the denoiser…' });

/** A message as a sentence: with a full stop unless it ends in one. */
const sentence = (m: string) => (/[.!?]$/.test(m) ? m : `${m}.`);

const sameView = (a: LabView, b: LabView) => a.k === b.k && a.batch === b.batch && a.seed === b.seed;

export function NoiseLevelsView() {
  const view = useStore(useShallow((s) => ({ k: s.lab.k, batch: s.lab.batch, seed: s.lab.seed })));
  const { setLab } = appStore.getState();
  const ids = { heading: useId(), batch: useId(), seed: useId() };
  const matrix = useWorkerAction('denoiser-noise-cosines');
  const { result, progress } = matrix;

  function onCompute() {
    void matrix.run({ model: 'digits', baseUrl: publicBase(), ...appStore.getState().lab }, { label: 'Starting…', read: readProgress });
  }

  const busy = progress !== null;
  const previous = result ? ' The matrix shown is the previous one.' : '';
  const error = matrix.status === 'error' ? `The matrix could not be computed: ${sentence(matrix.error ?? '')}${previous}` : null;
  const note = matrix.status === 'cancelled' ? (result ? 'Cancelled; the matrix shown is the previous one.' : 'Cancelled.') : null;
  const stale = result !== null && !sameView(result, view);
  return (
    <section className="lab-view" aria-labelledby={ids.heading} data-testid="lab-noise">
      <h3 id={ids.heading} className="subhead">Noise levels (digit denoiser)</h3>
      <p className="hint lab-lead">
        A diffusion model learns to denoise at every noise level λ (log signal-to-noise ratio) with one shared network:
        each level is a sub-task. Each cell of the matrix is the cosine between the gradients of two levels' losses over
        all the network's weights: 1 = the two gradients point the same way (a small step that lowers one loss lowers
        the other too, by an amount that scales with the other gradient's norm), 0 = unrelated (orthogonal),
        negative = the levels pull the shared weights apart (conflict). A positive per-level loss weight (e.g. Min-SNR)
        scales a level's gradient, so it changes the norms below but not a single cosine.
      </p>
      <div className="lab-controls">
        <Slider
          label="Noise levels K" value={view.k} min={LAB_K_RANGE[0]} max={LAB_K_RANGE[1]} onChange={(k) => setLab({ k })}
          format={(k) => `${k} (equal bins of λ from −10 to 10)`} testId="lab-k"
        />
        <div className="button-row">
          <label htmlFor={ids.batch}>Held-out digits</label>
          <select id={ids.batch} value={view.batch} data-testid="lab-batch" onChange={(e) => setLab({ batch: Number(e.currentTarget.value) })}>
            {LAB_BATCHES.map((b) => <option key={b} value={b}>{b}</option>)}
          </select>
          <label htmlFor={ids.seed}>Noise seed</label>
          <input
            id={ids.seed} type="number" className="seed" min={0} max={LAB_SEED_MAX} step={1} value={view.seed} data-testid="lab-seed"
            onChange={(e) => setLab({ seed: Math.max(0, Math.min(LAB_SEED_MAX, Math.floor(Number(e.currentTarget.value) || 0))) })}
          />
        </div>
        <div className="button-row">
          <button type="button" data-testid="lab-compute" onClick={onCompute} disabled={busy}>{busy ? 'Computing…' : 'Compute matrix'}</button>
          {busy && <button type="button" data-testid="lab-cancel" onClick={matrix.cancel}>Cancel</button>}
        </div>
        {busy && (
          <div className="model-progress">
            <progress value={progress.fraction} max={1} aria-label="Computing the matrix" data-testid="lab-progress" />
            <span className="hint" aria-live="polite" data-testid="lab-progress-label">{progress.label}</span>
            <TimeLeft seconds={progress.etaSeconds} testId="lab-time-left" />
          </div>
        )}
      </div>
      {error && <p className="error-text" role="alert" data-testid="lab-error">{error}</p>}
      {note && <p className="hint" role="status" data-testid="lab-note">{note}</p>}
      {result && <Results result={result} stale={stale} />}
    </section>
  );
}

function Results({ result, stale }: { result: DenoiserNoiseCosines; stale: boolean }) {
  const heatmap = useMemo(() => cosineHeatmap(result), [result]);
  const norms = useMemo(() => normChart(result), [result]);
  const params = { model: result.model, k: result.k, batch: result.batch, seed: result.seed };
  return (
    <div data-testid="lab-results">
      <p className="readout" data-testid="lab-measured">
        The shipped digit denoiser ({result.paramCount.toLocaleString('en')} weights) on the first {result.batch} held-out
        digits, noise seed {result.seed}: {result.k} gradients in {fmtSeconds(result.milliseconds)} on {result.backend || 'tfjs'}.
        {stale && <strong> The settings above have changed since: press Compute matrix to measure them.</strong>}
      </p>
      <div className="lab-figures">
        <ChartFigure id="lab-noise-cosines" title="Gradient cosines between noise levels" chart={heatmap} name={{ panel: 'lab', what: 'noise-cosines', params }} />
        <ChartFigure id="lab-noise-norms" title="Gradient norm per noise level" chart={norms} name={{ panel: 'lab', what: 'noise-norms', params }} />
      </div>
      <p className="readout" data-testid="lab-readout">{conflictText(result)}</p>
      <p className="readout" data-testid="lab-noise-readout">{noiseText(result)}</p>
    </div>
  );
}
