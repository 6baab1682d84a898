// The parts of the Patch-order panel that show the step. Each reads the step from the store itself, so a
// step-slider move re-renders these few components, not the panel (its charts, table and model section).
import type { ComponentProps } from 'react';
import type { OrderingAnalysis } from '../../../core/patch/analysis';
import { appStore } from '../../../state/store';
import { useEveryFrame } from '../../hooks/rates';
import { LiveReadout } from '../../components/LiveReadout';
import { Slider } from '../../components/Slider';
import { ChartFigure } from '../../components/Figure';
import { StepView } from './StepView';

const fmt = (v: number) => (Number.isFinite(v) ? (Math.abs(v) >= 0.1 ? v.toFixed(2) : v.toPrecision(2)) : '—');

/** The step, clamped to a grid of n patches. */
export function useStep(n: number): number {
  return useEveryFrame((s) => Math.min(s.patch.step, n - 1));
}

export function StepSlider({ n }: { n: number }) {
  const step = useStep(n);
  return (
    <Slider label="Step s" value={step} min={0} max={n - 1} onChange={(v) => appStore.getState().setPatch({ step: v })}
      format={(v) => `${v} (${v} of ${n} patches generated)`} testId="step-slider" />
  );
}

type StepViewProps = Omit<ComponentProps<typeof StepView>, 'step' | 'name'> & { n: number; params: Record<string, string | number> };

export function LiveStepView({ n, params, ...props }: StepViewProps) {
  const step = useStep(n);
  return <StepView {...props} step={step} name={{ panel: 'patch', what: 'step', params: { ...params, step } }} />;
}

export function StepReadout({ analysis, n }: { analysis: OrderingAnalysis; n: number }) {
  const step = useStep(n);
  return (
    <LiveReadout testId="patch-readout" longest={`Step ${n - 1}: the next patch is 00.00 patches from the nearest generated one, with 4 generated 4-neighbours; copying its nearest neighbour gives MSE 0.0000. This step breaks continuity: it is not next to the previous patch.`}>
      Step {step}: the next patch is {fmt(analysis.context.distance[step])} patches from the nearest generated one, with {analysis.context.visibleNeighbours[step]} generated
      4-neighbours; copying its nearest neighbour gives MSE {fmt(analysis.predictors.copy[step])}.
      {analysis.context.breaks.includes(step) ? ' This step breaks continuity: it is not next to the previous patch.' : ''}
    </LiveReadout>
  );
}

export function StepChartFigure({ n, ...props }: Omit<ComponentProps<typeof ChartFigure>, 'live'> & { n: number }) {
  const step = useStep(n);
  return <ChartFigure {...props} live={{ highlightX: step }} />;
}
