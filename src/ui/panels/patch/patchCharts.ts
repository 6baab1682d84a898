// Data shaping for the Patch-order charts: which statistic, its label and unit, per ordering.
import type { OrderingAnalysis } from '../../../core/patch/analysis';
import type { PatchStat } from '../../../state/patchSlice';

export const STAT_INFO: Record<PatchStat, { label: string; axis: string; short: string }> = {
  distance: { label: 'Distance to the nearest generated patch', axis: 'distance (patches)', short: 'distance' },
  neighbours: { label: 'Generated 4-neighbours of the next patch', axis: 'visible neighbours (0–4)', short: 'neighbours' },
  copy: { label: 'Error of copying the nearest generated patch', axis: 'MSE (pixels in [0,1])', short: 'copy MSE' },
  mean: { label: 'Error of the mean of generated neighbours', axis: 'MSE (pixels in [0,1])', short: 'mean MSE' },
  linear: { label: 'Error of a linear predictor (ridge fit towards the mean)', axis: 'MSE (pixels in [0,1])', short: 'linear MSE' },
};

export function statValues(a: OrderingAnalysis, stat: PatchStat): ArrayLike<number> {
  switch (stat) {
    case 'distance': return a.context.distance;
    case 'neighbours': return a.context.visibleNeighbours;
    case 'copy': return a.predictors.copy;
    case 'mean': return a.predictors.mean;
    case 'linear': return a.predictors.linear;
  }
}
