// The Diffusion panel's real denoiser (tfjs, in the model worker): chosen here (digits or natural patches),
// loaded on request with a progress bar, then shown as its held-out loss per noise level (the sub-task
// difficulty profile, with the panel's t and the guidance interval on it), its x̂0 at the panel's t, sampling
// and training here. Every number comes from the worker; a failed request says so in place and the rest of the
// panel keeps working.
import { memo, useCallback, useId, useMemo, useState } from 'react';
import { levelAt, levelLogSnr } from '../../../core/diffusion/levels';
import { DENOISER_MODELS, NULL_CLASS, type DenoiserModel } from '../../../state/diffusionSlice';
import { appStore, useStore } from '../../../state/store';
import { ChartFigure } from '../../components/Figure';
import { LoadStatus } from '../../components/LoadStatus';
import { useModelLoad } from '../../hooks/useModelLoad';
import { publicBase } from '../../../compute/requests';
import { isDigitDenoiser, type DenoiserId, type DenoiserLoadProgress, type DenoiserSource, type DenoiserStatus, type DenoiserTarget } from '../../../protocol';
import { lossProfileChart } from './denoiserCharts';
import { fmtPercent, guidanceInterval, PARAMETERIZATION_LABELS } from './denoiserData';
import { scheduleSpec } from './diffusionData';
import { PredictView } from './PredictView';
import { QualitySection } from './QualitySection';
import { SamplerSection } from './SamplerSection';
import { TrainSection } from './TrainSection';
import { useOnceSettled } from '../../hooks/rates';
import { SelectField } from '../../components/SelectField';

export const MODEL_LABELS: Record<DenoiserModel, string> = {
  'digits-unet': 'MNIST digits, 28×28, class-conditional: convolutional U-Net',
  digits: 'MNIST digits, 28×28, class-conditional: residual MLP (faster per step, speckled samples)',
  patches: 'natural-image patches, 32×32 RGB, unconditional',
};
const MODEL_SHORT: Record<DenoiserId, string> = { 'digits-unet': 'digit U-Net', digits: 'digit MLP', 'digits-early': 'early-checkpoint digit', patches: 'patch' };
const SOURCE_TEXT: Record<DenoiserSource, string> = {
  shipped: 'the shipped pretrained weights',
  indexeddb: 'the weights you saved in this browser',
  fresh: 'fresh, untrained weights',
};
const PHASE_TEXT: Record<DenoiserLoadProgress['phase'], string> = {
  backend: 'Starting the compute backend…',
  data: 'Loading the held-out data…',
  weights: 'Loading the weights…',
  evaluating: 'Measuring the held-out loss per noise level…',
};

/** A load's progress reply: the phase's own text where the worker names one; without a total the bar stays. */
const phaseProgress = (done: number, total: number, label: string | undefined, data: DenoiserLoadProgress | undefined) =>
  ({ fraction: total > 0 ? done / total : undefined, label: data ? PHASE_TEXT[data.phase] : label });

/**
 * Memoized, and without props: the panel's own controls (schedule, seed, weighting, …) re-render the panel, and
 * nothing here needs that. A t move re-renders neither (only the panel's parts that follow t, tParts.tsx); the
 * views here follow t once it settles (useOnceSettled).
 */
export const DenoiserSection = memo(function DenoiserSection() {
  const model = useStore((s) => s.diffusion.denoiser);
  const { setDiffusion } = appStore.getState();
  const ids = { heading: useId() };
  const [requested, setRequested] = useState(false);
  const [statuses, setStatuses] = useState<Partial<Record<DenoiserModel, DenoiserStatus>>>({});
  const status = statuses[model] ?? null;
  const target: DenoiserTarget = useMemo(() => ({ model, baseUrl: publicBase() }), [model]);
  const onStatus = useCallback((s: DenoiserStatus) => setStatuses((m) => ({ ...m, [s.model]: s })), []);
  // reload re-reads the status (after training, or to retry).
  const { load, reload, cancel: cancelLoad } = useModelLoad('denoiser-load', requested ? target : null, (t) => t, { onResult: onStatus, readProgress: phaseProgress });

  return (
    <section className="model-section" aria-labelledby={ids.heading} data-testid="denoiser">
      <h3 id={ids.heading} className="subhead">A real denoiser</h3>
      <p className="hint">
        A small network (tfjs, in the model worker) trained to undo this noise: it sees x_t scaled to unit variance and
        its log-SNR λ, so every schedule above drives the same network. Its held-out loss per λ shows how hard each
        denoising sub-task is; it predicts x̂₀ at the panel's t, samples with DDPM, DDIM or an Euler flow sampler
        (digits: with classifier-free guidance), and can be trained further here.
      </p>
      <div className="button-row">
        <SelectField label="Model" value={model} choices={DENOISER_MODELS} format={(m) => MODEL_LABELS[m]} testId="denoiser-model" onChange={(denoiser) => setDiffusion({ denoiser })} />
        {!requested && <button type="button" data-testid="denoiser-load" onClick={() => setRequested(true)}>Load the denoiser</button>}
      </div>
      <LoadStatus
        load={load} label="Loading the denoiser" failed={`The ${MODEL_SHORT[model]} denoiser could not load:`} onRetry={reload} onCancel={cancelLoad} announce
        testIds={{ progress: 'denoiser-progress', error: 'denoiser-error' }}
      />
      {status && (
        <>
          <StatusReadout status={status} />
          <LossProfile status={status} />
          <PredictView key={`predict-${model}`} status={status} target={target} />
          <SamplerSection key={`sample-${model}`} status={status} target={target} />
          {status.classes > 0 && <QualitySection key={`quality-${model}`} status={status} target={target} name={MODEL_SHORT[model]} />}
          <TrainSection key={`train-${model}`} status={status} target={target} onStatus={onStatus} onTrained={reload} />
        </>
      )}
    </section>
  );
});

function StatusReadout({ status }: { status: DenoiserStatus }) {
  return (
    <p className="readout" data-testid="denoiser-readout">
      {status.paramCount.toLocaleString('en')} parameters, {SOURCE_TEXT[status.source]}
      {status.trainedSteps !== null ? ` (${status.trainedSteps.toLocaleString('en')} training steps)` : ''}, predicting {PARAMETERIZATION_LABELS[status.parameterization]}, on {status.backend || 'tfjs'}.
      {' '}Measured on {status.heldoutCount} held-out {isDigitDenoiser(status.model) ? 'digits' : 'patches'}.
      {status.classifierAccuracy !== null ? ` The digit classifier that judges samples is ${fmtPercent(status.classifierAccuracy, 1)} accurate on held-out digits.` : ''}
      {status.saved && status.source !== 'indexeddb' ? ' A copy you saved earlier is in this browser.' : ''}
    </p>
  );
}

/** The loss profile follows the t slider (settled) and the guidance controls. */
function LossProfile({ status }: { status: DenoiserStatus }) {
  const at = useOnceSettled((s) => ({ t: s.diffusion.t, schedule: s.diffusion.schedule, shift: s.diffusion.shift, points: s.diffusion.points }));
  const guidance = useStore((s) => s.diffusion.guidance);
  const lo = useStore((s) => s.diffusion.guidanceLo);
  const hi = useStore((s) => s.diffusion.guidanceHi);
  const label = useStore((s) => s.diffusion.sampleLabel);
  const guided = isDigitDenoiser(status.model) && guidance !== 1 && label !== NULL_CLASS;
  const lambda = levelLogSnr(levelAt(scheduleSpec(at), at.t, { shift: at.shift }));
  const chart = useMemo(
    () => (status.lambda.length > 0
      ? lossProfileChart(status.lambda, status.loss, { currentLambda: lambda, interval: guided ? guidanceInterval(lo, hi) : null, what: MODEL_SHORT[status.model] })
      : null),
    [status, lambda, guided, lo, hi],
  );
  return (
    <ChartFigure
      id="diffusion-denoiser-loss"
      title="Held-out loss per noise level"
      chart={chart}
      name={{ panel: 'diffusion', what: 'denoiser-loss', params: { model: status.model, v: status.version, t: at.t.toFixed(3), sched: at.schedule } }}
    />
  );
}
