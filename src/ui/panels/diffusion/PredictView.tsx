// The denoiser's x̂0 at the panel's t: x0, the x_t the model sees, its x̂0 and the error |x̂0 − x0|, with the MSE.
// Digits: a held-out digit (index and class to condition on); patches: the current image resized (area average)
// to the model's side. It follows the t slider once the slider settles (useOnceSettled), with one superseding
// request at a time, so the model-free views repaint without waiting for it.
import { useId, useMemo } from 'react';
import { clampLevel, levelAt, levelLogSnr, levelSigmaEdm } from '../../../core/diffusion/levels';
import { resizeArea } from '../../../core/image';
import { NULL_CLASS, OWN_LABEL } from '../../../state/diffusionSlice';
import { appStore, useStore } from '../../../state/store';
import { PixelFigure } from '../../components/Figure';
import { useWorkerRequest } from '../../hooks/useWorkerRequest';
import { isDigitDenoiser, type DenoiserStatus, type DenoiserTarget } from '../../../protocol';
import { CLASS_NAMES, modelImage, modelLogSnrRange } from './denoiserData';
import { fmtNum, scheduleSpec } from './diffusionData';
import { useOnceSettled } from '../../hooks/rates';
import { ErrorText } from '../../components/ErrorText';
import { SelectField } from '../../components/SelectField';

/** |x̂0 − x0| is drawn brighter, so that small errors are visible (clipped at 1). */
const ERROR_GAIN = 2;

export function PredictView({ status, target }: { status: DenoiserStatus; target: DenoiserTarget }) {
  const view = useOnceSettled((s) => ({ t: s.diffusion.t, schedule: s.diffusion.schedule, shift: s.diffusion.shift, points: s.diffusion.points, seed: s.diffusion.seed }));
  const heldout = useStore((s) => s.diffusion.heldout);
  const predictLabel = useStore((s) => s.diffusion.predictLabel);
  const image = useStore((s) => (status.model === 'patches' ? s.image.working : null));
  const hash = useStore((s) => s.image.workingHash);
  const { setDiffusion } = appStore.getState();
  const ids = { index: useId() };
  const digits = isDigitDenoiser(status.model);
  const { side, channels } = status;

  const range = modelLogSnrRange(status);
  const raw = levelAt(scheduleSpec(view), view.t, { shift: view.shift });
  const { level, clamped } = range ? clampLevel(raw, range) : { level: raw, clamped: false };
  const lambda = levelLogSnr(level);
  const example = Math.min(heldout, Math.max(0, status.heldoutCount - 1));
  const pixels = useMemo(() => (image ? resizeArea(image, side, side).data : null), [image, side]);
  const ready = digits || pixels !== null;
  const key = `${status.model}|${status.version}|${level.alpha}|${level.sigma}|${view.seed}|${digits ? `${example}|${predictLabel}` : hash}`;
  const pred = useWorkerRequest(
    'denoiser-predict',
    ready
      ? () => ({
        ...target, level, seed: view.seed,
        ...(digits ? { heldout: example, ...(predictLabel !== OWN_LABEL ? { label: predictLabel } : {}) } : { pixels: (pixels as Float32Array).slice() }),
      })
      : null,
    key,
  );
  const result = pred.result && pred.result.model === status.model ? pred.result : null;
  const pictures = useMemo(() => (result
    ? {
      clean: modelImage(result.clean, side, channels),
      noisy: modelImage(result.noisy, side, channels),
      x0hat: modelImage(result.x0hat, side, channels),
      error: modelImage(result.error, side, channels, 0, undefined, ERROR_GAIN),
    }
    : null), [result, side, channels]);
  const params = { model: status.model, t: view.t.toFixed(3), sched: view.schedule, seed: view.seed, ...(digits ? { digit: example } : {}) };
  const conditioned = digits ? (predictLabel === OWN_LABEL ? `its own label${result?.label !== null && result?.label !== undefined ? ` (${result.label})` : ''}` : predictLabel === NULL_CLASS ? 'no class (the null class)' : `class ${predictLabel}`) : '';

  return (
    <div data-testid="denoiser-predict">
      <h4 className="subhead">What it predicts at this t</h4>
      {digits && (
        <div className="button-row">
          <label htmlFor={ids.index}>Held-out digit</label>
          <input
            id={ids.index} type="number" className="seed" min={0} max={status.heldoutCount - 1} value={example} data-testid="denoiser-heldout"
            onChange={(e) => setDiffusion({ heldout: Math.min(status.heldoutCount - 1, Math.max(0, Math.floor(Number(e.currentTarget.value) || 0))) })}
          />
          <SelectField
            label="Condition on" value={predictLabel} choices={[OWN_LABEL, ...CLASS_NAMES.map((_, i) => i)]}
            format={(i) => (i === OWN_LABEL ? 'its own label' : i === NULL_CLASS ? 'no class (null)' : `class ${CLASS_NAMES[i]}`)}
            testId="denoiser-predict-label" onChange={(label) => setDiffusion({ predictLabel: label })}
          />
        </div>
      )}
      {!digits && !image && <p className="hint">The patch model predicts on the current image; it appears once the image has loaded.</p>}
      {pred.error && <ErrorText onRetry={pred.retry} testId="denoiser-predict-error">The prediction failed: {pred.error}</ErrorText>}
      <div className="image-row four" aria-busy={pred.status === 'working'}>
        <PixelFigure id="diffusion-denoiser-x0" title="x₀" image={pictures?.clean ?? null} alt={digits ? `Held-out digit ${example}${result?.label !== null && result?.label !== undefined ? `, a ${result.label}` : ''}` : `The current image resized to ${side}×${side}`} name={{ panel: 'diffusion', what: 'denoiser-x0', params }} />
        <PixelFigure id="diffusion-denoiser-xt" title="x_t (model input)" image={pictures?.noisy ?? null} alt={`The noised input at λ = ${fmtNum(lambda, 2)}, as the model sees it`} name={{ panel: 'diffusion', what: 'denoiser-xt', params }} />
        <PixelFigure id="diffusion-denoiser-x0hat" title="x̂₀ (prediction)" image={pictures?.x0hat ?? null} alt={`The model's estimate of the clean image from x_t at λ = ${fmtNum(lambda, 2)}`} name={{ panel: 'diffusion', what: 'denoiser-x0hat', params }} />
        <PixelFigure id="diffusion-denoiser-error" title="|x̂₀ − x₀| (×2)" image={pictures?.error ?? null} alt="The absolute error of the prediction per pixel, doubled for visibility" name={{ panel: 'diffusion', what: 'denoiser-error', params }} />
      </div>
      <p className="readout" data-testid="denoiser-predict-readout" aria-live="polite">
        {result
          ? `At t = ${view.t.toFixed(3)} (λ = ${fmtNum(result.lambda, 2)}, σ_EDM = ${fmtNum(levelSigmaEdm(level))}): MSE of x̂₀ ${fmtNum(result.mse, 4)} (pixels in [0, 1])${digits ? `, conditioned on ${conditioned}` : ''}.`
          : pred.status === 'working' ? 'Predicting…' : ''}
        {clamped && range ? ` The schedule's λ here (${fmtNum(levelLogSnr(raw), 2)}) is outside the range the model was measured on; it is shown at λ = ${fmtNum(lambda, 2)}.` : ''}
      </p>
    </div>
  );
}
