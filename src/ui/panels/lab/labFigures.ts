// The lab's figures, from a Gram matrix of accumulated sub-task gradients or from transfer losses: each a pure
// chart builder (data → SVG, through the chart helpers) and the same numbers as a CSV table (a header with units,
// one row per sub-task). Definitions: docs/conventions.md, "Equivalence measures".
import { MIN_SELF_AGREEMENT } from '../../../core/equivalence/matrices';
import { alignmentFromGram, crossSpread, meanAbsOffDiagonal, meanOffDiagonal, subtaskStats, type SubtaskStats } from '../../../core/equivalence/gramStats';
import { transferMatrix } from '../../../core/equivalence/matrices';
import { conflictSummary, NOISY_SPREAD, type ConflictSummary } from '../../../core/equivalence/summary';
import type { LabTransferResult, LabWeighting } from '../../../protocol/lab';
import { barChart } from '../../charts/barChart';
import { fixed2, heatmapChart } from '../../charts/heatmapChart';
import type { CsvTable } from '../../export/csv';

/** What one view calls its sub-tasks. */
export interface SubtaskNouns {
  /** e.g. "noise level" */
  one: string;
  /** e.g. "noise levels" */
  many: string;
}

/** A Gram matrix as shown: final, or after `batches` of `of` batches while the run goes on. */
export interface GramShown {
  k: number;
  subtasks: string[];
  gram: Float64Array;
  batch: number;
  batches: number;
  of: number;
  complete: boolean;
}

/** Everything the figures and sentences read from one Gram matrix. */
export interface GramFacts {
  stats: SubtaskStats;
  /** The mean off-diagonal cross cosine and its split-half spread. */
  crossMean: number;
  spread: number;
  spreadMatrix: Float64Array;
  crossAbsMean: number;
  controlMean: number;
  sharedMean: number;
  selfMean: number;
  /** Sub-tasks whose self-agreement is at least 0.1 (the noise-corrected cosine's threshold). */
  agreeing: number;
  conflictShare: number;
  summary: ConflictSummary;
}

export const MIN_AGREEMENT = MIN_SELF_AGREEMENT;

export function gramFacts(gram: ArrayLike<number>, k: number): GramFacts {
  const stats = subtaskStats(gram, k, MIN_AGREEMENT);
  const { spread, mean } = crossSpread(gram, k);
  const finiteSelf = Array.from(stats.self).filter(Number.isFinite);
  const summary = conflictSummary(stats.cross, k);
  return {
    stats,
    crossMean: meanOffDiagonal(stats.cross, k),
    spread: mean,
    spreadMatrix: spread,
    crossAbsMean: meanAbsOffDiagonal(stats.cross, k),
    controlMean: meanOffDiagonal(stats.control, k),
    sharedMean: meanOffDiagonal(stats.shared, k),
    selfMean: finiteSelf.length ? finiteSelf.reduce((a, b) => a + b, 0) / finiteSelf.length : NaN,
    agreeing: finiteSelf.filter((a) => a >= MIN_AGREEMENT).length,
    conflictShare: summary.negativeShare,
    summary,
  };
}

/** A signed number with two decimals and a true minus sign ('n/a' for NaN). */
export const fmt2 = fixed2;

/** A share as a whole percentage ("33 %"). */
export function fmtPercent(p: number): string {
  return Number.isFinite(p) ? `${Math.round(100 * p)} %` : 'n/a';
}

/** A relative change as a signed percentage with one decimal ("−3.1 %"). */
export function fmtChange(v: number, unit = ' %'): string {
  if (!Number.isFinite(v)) return 'n/a';
  // One decimal from 1 %, more below it, so a converged model's small changes (hundredths of a percent) keep their sign.
  const pct = Math.abs(100 * v);
  const s = pct.toFixed(pct >= 1 ? 1 : pct >= 0.1 ? 2 : 3);
  const zero = Number(s) === 0;
  return `${v < 0 && !zero ? '−' : v > 0 && !zero ? '+' : ''}${s}${unit}`;
}

export function fmtSeconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** A norm for prose: 3 significant digits, in exponent form when small or large. */
export function fmtNorm(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-2 || a >= 1e4) ? v.toExponential(2).replace('-', '−') : v.toPrecision(3);
}

const rowsOf = (values: ArrayLike<number>, labels: string[], rowLabels: string[], f: (v: number) => string) =>
  rowLabels.map((r, i) => `${r}: ${labels.map((_, j) => f(values[i * labels.length + j])).join(', ')}`).join('; ');

const when = (g: GramShown) => (g.complete ? `${g.batches} batches of ${g.batch}` : `after batch ${g.batches} of ${g.of} (batch ${g.batch}; the matrix sharpens as batches add up)`);

/** The cross-cosine matrix: disjoint halves, the self-agreement on the diagonal, pairs the halves disagree on dashed. */
export function crossHeatmap(g: GramShown, f: GramFacts, nouns: SubtaskNouns, doc?: Document): SVGSVGElement {
  const { k } = g;
  const flags = Array.from(f.spreadMatrix, (s, n) => n % (k + 1) !== 0 && s > NOISY_SPREAD);
  return heatmapChart({ values: f.stats.cross, labels: g.subtasks }, {
    title: `Cross cosines between ${nouns.many} (disjoint halves)`,
    description:
      `Cosine between the gradients of two ${nouns.many}' losses, each taken on a different half of every batch, ${when(g)}; `
      + `the diagonal is each ${nouns.one}'s self-agreement (its gradient on one half against the other). −1 = opposite, 0 = unrelated, 1 = the same direction. `
      + `Mean off the diagonal ${fixed2(f.crossMean)} ± ${fixed2(f.spread)} (split-half spread); control ${fixed2(f.controlMean)}. `
      + `Rows: ${rowsOf(f.stats.cross, g.subtasks, g.subtasks, fixed2)}.`,
    xLabel: `${nouns.one} j`, yLabel: `${nouns.one} i`, rowName: 'i', colName: 'j', legendLabel: 'cos',
    flagged: { cells: flags, note: `the two halves differ by > ${NOISY_SPREAD}: sampling noise` },
    cellDetail: (i, j) => (i === j ? 'self-agreement' : Number.isFinite(f.spreadMatrix[i * k + j]) ? `halves ${fixed2(f.spreadMatrix[i * k + j])} apart` : null),
  }, doc);
}

/** The noise-corrected cosines: blank where either self-agreement is below MIN_AGREEMENT (and on the diagonal). */
export function correctedHeatmap(g: GramShown, f: GramFacts, nouns: SubtaskNouns, doc?: Document): SVGSVGElement {
  const defined = Array.from(f.stats.corrected).filter(Number.isFinite).length;
  return heatmapChart({ values: f.stats.corrected, labels: g.subtasks }, {
    title: `Noise-corrected cosines between ${nouns.many}`,
    description:
      `Cross cosine divided by the square root of both self-agreements (Spearman's correction for attenuation), ${when(g)}; `
      + `defined for ${defined / 2} of ${(g.k * (g.k - 1)) / 2} pairs, blank where either ${nouns.one}'s self-agreement is below ${MIN_AGREEMENT}. `
      + `Not clamped: a value beyond ±1 says the self-agreements are themselves noisy. Rows: ${rowsOf(f.stats.corrected, g.subtasks, g.subtasks, fixed2)}.`,
    xLabel: `${nouns.one} j`, yLabel: `${nouns.one} i`, rowName: 'i', colName: 'j', legendLabel: 'cos', blankNaN: true,
  }, doc);
}

/** A sub-task's cosine with the update of a weighted sum of the losses, per sub-task. */
export function alignmentOf(g: GramShown, w: LabWeighting): Float64Array {
  return alignmentFromGram(g.gram, g.k, w.weights);
}

/** Bars of the alignment with the update, those below 0 (the loss would rise) highlighted and labelled. */
export function alignmentChart(g: GramShown, w: LabWeighting, nouns: SubtaskNouns, doc?: Document): SVGSVGElement {
  const a = alignmentOf(g, w);
  const bars = Array.from(a, (value, i) => ({ key: String(i), label: g.subtasks[i], value, highlighted: value < 0 }));
  const rising = bars.filter((b) => b.value < 0).length;
  return barChart(bars, {
    title: `Each ${nouns.one}'s alignment with the update`,
    description:
      `Cosine between each ${nouns.one}'s gradient and the step of the weighted sum of the losses (${w.label}), ${when(g)}. `
      + `Below 0 (dark bars): that ${nouns.one}'s loss would rise with the step, to first order; ${rising} of ${g.k} here. `
      + `Values: ${bars.map((b) => `${b.label}: ${fixed2(b.value)}`).join(', ')}.`,
    xLabel: nouns.one, yLabel: 'cos with the update', yDomain: [-1, 1], formatValue: fixed2, width: 420, height: 280,
  }, doc);
}

export const REFERENCE_ROW = 'all sub-tasks (reference)';

/** The transfer matrix's relative changes ((K + 1) × K) and its summary numbers. */
export interface TransferFacts {
  matrix: Float64Array;
  /** Mean relative change of sub-task j after training on i ≠ j (the first K rows). */
  offDiagonal: number;
  /** Mean relative change of sub-task i after training on i. */
  diagonal: number;
  /** Mean relative change after training on all sub-tasks (the last row). */
  reference: number;
  /** Off-diagonal cells above 0: training on i raised j's held-out loss. */
  hurt: number;
  pairs: number;
}

export function transferFacts(r: LabTransferResult): TransferFacts {
  const k = r.before.length;
  const matrix = transferMatrix(r.before, r.after);
  const off: number[] = [];
  const diag: number[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const v = matrix[i * k + j];
      if (!Number.isFinite(v)) continue;
      (i === j ? diag : off).push(v);
    }
  }
  const ref = Array.from(matrix.subarray(k * k, (k + 1) * k)).filter(Number.isFinite);
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
  return { matrix, offDiagonal: mean(off), diagonal: mean(diag), reference: mean(ref), hurt: off.filter((v) => v > 0).length, pairs: off.length };
}

/** The colour domain of a transfer matrix: ±(its largest |change|, rounded up to 1, 2 or 5 × 10ⁿ), at least ±1 %. */
export function transferDomain(matrix: ArrayLike<number>): [number, number] {
  const max = Math.max(0.01, ...Array.from(matrix).filter(Number.isFinite).map(Math.abs));
  const p = 10 ** Math.floor(Math.log10(max));
  const m = [1, 2, 5, 10].map((s) => s * p).find((s) => s >= max - 1e-12) ?? 10 * p;
  return [-m, m];
}

/** The transfer heat map: row i = trained on sub-task i (the last row on all), column j = sub-task j's held-out loss. */
export function transferHeatmap(r: LabTransferResult, t: TransferFacts, nouns: SubtaskNouns, doc?: Document): SVGSVGElement {
  const rowLabels = [...r.subtasks, REFERENCE_ROW];
  return heatmapChart({ values: t.matrix, labels: r.subtasks, rowLabels }, {
    title: `Loss transfer between ${nouns.many}: change of each held-out loss`,
    description:
      `Relative change of each ${nouns.one}'s loss on ${r.heldout} held-out examples after ${r.steps} Adam steps (learning rate ${r.lr}, batch ${r.batch}) `
      + `on one ${nouns.one} alone (rows), or on all of them (last row, the reference), from the same weights; in percent, negative = the loss fell. `
      + `Off the diagonal the mean is ${fmtChange(t.offDiagonal)}, on it ${fmtChange(t.diagonal)}, training on all ${fmtChange(t.reference)}. `
      + `Rows: ${rowsOf(t.matrix, r.subtasks, rowLabels, (v) => fmtChange(v))}.`,
    xLabel: `held-out loss of ${nouns.one} j`, yLabel: 'trained on', rowName: 'trained on', colName: 'loss of', legendLabel: 'Δ %',
    domain: transferDomain(t.matrix), formatValue: (v) => fmtChange(v, ''), formatTick: (v) => fmtChange(v, ''),
  }, doc);
}

/** A K × K matrix as a table: a row per sub-task, a column per sub-task. */
function matrixTable(g: GramShown, values: ArrayLike<number>, unit: string): CsvTable {
  return {
    header: ['sub-task', ...g.subtasks.map((s) => `${s} (${unit})`)],
    rows: g.subtasks.map((s, i) => [s, ...g.subtasks.map((_, j) => values[i * g.k + j])]),
  };
}

export function crossCsv(g: GramShown, f: GramFacts): CsvTable {
  return matrixTable(g, f.stats.cross, 'cross cosine; diagonal: self-agreement');
}

export function correctedCsv(g: GramShown, f: GramFacts): CsvTable {
  return matrixTable(g, f.stats.corrected, 'noise-corrected cosine; empty: undefined');
}

export function alignmentCsv(g: GramShown, w: LabWeighting): CsvTable {
  const a = alignmentOf(g, w);
  return {
    header: ['sub-task', `weight (${w.label})`, 'alignment with the update (cosine)', 'gradient norm (sum over batches)'],
    rows: g.subtasks.map((s, i) => [s, w.weights[i], a[i], Math.sqrt(Math.max(0, normSq(g, i)))]),
  };
}

function normSq(g: GramShown, i: number): number {
  const m = 3 * g.k;
  const at = (p: number, q: number) => g.gram[p * m + q];
  return at(i, i) + 2 * at(i, g.k + i) + at(g.k + i, g.k + i);
}

export function transferCsv(r: LabTransferResult, t: TransferFacts): CsvTable {
  const k = r.subtasks.length;
  return {
    header: ['trained on', ...r.subtasks.map((s) => `${s} (relative change of held-out loss, fraction)`)],
    rows: [...r.subtasks, REFERENCE_ROW].map((s, i) => [s, ...Array.from(t.matrix.subarray(i * k, (i + 1) * k))]),
  };
}
