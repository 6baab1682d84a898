// The comparison table's rows: one per measurement completed in this page. A gradients measurement fills the
// cosine columns; a transfer measurement of the same model, K and grouping fills the transfer column of those
// rows (the latest one), or gets a row of its own when there is none.
import type { LabDecomposition, LabGradientsResult, LabTransferResult, PatchGrouping } from '../../../protocol/lab';
import type { LabRun, LabViewSettings } from '../../../state/labSlice';
import type { CsvTable } from '../../export/csv';
import { alignmentOf, fmt2, fmtChange, fmtPercent, gramFacts, transferFacts } from './labFigures';
import { modelText } from './labText';
import { chosenWeighting } from './weighting';

export const DECOMPOSITION_NAMES: Record<LabDecomposition, string> = { noise: 'Noise levels', patch: 'Patch steps', depth: 'Depths' };

export interface ComparisonRow {
  id: number;
  view: LabDecomposition;
  decomposition: string;
  model: string;
  /** The view's model id and grouping, as the link names them. */
  modelId: string;
  groupingId: PatchGrouping;
  k: number;
  grouping: string;
  batch: number;
  /** Batches of the gradients (0 for a transfer-only row). */
  batches: number;
  seed: number;
  crossMean: number;
  spread: number;
  conflictShare: number;
  negativeAlignment: number;
  weighting: string;
  transferMean: number;
  /** The transfer's settings (0 steps: no transfer measured). */
  transferSteps: number;
  transferLr: number;
  transferBatch: number;
  controlMean: number;
}

/** The runs that measured the same sub-tasks of the same weights. */
const sameModel = (a: LabRun, b: LabRun) => a.view === b.view && a.model === b.model && a.grouping === b.grouping
  && a.result.k === b.result.k && a.result.stepsTrainedHere === b.result.stepsTrainedHere && a.result.source === b.result.source;

export function comparisonRows(runs: readonly LabRun[], weightings: Record<LabDecomposition, string | null>): ComparisonRow[] {
  const grads = runs.filter((r) => r.result.measure === 'gradients');
  const transfers = runs.filter((r) => r.result.measure === 'transfer');
  const base = (r: LabRun) => ({
    id: r.id, view: r.view, decomposition: DECOMPOSITION_NAMES[r.view], model: modelText(r.result), modelId: r.model, groupingId: r.grouping, k: r.result.k,
    grouping: r.view === 'patch' ? (r.grouping === 'row-starts' ? 'row starts vs mid-row' : 'equal groups') : '',
  });
  const rows: ComparisonRow[] = grads.map((r) => {
    const g = r.result as LabGradientsResult;
    const f = gramFacts(g.gram, g.k);
    const shown = { k: g.k, subtasks: g.subtasks, gram: g.gram, batch: g.batch, batches: g.batches, of: g.batches, complete: true };
    const w = chosenWeighting(g.weightings, weightings[r.view], r.model);
    const a = w ? Array.from(alignmentOf(shown, w)) : [];
    const t = transfers.filter((x) => sameModel(x, r)).at(-1);
    const tr = t ? (t.result as LabTransferResult) : null;
    const tf = tr ? transferFacts(tr) : null;
    return {
      ...base(r), batch: g.batch, batches: g.batches, seed: g.seed, crossMean: f.crossMean, spread: f.spread, conflictShare: f.conflictShare,
      negativeAlignment: a.length ? a.filter((v) => v < 0).length / a.length : NaN, weighting: w?.label ?? '',
      transferMean: tf?.offDiagonal ?? NaN, transferSteps: tr?.steps ?? 0, transferLr: tr?.lr ?? NaN, transferBatch: tr?.batch ?? 0, controlMean: f.controlMean,
    };
  });
  for (const t of transfers) {
    if (grads.some((g) => sameModel(g, t))) continue;
    const r = t.result as LabTransferResult;
    rows.push({
      ...base(t), batch: r.batch, batches: 0, seed: r.seed, crossMean: NaN, spread: NaN, conflictShare: NaN, negativeAlignment: NaN, weighting: '',
      transferMean: transferFacts(r).offDiagonal, transferSteps: r.steps, transferLr: r.lr, transferBatch: r.batch, controlMean: NaN,
    });
  }
  return rows.sort((a, b) => a.id - b.id);
}

/** A column of the table: its header (with units), the cell as shown, the value it sorts by, and the CSV fields. */
export interface Column {
  id: string;
  header: string;
  numeric: boolean;
  cell(r: ComparisonRow): string;
  sort(r: ComparisonRow): number | string;
  csv: { header: string; value(r: ComparisonRow): string | number }[];
}

const dash = (v: number, f: (v: number) => string) => (Number.isFinite(v) ? f(v) : '—');

export const COLUMNS: readonly Column[] = [
  {
    id: 'decomposition', header: 'Decomposition', numeric: false, cell: (r) => r.decomposition + (r.grouping ? ` (${r.grouping})` : ''), sort: (r) => r.decomposition,
    csv: [{ header: 'decomposition', value: (r) => r.decomposition }, { header: 'grouping', value: (r) => r.grouping }],
  },
  { id: 'model', header: 'Model', numeric: false, cell: (r) => r.model, sort: (r) => r.model, csv: [{ header: 'model', value: (r) => r.model }] },
  { id: 'k', header: 'K', numeric: true, cell: (r) => String(r.k), sort: (r) => r.k, csv: [{ header: 'K (sub-tasks)', value: (r) => r.k }] },
  {
    id: 'sampling', header: 'Batch × batches, seed', numeric: true,
    cell: (r) => (r.batches > 0 ? `${r.batch} × ${r.batches}, seed ${r.seed}` : `transfer: ${r.transferSteps} steps of ${r.batch}, seed ${r.seed}`),
    sort: (r) => r.batch * r.batches,
    csv: [{ header: 'batch (examples)', value: (r) => r.batch }, { header: 'batches', value: (r) => r.batches }, { header: 'seed', value: (r) => r.seed }],
  },
  {
    id: 'cross', header: 'Mean cross cosine ± split-half spread', numeric: true, cell: (r) => dash(r.crossMean, (v) => `${fmt2(v)} ± ${fmt2(r.spread)}`), sort: (r) => r.crossMean,
    csv: [{ header: 'mean off-diagonal cross cosine (cosine)', value: (r) => r.crossMean }, { header: 'split-half spread (cosine)', value: (r) => r.spread }],
  },
  {
    id: 'conflicts', header: 'Conflicting pairs', numeric: true, cell: (r) => dash(r.conflictShare, fmtPercent), sort: (r) => r.conflictShare,
    csv: [{ header: 'conflicting pairs, cross cosine < 0 (share)', value: (r) => r.conflictShare }],
  },
  {
    id: 'alignment', header: 'Sub-tasks with negative alignment', numeric: true,
    cell: (r) => dash(r.negativeAlignment, (v) => `${fmtPercent(v)} with ${r.weighting}`), sort: (r) => r.negativeAlignment,
    csv: [{ header: 'sub-tasks with negative alignment (share)', value: (r) => r.negativeAlignment }, { header: 'weighting of the update', value: (r) => r.weighting }],
  },
  {
    id: 'transfer', header: 'Mean transfer off the diagonal', numeric: true, cell: (r) => dash(r.transferMean, (v) => fmtChange(v)), sort: (r) => r.transferMean,
    csv: [{ header: 'mean off-diagonal transfer (relative change of held-out loss, fraction)', value: (r) => r.transferMean }],
  },
  {
    id: 'control', header: 'Control (mean cosine)', numeric: true, cell: (r) => dash(r.controlMean, fmt2), sort: (r) => r.controlMean,
    csv: [{ header: 'control mean cosine (cosine)', value: (r) => r.controlMean }],
  },
];

export type SortState = { column: string; direction: 'ascending' | 'descending' } | null;

/** Rows in the order of `sort` (stable; values that are not numbers last, whichever the direction). */
export function sortRows(rows: readonly ComparisonRow[], sort: SortState): ComparisonRow[] {
  if (!sort) return [...rows];
  const col = COLUMNS.find((c) => c.id === sort.column);
  if (!col) return [...rows];
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = col.sort(a);
    const y = col.sort(b);
    if (typeof x === 'number' && typeof y === 'number') {
      const nx = Number.isNaN(x);
      const ny = Number.isNaN(y);
      if (nx || ny) return nx === ny ? 0 : nx ? 1 : -1;
      return sign * (x - y);
    }
    return sign * String(x).localeCompare(String(y));
  });
}

/** The view's settings that reproduce a row: its model, K, grouping and seed, its gradients' and its transfer's settings where measured. */
export function rowSettings(r: ComparisonRow): Partial<LabViewSettings> {
  const out: Partial<LabViewSettings> = { model: r.modelId, k: r.k, grouping: r.groupingId, seed: r.seed };
  if (r.batches > 0) Object.assign(out, { batch: r.batch, batches: r.batches });
  if (r.transferSteps > 0) Object.assign(out, { steps: r.transferSteps, lr: r.transferLr, transferBatch: r.transferBatch });
  return out;
}

/** The table as CSV, with each row's link (`linkOf`: the page's hash that restores the row's settings) last. */
export function comparisonCsv(rows: readonly ComparisonRow[], linkOf: (r: ComparisonRow) => string): CsvTable {
  const fields = [...COLUMNS.flatMap((c) => c.csv), { header: 'link (restores the settings of this row)', value: linkOf }];
  return { header: fields.map((f) => f.header), rows: rows.map((r) => fields.map((f) => f.value(r))) };
}
