// The lab's sentences: each reads its numbers off the measurement and states them beside what they mean. No
// sentence interprets a matrix without the number it rests on. Definitions: docs/conventions.md, "Equivalence
// measures".
import type { LabModelInfo, LabTransferResult, LabWeighting } from '../../../protocol/lab';
import { fmt2, fmtChange, fmtNorm, fmtPercent, MIN_AGREEMENT, type GramFacts, type GramShown, type SubtaskNouns, type TransferFacts } from './labFigures';

const SOURCE: Record<string, string> = {
  shipped: 'shipped weights',
  indexeddb: 'weights saved in this browser',
  fresh: 'fresh weights',
};

/** The model as measured: its weights' source, and the steps trained in this page on top. */
export function modelText(info: Pick<LabModelInfo, 'label' | 'source' | 'stepsTrainedHere'>): string {
  const steps = info.stepsTrainedHere;
  const trained = info.source === 'fresh'
    ? (steps > 0 ? `trained here, ${steps.toLocaleString('en')} steps` : 'fresh weights, untrained')
    : (steps > 0 ? `${SOURCE[info.source] ?? info.source}, fine-tuned here, ${steps.toLocaleString('en')} steps` : SOURCE[info.source] ?? info.source);
  return `${info.label} (${trained})`;
}

/** The control, and where the sub-tasks' mean cross cosine lies against it. */
export function controlText(f: GramFacts, k: number): string {
  const head = `The mean cosine between ${k} random parts of the whole objective on disjoint samples, ${fmt2(f.controlMean)}: `
    + 'what agreement between equivalent sub-tasks looks like at this batch.';
  const x = `${fmt2(f.crossMean)} ± ${fmt2(f.spread)}`;
  if (!Number.isFinite(f.crossMean) || !Number.isFinite(f.controlMean)) return head;
  if (f.crossMean + f.spread < f.controlMean) return `${head} The sub-tasks' mean cross cosine, ${x}, is below it: they agree less than parts of one objective do.`;
  if (f.crossMean - f.spread > f.controlMean) return `${head} The sub-tasks' mean cross cosine, ${x}, is above it.`;
  return `${head} The sub-tasks' mean cross cosine, ${x}, is within its split-half spread of it: at this batch they are not told apart from parts of one objective.`;
}

/**
 * Whether the matrix is mostly noise: only where its mean |cross cosine| is below the control's mean and most
 * sub-tasks do not even agree with themselves (self-agreement under MIN_AGREEMENT).
 */
export function isMostlyNoise(f: GramFacts, k: number): boolean {
  return f.crossAbsMean < f.controlMean && f.agreeing < k / 2;
}

/** The noise verdict, with the numbers it compares. */
export function noiseText(f: GramFacts, k: number): string {
  const numbers = `mean |cross cosine| ${fmt2(f.crossAbsMean)} against the control's ${fmt2(f.controlMean)}; `
    + `${f.agreeing} of ${k} sub-tasks agree with themselves (self-agreement ≥ ${MIN_AGREEMENT}; mean ${fmt2(f.selfMean)})`;
  const parts = [isMostlyNoise(f, k) ? `Mostly noise: ${numbers}. More batches sharpen the matrix.` : `${numbers.charAt(0).toUpperCase()}${numbers.slice(1)}.`];
  if (Math.abs(f.controlMean) <= f.spread) {
    parts.push(`The control is within the split-half spread (${fmt2(f.spread)}) of 0: at this batch even parts of one objective barely agree, `
      + 'so every cosine here is small and more batches (or a larger batch) are needed before it says much.');
  }
  return parts.join(' ');
}

/** How many noise-corrected cosines are defined, under their heat map. */
export function correctedNote(f: GramFacts, k: number): string {
  const defined = Array.from(f.stats.corrected).filter(Number.isFinite).length / 2;
  const pairs = (k * (k - 1)) / 2;
  const head = `Defined for ${defined} of ${pairs} pairs: those whose sub-tasks both have a self-agreement of at least ${MIN_AGREEMENT} (${f.agreeing} of ${k} do); blank elsewhere.`;
  return defined === 0 ? `${head} At this batch there is nothing to correct: more batches raise the self-agreements.` : head;
}

/** What the split-half spread measures, with its value. */
export function spreadText(f: GramFacts): string {
  return `The ± is the split-half spread, ${fmt2(f.spread)} on average over the pairs: how far the two estimates of each cosine `
    + '(half A against half B, and the swap) lie apart. It measures variance between batches, not the bias of a finite batch: '
    + `noise pulls every cosine toward 0 (the control, ${fmt2(f.controlMean)}, and the noise-corrected matrix show by how much).`;
}

/** Cosine is direction, not gain: the norms the cosines leave out. */
export function gainText(g: GramShown, f: GramFacts): string {
  const norms = Array.from(f.stats.norms);
  const hi = norms.reduce((b, n, i) => (n > norms[b] ? i : b), 0);
  const lo = norms.reduce((b, n, i) => (n < norms[b] ? i : b), 0);
  const ratio = norms[lo] > 0 ? norms[hi] / norms[lo] : Infinity;
  return `Cosine 1 means the same direction, not the same gain: the gradient norms here range from ${fmtNorm(norms[lo])} (${g.subtasks[lo]}) `
    + `to ${fmtNorm(norms[hi])} (${g.subtasks[hi]}), a factor of ${Number.isFinite(ratio) ? fmtNorm(ratio) : '∞'}, and a step lowers each loss in proportion to its own norm.`;
}

/** Conflicting pairs, and the most conflicting one. */
export function conflictText(g: GramShown, f: GramFacts): string {
  const s = f.summary;
  const negative = Math.round(s.negativeShare * s.pairs);
  const parts = [`${negative} of ${s.pairs} pairs (${fmtPercent(s.negativeShare)}) conflict (cross cosine < 0).`];
  const worst = s.mostConflicting;
  if (worst && worst.cos < 0) parts.push(`The most conflicting is ${g.subtasks[worst.i]} with ${g.subtasks[worst.j]} (${fmt2(worst.cos)}).`);
  if (Number.isFinite(s.neighbourMean) && Number.isFinite(s.farMean)) {
    parts.push(`Neighbours: mean ${fmt2(s.neighbourMean)}; ${s.farGap} or more apart: mean ${fmt2(s.farMean)}.`);
  }
  return parts.join(' ');
}

/** The shared-batch cosines, only as a labelled comparison. */
export function sharedText(f: GramFacts): string {
  return `For comparison, cosines from one shared batch (both sub-tasks on the same samples and noise, which biases them toward agreement) `
    + `average ${fmt2(f.sharedMean)} off the diagonal, against ${fmt2(f.crossMean)} from disjoint halves.`;
}

/** Depth losses share terms: what of their agreement is by construction. */
export function depthText(f: GramFacts): string {
  const s = f.summary;
  return `Depth losses share terms: each partial reconstruction contains the earlier codes, so their gradients agree partly by construction `
    + `(mean cross cosine ${fmt2(f.crossMean)}; neighbouring depths ${fmt2(s.neighbourMean)}). The control (${fmt2(f.controlMean)}) and the transfer matrix `
    + 'are what separate that from equivalence.';
}

/** How many sub-tasks the update of a weighting would set back. */
export function alignmentText(g: GramShown, a: ArrayLike<number>, w: LabWeighting): string {
  const values = Array.from(a);
  const rising = values.filter((v) => v < 0).length;
  const low = values.reduce((b, v, i) => (v < values[b] ? i : b), 0);
  const head = `With ${w.label}: ${rising} of ${g.k} sub-tasks (${fmtPercent(rising / g.k)}) have negative alignment, so the step would raise their loss (to first order)`;
  return `${head}; the lowest is ${g.subtasks[low]} (${fmt2(values[low])}).`;
}

/** The transfer matrix in numbers. */
export function transferText(r: LabTransferResult, t: TransferFacts, nouns: SubtaskNouns): string {
  const parts = [
    `After ${r.steps} Adam steps (learning rate ${r.lr}, batch ${r.batch}) on one ${nouns.one} alone, the other ${nouns.many}' held-out losses changed by `
    + `${fmtChange(t.offDiagonal)} on average (negative: they fell too), its own by ${fmtChange(t.diagonal)}; training on all changed them by ${fmtChange(t.reference)}.`,
    `${t.hurt} of ${t.pairs} off-diagonal cells are above 0: training on one raised another's loss. Held out: ${r.heldout} examples.`,
  ];
  if (!(t.diagonal < 0)) {
    parts.push(`Training on a ${nouns.one} did not lower its own held-out loss on average (${fmtChange(t.diagonal)}): these steps are dominated by batch noise `
      + 'or overshoot, so the matrix says little about transfer; a smaller learning rate or a larger batch gives a cleaner one.');
  }
  return parts.join(' ');
}
