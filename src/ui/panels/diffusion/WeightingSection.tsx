// The Diffusion panel's loss-weighting section: the weighting, Min-SNR's γ and prediction, the ELBO badge and the
// weighting chart. It reads its own keys of the store, so a γ or weighting change renders this section alone, not
// the whole panel with its images and charts.
import { memo, useMemo } from 'react';
import { useShallow } from 'zustand/shallow';
import { scheduleAt, type ScheduleOptions, type ScheduleSpec } from '../../../core/diffusion/schedules';
import { isCurveElboEquivalent, PREDICTIONS, weightingCurve, WEIGHTING_KINDS, type Prediction } from '../../../core/diffusion/weighting';
import type { Weighting } from '../../../state/diffusionSlice';
import { appStore, useStore } from '../../../state/store';
import { lineChart } from '../../charts/lineChart';
import { Slider } from '../../components/Slider';
import { Formula } from '../../formulas/Formula';
import { FORMULAS } from '../../formulas/tex';
import { PARAMETERIZATION_LABELS } from './denoiserData';
import { LAMBDA_RANGE, LAMBDAS, lambdaMarker, tNow, WeightingFigure, type NameParams } from './tParts';
import { SelectField } from '../../components/SelectField';

const WEIGHTING_LABELS: Record<Weighting, string> = {
  'eps-mse': 'ε-MSE, uniform t',
  'x0-mse': 'x₀-MSE, uniform t',
  'v-mse': 'v-MSE, uniform t',
  'velocity-mse': 'velocity-MSE (flow), uniform t',
  'min-snr': 'Min-SNR-γ, uniform t',
  edm: 'EDM (log-normal σ, λ(σ) weight)',
  'sd3-logit-normal': 'SD3 logit-normal (flow)',
  'vdmpp-sigmoid': 'VDM++ sigmoid',
};

interface WeightingSectionProps {
  spec: ScheduleSpec;
  opts: ScheduleOptions;
  /** The panel's export-name parameters (memoized by the panel). */
  params: NameParams;
}

export const WeightingSection = memo(function WeightingSection({ spec, opts, params }: WeightingSectionProps) {
  const view = useStore(useShallow((s) => ({ target: s.diffusion.target, weighting: s.diffusion.weighting, gamma: s.diffusion.gamma })));
  const { setDiffusion } = appStore.getState();
  const prediction: Prediction = view.target === 'velocity' ? 'eps' : view.target;
  const weighting = useMemo(() => weightingCurve(view.weighting, LAMBDAS, { ...opts, schedule: spec, gamma: view.gamma, prediction }), [view.weighting, opts, spec, view.gamma, prediction]);
  const elbo = useMemo(() => isCurveElboEquivalent(weighting), [weighting]);
  const weightChart = useMemo(() => lineChart(
    [
      { id: 'p', label: 'p(λ) training density', points: LAMBDAS.map((l, i) => ({ x: l, y: weighting.p[i] })) },
      { id: 'cm', label: 'c·m weight on ε-loss', points: LAMBDAS.map((l, i) => ({ x: l, y: weighting.cm[i] })) },
      { id: 'w', label: 'w = p·c·m', points: LAMBDAS.map((l, i) => ({ x: l, y: weighting.w[i] })) },
    ],
    {
      title: `Loss weighting: ${WEIGHTING_LABELS[view.weighting]}`,
      description: `Over log-SNR λ from ${LAMBDA_RANGE[0]} to ${LAMBDA_RANGE[1]}: the training density p(λ), the per-sample weight on the ε-MSE c(λ)·m(λ), and the effective weight w(λ). ${elbo ? 'w is non-increasing in λ here: ELBO-equivalent.' : 'w is not monotone here: not ELBO-equivalent.'}`,
      xLabel: 'log-SNR λ', yLabel: 'weight (log scale)', yLog: true, xDomain: LAMBDA_RANGE, width: 420, height: 280,
      markers: lambdaMarker(scheduleAt(spec, tNow(), opts).logSnr),
    },
  ), [weighting, view.weighting, elbo, spec, opts]);

  return (
    <>
      <h3 className="subhead">Loss weighting</h3>
      <div className="controls">
        <div className="field">
          <SelectField label="Weighting" value={view.weighting} choices={WEIGHTING_KINDS} format={(k) => WEIGHTING_LABELS[k]} testId="weighting-select" onChange={(weighting) => setDiffusion({ weighting })} />
        </div>
        {view.weighting === 'min-snr' && (
          <>
            <Slider label="γ" value={view.gamma} min={1} max={20} onChange={(v) => setDiffusion({ gamma: v })} testId="gamma-slider" coalesce />
            <div className="field">
              <SelectField label="Prediction" value={view.target} choices={PREDICTIONS} format={(p) => PARAMETERIZATION_LABELS[p]} onChange={(target) => setDiffusion({ target })} />
            </div>
          </>
        )}
      </div>
      <p className={`badge ${elbo ? 'badge-yes' : 'badge-no'}`} data-testid="elbo-badge">
        {elbo ? 'ELBO-equivalent' : 'Not ELBO-equivalent'} on λ ∈ [{LAMBDA_RANGE[0]}, {LAMBDA_RANGE[1]}]: w(λ) {elbo ? 'never increases' : 'increases somewhere'} with λ (Kingma &amp; Gao 2023), judged point by point along the curve (each point against its neighbour, relative).
      </p>
      <Formula formula={FORMULAS.weighting} block />
      {view.weighting === 'min-snr' && <Formula formula={FORMULAS.minSnr} block />}
      <WeightingFigure spec={spec} opts={opts} chart={weightChart} params={{ ...params, weight: view.weighting }} />
    </>
  );
});
