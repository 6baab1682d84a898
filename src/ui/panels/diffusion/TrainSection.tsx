// "Train here": more Adam steps on the denoiser in the model worker, with the panel's training target
// (parameterization), loss weighting and γ — the same selectors as the weighting explorer above, so what is
// plotted there is what trains here. Live loss chart, steps/s, pause/resume (cancel keeps the worker's state),
// reset to the shipped weights, save in this browser and delete the saved copy.
import { useMemo } from 'react';
import { useShallow } from 'zustand/shallow';
import { PARAMETERIZATIONS, WEIGHTING_KINDS } from '../../../core/diffusion/kinds';
import { MIN_SNR_GAMMA_RANGE, type Weighting } from '../../../state/diffusionSlice';
import { appStore, useStore } from '../../../state/store';
import { ChartFigure } from '../../components/Figure';
import { Slider } from '../../components/Slider';
import { TrainControls } from '../../components/TrainControls';
import { useTrainer, type TrainerNotes } from '../../hooks/useTrainer';
import { getComputeClient } from '../../../compute/client';
import { isDigitDenoiser, type DenoiserRunSettings, type DenoiserStatus, type DenoiserTarget } from '../../../protocol';
import { trainingLossChart } from './denoiserCharts';
import { PARAMETERIZATION_LABELS } from './denoiserData';
import { fmtNum } from './diffusionData';
import { SelectField } from '../../components/SelectField';

const WEIGHTING_SHORT: Record<Weighting, string> = {
  'eps-mse': 'ε-MSE', 'x0-mse': 'x₀-MSE', 'v-mse': 'v-MSE', 'velocity-mse': 'velocity-MSE', 'min-snr': 'Min-SNR-γ',
  edm: 'EDM', 'sd3-logit-normal': 'SD3 logit-normal', 'vdmpp-sigmoid': 'VDM++ sigmoid',
};
const NOTES: TrainerNotes = {
  paused: 'Paused: Resume continues from here (weights, optimizer state and losses are kept).',
  reset: 'Back to the shipped weights; training done here is forgotten.',
  save: 'Saved in this browser: later loads start from these weights.',
  forget: 'The saved copy is deleted; the weights in memory stay until you reset or reload.',
};
const TEST_IDS = {
  steps: 'denoiser-train-steps', train: 'denoiser-train-start', pause: 'denoiser-pause', reset: 'denoiser-reset', save: 'denoiser-save',
  forget: 'denoiser-forget', progress: 'denoiser-train-progress', readout: 'denoiser-train-readout', note: 'denoiser-train-note', error: 'denoiser-train-error',
};
const formatLoss = (v: number) => fmtNum(v, 4);

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
  // Mounted per model: leaving it (another model, or the panel closing) pauses the run.
  const trainer = useTrainer({
    modelKey: status.model,
    sessionLosses: status.losses,
    initialSteps: 200,
    train: (steps, batch, options) => {
      const v = appStore.getState().diffusion;
      return getComputeClient().request('denoiser-train', {
        ...target, steps, batch, parameterization: v.target, weighting: v.weighting,
        ...(v.weighting === 'min-snr' ? { gamma: v.gamma } : {}),
      }, options);
    },
    command: (kind) => getComputeClient().request(`denoiser-${kind}`, target),
    onStatus,
    onStopped: onTrained,
    notes: NOTES,
    checkpoint: status.checkpoint,
    // A resumed run goes on with the target and weighting it was trained with.
    onResumed: (info) => {
      const s = info.settings as Partial<DenoiserRunSettings>;
      setDiffusion({
        ...(s.parameterization ? { target: s.parameterization } : {}), ...(s.weighting ? { weighting: s.weighting } : {}), ...(s.gamma !== undefined ? { gamma: s.gamma } : {}),
      });
    },
  });
  const { losses, training } = trainer;
  const chart = useMemo(() => (losses.length > 0 ? trainingLossChart(losses, isDigitDenoiser(status.model) ? 'digit denoiser' : 'patch denoiser') : null), [losses, status.model]);
  const repurposed = sel.target !== status.parameterization;

  return (
    <div data-testid="denoiser-train">
      <TrainControls
        trainer={trainer} backend={status.backend} canSave saved={status.saved} formatLoss={formatLoss} rateDigits={1}
        resetsTo={status.source === 'fresh' ? 'fresh' : 'the shipped'} testIds={TEST_IDS}
      >
        <div className="controls">
          <div className="field">
            <SelectField
              label="Target (what the network outputs)" value={sel.target} choices={PARAMETERIZATIONS} format={(t) => PARAMETERIZATION_LABELS[t]} disabled={training}
              testId="denoiser-train-target" onChange={(target) => setDiffusion({ target })}
            />
          </div>
          <div className="field">
            <SelectField
              label="Loss weighting" value={sel.weighting} choices={WEIGHTING_KINDS} format={(w) => WEIGHTING_SHORT[w]} disabled={training}
              testId="denoiser-train-weighting" onChange={(weighting) => setDiffusion({ weighting })}
            />
          </div>
          {sel.weighting === 'min-snr' && <Slider label="Min-SNR γ" value={sel.gamma} min={MIN_SNR_GAMMA_RANGE[0]} max={MIN_SNR_GAMMA_RANGE[1]} onChange={(g) => setDiffusion({ gamma: g })} />}
        </div>
        <p className="hint">
          The same target and weighting as the weighting chart above.
          {repurposed ? ` This network outputs ${PARAMETERIZATION_LABELS[status.parameterization]}; training it to output ${PARAMETERIZATION_LABELS[sel.target]} re-purposes its output, so the loss starts high.` : ''}
        </p>
      </TrainControls>
      {chart && (
        <ChartFigure id="diffusion-denoiser-train-loss" title="Training loss" chart={chart} name={{ panel: 'diffusion', what: 'denoiser-train-loss', params: { model: status.model, target: sel.target, weight: sel.weighting, steps: losses.length } }} />
      )}
    </div>
  );
}
