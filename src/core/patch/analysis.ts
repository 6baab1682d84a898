// Everything the Patch-order panel charts for one image and patch size: per ordering, the context each step
// sees and the error of the simple predictors. Pure; the worker runs it and caches it per image.
import { orderFromCustom, patchOrder, type OrderingKind } from '../orderings';
import type { PatchGrid } from './grid';
import { contextStats, type ContextStats } from './context';
import { predictorErrors, type PredictorErrors } from './predictors';

export type OrderingSpec = { kind: OrderingKind; seed?: number } | { kind: 'custom'; cells: number[] };

export interface OrderingAnalysis {
  order: Int32Array;
  context: ContextStats;
  predictors: PredictorErrors;
}

export function orderOf(spec: OrderingSpec, rows: number, cols: number): Int32Array {
  if (spec.kind === 'custom') {
    // Painted cells may come from a link made on another grid: keep the valid, first-painted ones.
    const n = rows * cols;
    const cells = [...new Set(spec.cells)].filter((c) => Number.isInteger(c) && c >= 0 && c < n);
    return orderFromCustom(cells, rows, cols);
  }
  return patchOrder(spec.kind, rows, cols, spec.seed ?? 0);
}

export function specKey(spec: OrderingSpec): string {
  return spec.kind === 'custom' ? `custom:${spec.cells.join('.')}` : spec.kind === 'random' ? `random:${spec.seed ?? 0}` : spec.kind;
}

/** Statistics of one ordering; pass the same grid for every ordering of an image (it caches per-patch sums). */
export function analyzeOrdering(grid: PatchGrid, spec: OrderingSpec): OrderingAnalysis {
  const order = orderOf(spec, grid.rows, grid.cols);
  return { order, context: contextStats(order, grid.rows, grid.cols), predictors: predictorErrors(grid, order) };
}

/** Averages consecutive values into at most `maxPoints` bins (NaN ignored), so long curves stay drawable. */
export function binMeans(values: ArrayLike<number>, maxPoints: number): { x: number; y: number }[] {
  const n = values.length;
  const bins = Math.min(n, Math.max(1, maxPoints));
  const out: { x: number; y: number }[] = [];
  for (let b = 0; b < bins; b++) {
    const from = Math.floor((b * n) / bins);
    const to = Math.floor(((b + 1) * n) / bins);
    let s = 0;
    let c = 0;
    for (let i = from; i < to; i++) {
      if (!Number.isNaN(values[i])) {
        s += values[i];
        c++;
      }
    }
    // x is the bin's middle step, so binned and unbinned curves line up on the step axis.
    if (c > 0) out.push({ x: (from + to - 1) / 2, y: s / c });
  }
  return out;
}
