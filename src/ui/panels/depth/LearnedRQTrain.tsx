// Training the loaded RQ auto-encoder here, in the model worker: steps and batch, start / pause (cancels the
// request; the worker keeps weights, optimizer and loss history) / resume, reset to the shipped weights, save in
// this browser (later loads prefer it) and delete the saved copy; a live loss chart and steps/s.
import { useEffect, useMemo } from 'react';
import { getComputeClient } from '../../../compute/client';
import type { RqaeModelStatus, RqaeModelTarget } from '../../../protocol';
import { ChartFigure } from '../../components/Figure';
import { TrainControls } from '../../components/TrainControls';
import { useTrainer } from '../../hooks/useTrainer';
import { lossChart } from './learnedRqCharts';

const TEST_IDS = {
  steps: 'rqae-train-steps', train: 'rqae-train', pause: 'rqae-pause', reset: 'rqae-reset', save: 'rqae-save',
  readout: 'rqae-train-readout', error: 'rqae-action-error',
};
const formatLoss = (v: number) => v.toFixed(4);

interface Props {
  status: RqaeModelStatus;
  /** The request target, made afresh per request (a crop model's carries a copy of the current image). */
  target: () => RqaeModelTarget;
  onTraining(training: boolean): void;
  onStatus(status: RqaeModelStatus): void;
  /** Re-reads the model's status (its held-out numbers after training). */
  onReload(): void;
}

export function LearnedRQTrain({ status, target, onTraining, onStatus, onReload }: Props) {
  const crops = status.data === 'crops';
  // Another model pauses this one's training (the worker keeps it for a later resume).
  const trainer = useTrainer({
    modelKey: status.key,
    sessionLosses: status.losses,
    initialSteps: 100,
    train: (steps, batch, options) => getComputeClient().request('rqae-train', { ...target(), steps, batch }, options),
    command: (kind) => getComputeClient().request(`rqae-${kind}`, target()),
    onStatus,
    onStopped: onReload, // re-evaluate the trained weights on the held-out set
    checkpoint: status.checkpoint,
  });
  const { training, losses } = trainer;
  useEffect(() => onTraining(training), [training, onTraining]);
  const chart = useMemo(() => (losses.length ? lossChart(losses) : null), [losses]);

  return (
    <>
      <TrainControls
        trainer={trainer} backend={status.backend} canSave={!crops} saved={status.saved} batchItem={crops ? 'crop' : 'digit'}
        formatLoss={formatLoss} rateDigits={2} resetsTo={crops ? 'fresh' : 'the shipped'}
        untrainedNote={crops ? ' Crop models live for this session only.' : undefined} testIds={TEST_IDS}
      >
        <p className="hint">
          {crops ? 'Trains the fresh crop model on random 32×32 crops of the current image' : 'Fine-tunes the loaded model on training digits'} with its own objective ({status.objective === 'summed' ? '(b), every depth decoded each step' : "(a), RQ-VAE's: full depth decoded each step"}).
          {training ? ' The charts above show the weights from before this run; they update when it stops.' : ''}
        </p>
      </TrainControls>
      {chart && <ChartFigure id="rqae-loss" title="Training loss" chart={chart} name={{ panel: 'depth', what: 'rqae-loss', params: { model: status.model, steps: losses.length } }} />}
    </>
  );
}
