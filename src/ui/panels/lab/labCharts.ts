// The noise-level view's figures and sentences, from the worker's result: the cosine matrix as a heat map (cells
// the two halves of the batch disagree on outlined), the gradient norm per level, and the readout numbers.
import { conflictSummary, noisyPairs, NOISY_SPREAD } from '../../../core/equivalence/summary';
import { barChart } from '../../charts/barChart';
import { fixed2, heatmapChart } from '../../charts/heatmapChart';
import type { DenoiserNoiseCosines } from '../../../protocol';

/** λ with two decimals and a true minus sign. */
export function lambdaLabel(l: number): string {
  return fixed2(l);
}

/** A number for prose: 2 decimals, or 3 significant digits in exponent form when small or large. */
export function fmtNorm(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-2 || a >= 1e4) ? v.toExponential(1).replace('-', '−') : v.toFixed(2);
}

export function fmtPercent(p: number): string {
  return Number.isFinite(p) ? `${Math.round(100 * p)} %` : 'n/a';
}

export function fmtSeconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

const pairText = (r: DenoiserNoiseCosines, i: number, j: number) => `λ ${lambdaLabel(r.lambda[i])} and ${lambdaLabel(r.lambda[j])}`;

/** The conflict readout: neighbours against far-apart levels, the share of conflicting pairs, the worst pair. */
export function conflictText(r: DenoiserNoiseCosines): string {
  const s = conflictSummary(r.cosines, r.k);
  const parts = [
    `Neighbouring levels: mean cos ${fixed2(s.neighbourMean)}; levels ${s.farGap} or more bins apart: mean cos ${fixed2(s.farMean)}.`,
  ];
  const negative = Math.round(s.negativeShare * s.pairs);
  parts.push(`${negative} of ${s.pairs} pairs (${fmtPercent(s.negativeShare)}) conflict (cos < 0).`);
  const worst = s.mostConflicting;
  if (worst && worst.cos < 0) parts.push(`The most conflicting pair is ${pairText(r, worst.i, worst.j)} (cos ${fixed2(worst.cos)}).`);
  else if (worst) parts.push(`No pair conflicts; the least aligned is ${pairText(r, worst.i, worst.j)} (cos ${fixed2(worst.cos)}).`);
  if (s.undefinedTasks.length > 0) {
    parts.push(`No gradient at ${s.undefinedTasks.map((i) => `λ ${lambdaLabel(r.lambda[i])}`).join(', ')} (the model is exactly right there): n/a.`);
  }
  return parts.join(' ');
}

/** The sampling-noise readout: which cosines the two halves of the batch disagree on, and how small those gradients are. */
export function noiseText(r: DenoiserNoiseCosines): string {
  const noisy = noisyPairs(r.spread, r.k);
  const half = r.batch / 2;
  if (noisy.length === 0) {
    return `Sampling noise: the two halves of the batch (${half} digits each) agree on every cosine within ${NOISY_SPREAD}: at this batch size the matrix looks stable.`;
  }
  const worst = noisy[0];
  const involved = [...new Set(noisy.flatMap((p) => [p.i, p.j]))].sort((a, b) => a - b);
  const strongest = r.norms.reduce((best, n, i) => (n > r.norms[best] ? i : best), 0);
  const smallest = involved.reduce((best, i) => (r.norms[i] < r.norms[best] ? i : best), involved[0]);
  return (
    `Sampling noise: the two halves of the batch (${half} digits each) put ${noisy.length} ${noisy.length === 1 ? 'cosine' : 'cosines'} more than ${NOISY_SPREAD} apart `
    + `(dashed in the matrix), most for ${pairText(r, worst.i, worst.j)} (${fixed2(worst.spread)} apart). `
    + `Those values are uncertain by roughly half that and change with the batch or the noise seed. `
    + `The smallest gradient among them is at λ ${lambdaLabel(r.lambda[smallest])} (‖g‖ ${fmtNorm(r.norms[smallest])}, against ${fmtNorm(r.norms[strongest])} at λ ${lambdaLabel(r.lambda[strongest])}): `
    + `there the loss barely depends on the weights, and what gradient there is is mostly noise. A larger batch narrows the spread.`
  );
}

/** The matrix row by row, for screen readers. */
function rowsText(r: DenoiserNoiseCosines): string {
  return Array.from({ length: r.k }, (_, i) => `λ ${lambdaLabel(r.lambda[i])}: ${Array.from(r.cosines.subarray(i * r.k, (i + 1) * r.k), fixed2).join(', ')}`).join('; ');
}

/** The K × K cosine heat map, λ on both axes (noisiest first), cells the halves disagree on by more than NOISY_SPREAD dashed. */
export function cosineHeatmap(r: DenoiserNoiseCosines, doc?: Document): SVGSVGElement {
  const flags = Array.from(r.spread, (s, n) => n % (r.k + 1) !== 0 && s > NOISY_SPREAD);
  const flagged = flags.filter(Boolean).length / 2;
  return heatmapChart({ values: r.cosines, labels: r.lambda.map(lambdaLabel) }, {
    title: `Gradient cosines between ${r.k} noise levels`,
    description:
      `Cosine between the gradients of the digit denoiser's loss at ${r.k} noise levels, λ from ${lambdaLabel(r.lambda[0])} (noisiest) to `
      + `${lambdaLabel(r.lambda[r.k - 1])} (cleanest), on ${r.batch} held-out digits with noise seed ${r.seed}; −1 = opposite, 0 = unrelated, 1 = the same direction. `
      + `${conflictText(r)} ${flagged > 0 ? `${flagged} pairs (dashed) differ by more than ${NOISY_SPREAD} between the two halves of the batch. ` : ''}Rows: ${rowsText(r)}.`,
    xLabel: 'λ of level j (noisy ← → clean)', yLabel: 'λ of level i', rowName: 'λ_i', colName: 'λ_j', legendLabel: 'cos',
    flagged: { cells: flags, note: `the two halves of the batch differ by > ${NOISY_SPREAD}: sampling noise` },
    cellDetail: (i, j) => (i === j || !Number.isFinite(r.spread[i * r.k + j]) ? null : `halves ${fixed2(r.spread[i * r.k + j])} apart`),
  }, doc);
}

/** Above this ratio of the largest to the smallest norm the norm chart uses a log axis. */
const LOG_SPAN = 100;

/** ‖g_i‖ per level as bars, log y when they span more than two decades. */
export function normChart(r: DenoiserNoiseCosines, doc?: Document): SVGSVGElement {
  const positive = Array.from(r.norms).filter((n) => n > 0);
  const log = positive.length > 0 && Math.max(...positive) / Math.min(...positive) > LOG_SPAN;
  const bars = Array.from(r.norms, (value, i) => ({ key: String(i), label: lambdaLabel(r.lambda[i]), value }));
  const big = bars.reduce((a, b) => (b.value > a.value ? b : a), bars[0]);
  const small = bars.reduce((a, b) => (b.value < a.value ? b : a), bars[0]);
  return barChart(bars, {
    title: 'Gradient norm ‖g‖ per noise level',
    description:
      `Euclidean norm of each noise level's gradient over all ${r.paramCount.toLocaleString('en')} weights${log ? ', logarithmic y' : ''}: `
      + `largest ${fmtNorm(big.value)} at λ ${big.label}, smallest ${fmtNorm(small.value)} at λ ${small.label}. `
      + `A per-level loss weight multiplies a level's norm and leaves its cosines unchanged. `
      + `Values: ${bars.map((b) => `λ ${b.label}: ${fmtNorm(b.value)}`).join(', ')}.`,
    xLabel: 'λ (noisy ← → clean)', yLabel: log ? '‖g‖ (log scale)' : '‖g‖', yLog: log,
    formatValue: fmtNorm, width: 420, height: 300,
  }, doc);
}
