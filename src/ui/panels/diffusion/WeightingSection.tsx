// The Diffusion panel's loss-weighting section: the weighting, Min-SNR's γ and prediction, the ELBO badge and the
// weighting chart. It reads its own keys of the store, so a γ or weighting change renders this section alone, not
// the whole panel with its images and charts.
import { memo, useMemo } from 'react';
import { useShallow } from 'zustand/shallow';
import { scheduleAt, type ScheduleOptions, type ScheduleSpec } from '../../../core/diffusion/schedules';
import { isCurveElboEquivalent, PREDICTIONS, weightingCurve, WEIGHTING_KINDS, type Prediction, type WeightingCurve } from '../../../core/diffusion/weighting';
import { MIN_SNR_GAMMA_RANGE, type Weighting } from '../../../state/diffusionSlice';
import { appStore, useStore } from '../../../state/store';
import { lineChart, lineChartYDomain, type Series } from '../../charts/lineChart';
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

/** A weighting curve's three lines over λ, as the chart draws them. */
function weightingSeries(curve: WeightingCurve): Series[] {
  return [
    { id: 'p', label: 'p(λ) training density', points: LAMBDAS.map((l, i) => ({ x: l, y: curve.p[i] })) },
    { id: 'cm', label: 'c·m weight on ε-loss', points: LAMBDAS.map((l, i) => ({ x: l, y: curve.cm[i] })) },
    { id: 'w', label: 'w = p·c·m', points: LAMBDAS.map((l, i) => ({ x: l, y: curve.w[i] })) },
  ];
}

export const WeightingSection = memo(function WeightingSection({ spec, opts, params }: WeightingSectionProps) {
  const view = useStore(useShallow((s) => ({ target: s.diffusion.target, weighting: s.diffusion.weighting, gamma: s.diffusion.gamma })));
  const { setDiffusion } = appStore.getState();
  const prediction: Prediction = view.target === 'velocity' ? 'eps' : view.target;
  const curveOpts = useMemo(() => ({ ...opts, schedule: spec, prediction }), [opts, spec, prediction]);
  const weighting = useMemo(() => weightingCurve(view.weighting, LAMBDAS, { ...curveOpts, gamma: view.gamma }), [view.weighting, curveOpts, view.gamma]);
  const elbo = useMemo(() => isCurveElboEquivalent(weighting), [weighting]);
  const series = useMemo(() => weightingSeries(weighting), [weighting]);
  const description = `Over log-SNR λ from ${LAMBDA_RANGE[0]} to ${LAMBDA_RANGE[1]}: the training density p(λ), the per-sample weight on the ε-MSE c(λ)·m(λ), and the effective weight w(λ). ${elbo ? 'w is non-increasing in λ here: ELBO-equivalent.' : 'w is not monotone here: not ELBO-equivalent.'}`;
  // Under Min-SNR the chart is built once per schedule and prediction, on a y-axis that holds the curves of every γ
  // the slider reaches (c·m = min(1, γ/SNR) grows with γ at every λ, so γ's two bounds give the extremes); a γ move
  // then redraws the lines in place (the figure's live series) instead of building the chart again; only a change of
  // the ELBO verdict, which the description states, builds it again.
  const frame = useMemo(() => {
    if (view.weighting !== 'min-snr') return null;
    const [lo, hi] = MIN_SNR_GAMMA_RANGE.map((gamma) => weightingSeries(weightingCurve('min-snr', LAMBDAS, { ...curveOpts, gamma })));
    return { series: hi, yDomain: lineChartYDomain([...lo, ...hi], { yLog: true }) };
  }, [view.weighting, curveOpts]);
  const base = frame?.series ?? series;
  const weightChart = useMemo(() => lineChart(base, {
    title: `Loss weighting: ${WEIGHTING_LABELS[view.weighting]}`,
    description,
    xLabel: 'log-SNR λ', yLabel: 'weight (log scale)', yLog: true, xDomain: LAMBDA_RANGE, yDomain: frame?.yDomain, width: 420, height: 280,
    markers: lambdaMarker(scheduleAt(spec, tNow(), opts).logSnr),
  }), [base, frame, description, view.weighting, spec, opts]);

  return (
    <>
      <h3 className="subhead">Loss weighting</h3>
      <div className="controls">
        <div className="field">
          <SelectField label="Weighting" value={view.weighting} choices={WEIGHTING_KINDS} format={(k) => WEIGHTING_LABELS[k]} testId="weighting-select" onChange={(weighting) => setDiffusion({ weighting })} />
        </div>
        {view.weighting === 'min-snr' && (
          <>
            <Slider label="γ" value={view.gamma} min={MIN_SNR_GAMMA_RANGE[0]} max={MIN_SNR_GAMMA_RANGE[1]} onChange={(v) => setDiffusion({ gamma: v })} testId="gamma-slider" coalesce />
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
      <WeightingFigure spec={spec} opts={opts} chart={weightChart} series={series} description={description} params={{ ...params, weight: view.weighting }} />
    </>
  );
});
