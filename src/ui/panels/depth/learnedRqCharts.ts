// Data shaping for the learned RQ auto-encoder's charts: (worker results) → lineChart / barChart SVGs and images.
import { usageByRank } from '../../../core/depth/codebook';
import { NON_MONOTONE_THRESHOLDS } from '../../../core/depth/nonMonotone';
import type { RgbImage } from '../../../core/image';
import { RQAE_MODELS, RQAE_TALK_NON_MONOTONE, type RqaeCheckpoint, type RqaeCodebookHealth, type RqaeObjective } from '../../../protocol';
import { barChart, type Bar } from '../../charts/barChart';
import { lineChart, type Series } from '../../charts/lineChart';
import { trainingLossChart } from '../../charts/trainingLossChart';

export const OBJECTIVE_LABELS: Record<RqaeObjective, string> = {
  summed: '(b) summed over depths',
  full: "(a) RQ-VAE's objective (full depth)",
};

const shippedOf = (key: string) => RQAE_MODELS.find((s) => s.key === key);
const perDepth = (key: string) => shippedOf(key)?.sharedCodebook === false;

export function modelLabel(key: string): string {
  const m = shippedOf(key);
  return m ? `${m.objective === 'summed' ? '(b)' : '(a)'} D = ${m.depth}${m.sharedCodebook ? '' : ', per-depth codebooks'}` : key;
}

/** A shipped model as the model picker lists it: its objective in words, its depth and its codebooks. */
export function modelChoiceLabel(key: string): string {
  const m = shippedOf(key);
  return m ? `${OBJECTIVE_LABELS[m.objective]}, D = ${m.depth}${m.sharedCodebook ? '' : ', one codebook per depth'}` : key;
}

// One colour per shipped model (colour-blind-safe Tableau hues); labels say (a) or (b) as well, so no series
// relies on hue alone.
const COLORS: Record<string, string> = {
  'summed-d4': '#4e79a7', 'summed-d8': '#f28e2b', 'summed-d16': '#59a14f', 'full-d4': '#76b7b2', 'full-d8': '#b07aa1',
  'full-d16': '#9c755f', 'summed-d8-perdepth': '#e15759', 'full-d8-perdepth': '#ff9da7',
};

export const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
export const fmtDb = (v: number) => `${v.toFixed(2)} dB`;

export type CurveInput = { model: string; psnrPerDepth: number[] };

/** Held-out PSNR against depth for one or more models, `highlight` marking a depth of `current`. */
export function psnrChart(curves: CurveInput[], current: string, depth: number, heldout: number, noun = 'digit'): SVGSVGElement {
  const series: Series[] = curves.map((c) => ({
    id: c.model,
    label: modelLabel(c.model),
    points: c.psnrPerDepth.map((y, i) => ({ x: i + 1, y })),
    color: COLORS[c.model],
  }));
  const maxDepth = Math.max(...curves.map((c) => c.psnrPerDepth.length));
  const text = curves.map((c) => `${modelLabel(c.model)}: ${c.psnrPerDepth.map((p) => p.toFixed(1)).join(', ')} dB`).join('; ');
  return lineChart(series, {
    title: 'Held-out PSNR per depth',
    description: `PSNR of decoder(ẑ^(d)), the reconstruction from the first d codes, on ${heldout} held-out ${noun}s, d = 1…${maxDepth}. ${text}.`,
    xLabel: 'depth d (codes used)', yLabel: 'PSNR (dB)', xDomain: [1, maxDepth],
    highlight: curves.some((c) => c.model === current) ? { seriesId: current, x: depth } : undefined,
    formatY: fmtDb, width: 440, height: 260,
  });
}

export type Measured = { model: string; depth: number; objective: RqaeObjective; nonMonotoneFraction: number; nonMonotoneByThreshold?: number[] };

/**
 * The talk's reported non-monotone fractions next to the ones measured here, bar by bar: per depth the talk,
 * then (b) and (a) with a shared codebook; then the models with one codebook per depth.
 */
export function nonMonotoneBars(measured: Measured[]): Bar[] {
  const bars: Bar[] = [];
  const placed = new Set<string>();
  const add = (m: Measured) => {
    placed.add(m.model);
    const label = `D=${m.depth} ${m.objective === 'summed' ? '(b)' : '(a)'}${perDepth(m.model) ? ' per-depth' : ''} here`;
    bars.push({ key: m.model, label, value: m.nonMonotoneFraction, highlighted: true });
  };
  for (const ref of RQAE_TALK_NON_MONOTONE) {
    bars.push({ key: `talk-${ref.depth}`, label: `D=${ref.depth} talk`, value: ref.fraction });
    for (const objective of ['summed', 'full'] as const) {
      const mine = measured.find((m) => m.objective === objective && m.depth === ref.depth && !perDepth(m.model));
      if (mine) add(mine);
    }
  }
  for (const m of measured) if (!placed.has(m.model)) add(m);
  return bars;
}

export function nonMonotoneChart(measured: Measured[], heldout: number, noun = 'digit'): SVGSVGElement {
  const bars = nonMonotoneBars(measured);
  const here = measured.map((m) => `${modelLabel(m.model)} ${pct(m.nonMonotoneFraction)}`).join(', ');
  return barChart(bars, {
    title: `${noun === 'digit' ? 'Digits' : 'Crops'} whose error rises with more depth`,
    description: `Fraction of held-out ${noun}s whose reconstruction MSE increases from some depth d to d+1. Light bars: reported in the talk for the summed objective (${RQAE_TALK_NON_MONOTONE.map((r) => `D=${r.depth} ${r.label}`).join(', ')}). Dark bars: measured here on ${heldout} held-out ${noun}s (${here || 'none yet'}).`,
    xLabel: 'model (talk = reported in the talk, here = measured here)', yLabel: 'non-monotone fraction', yDomain: [0, 1],
    formatValue: pct, width: 440, height: 280,
  });
}

/**
 * The non-monotone fraction of each measured model against what counts as a rise (1e-6 … 5 % relative), with the
 * talk's reported fractions as flat grey lines at their depth. The fraction at 1e-6 grows with D partly because
 * there are more steps that can rise; the curve shows how much of it is rises of any size.
 */
export function nonMonotoneThresholdChart(measured: Measured[], heldout: number, noun = 'digit'): SVGSVGElement {
  const withCurve = measured.filter((m) => m.nonMonotoneByThreshold && m.nonMonotoneByThreshold.length === NON_MONOTONE_THRESHOLDS.length);
  const lo = NON_MONOTONE_THRESHOLDS[0];
  const hi = NON_MONOTONE_THRESHOLDS[NON_MONOTONE_THRESHOLDS.length - 1];
  const series: Series[] = [
    ...RQAE_TALK_NON_MONOTONE.map((r) => ({ id: `talk-${r.depth}`, label: `talk, D=${r.depth} ${r.label}`, color: '#9a9a9a', points: [{ x: lo, y: r.fraction }, { x: hi, y: r.fraction }] })),
    ...withCurve.map((m) => ({ id: m.model, label: modelLabel(m.model), color: COLORS[m.model], points: NON_MONOTONE_THRESHOLDS.map((t, i) => ({ x: t, y: m.nonMonotoneByThreshold![i] })) })),
  ];
  const nearest = (t: number) => NON_MONOTONE_THRESHOLDS.reduce((best, x, i) => (Math.abs(Math.log(x / t)) < Math.abs(Math.log(NON_MONOTONE_THRESHOLDS[best] / t)) ? i : best), 0);
  const at = (m: Measured, t: number) => pct(m.nonMonotoneByThreshold![nearest(t)]);
  const text = withCurve.map((m) => `${modelLabel(m.model)}: ${at(m, 1e-6)} at 1e-6, ${at(m, 0.01)} at 1 %, ${at(m, 0.05)} at 5 %`).join('; ');
  return lineChart(series, {
    title: 'Non-monotone fraction against the rise that counts',
    description: `Fraction of ${heldout} held-out ${noun}s whose reconstruction MSE rises by more than the threshold (relative) from some depth d to d+1, for thresholds from 1e-6 to 5 %, per model (${text || 'none measured yet'}). Grey lines: the talk's fractions (${RQAE_TALK_NON_MONOTONE.map((r) => `D=${r.depth} ${r.label}`).join(', ')}).`,
    xLabel: 'threshold (relative rise, log scale)', yLabel: 'non-monotone fraction', xLog: true, xDomain: [lo, hi], yDomain: [0, 1], formatY: pct, width: 440, height: 280,
  });
}

export type CheckpointRun = { model: string; checkpoints: RqaeCheckpoint[] };

/** The non-monotone fraction of the held-out digits at checkpoints of each model's training run. */
export function checkpointChart(runs: CheckpointRun[], heldout: number): SVGSVGElement {
  const series: Series[] = runs.map((r) => ({
    id: r.model,
    label: modelLabel(r.model),
    points: r.checkpoints.map((c) => ({ x: c.step, y: c.nonMonotoneFraction })),
    color: COLORS[r.model],
  }));
  const text = runs.map((r) => `${modelLabel(r.model)}: ${r.checkpoints.map((c) => `step ${c.step} ${pct(c.nonMonotoneFraction)}`).join(', ')}`).join('; ');
  return lineChart(series, {
    title: 'Non-monotone fraction during training',
    description: `Fraction of the ${heldout} held-out digits whose reconstruction MSE rises from some depth d to d+1, measured by the training script on the weights at a few checkpoints of each shipped model's run. ${text}.`,
    xLabel: 'training step', yLabel: 'non-monotone fraction', yDomain: [0, 1], formatY: pct, width: 440, height: 260,
  });
}

/** Perplexity (effective codewords) and dead codes per depth. */
export function healthChart(health: RqaeCodebookHealth[], what: 'perplexity' | 'dead', codebookSize: number): SVGSVGElement {
  const bars: Bar[] = health.map((h, d) => ({ key: String(d + 1), label: String(d + 1), value: what === 'perplexity' ? h.perplexity : h.dead }));
  const list = bars.map((b) => `${b.label}: ${what === 'perplexity' ? b.value.toFixed(1) : b.value}`).join(', ');
  return barChart(bars, {
    title: what === 'perplexity' ? 'Codebook perplexity per depth' : 'Dead codes per depth',
    description: what === 'perplexity'
      ? `2^H of the codes chosen at each depth on the held-out set: the effective number of the ${codebookSize} codewords in use. Depth ${list}.`
      : `Codewords of the ${codebookSize} that no held-out latent vector chose at each depth. Depth ${list}.`,
    xLabel: 'depth d', yLabel: what === 'perplexity' ? 'perplexity (codewords)' : 'unused codewords',
    yDomain: [0, codebookSize], width: 300, height: 220, formatValue: (v) => (what === 'perplexity' ? v.toFixed(1) : String(v)),
  });
}

/** Codeword usage at one depth, most used first (the histogram of src/core/depth/codebook.ts). */
export function usageChart(h: RqaeCodebookHealth, depth: number): SVGSVGElement {
  const bins = usageByRank(h.counts, 64);
  const bars: Bar[] = bins.map((b) => ({ key: `${b.from}-${b.to}`, label: b.from === b.to ? String(b.from + 1) : `${b.from + 1}–${b.to + 1}`, value: b.value }));
  const total = h.counts.reduce((a, b) => a + b, 0);
  return barChart(bars, {
    title: `Codeword usage at depth ${depth}`,
    description: `Latent vectors per codeword at depth ${depth}, codewords ranked from most to least used (${total} vectors, perplexity ${h.perplexity.toFixed(1)}, ${h.dead} dead codes).`,
    xLabel: 'codeword rank', yLabel: 'latent vectors', width: 440, height: 220,
    xTickKeys: bars.filter((_, i) => i % 8 === 0).map((b) => b.key),
  });
}

/** One digit's MSE per depth, the chosen depth marked. */
export function digitMseChart(mse: number[], depth: number, digit: number, noun = 'digit'): SVGSVGElement {
  return lineChart([{ id: 'digit', label: `${noun} ${digit}`, points: mse.map((y, i) => ({ x: i + 1, y })), color: '#1f5fa8' }], {
    title: `${noun === 'digit' ? 'Digit' : 'Crop'} ${digit}: MSE per depth`,
    description: `Reconstruction MSE of held-out ${noun} ${digit} from its first d codes: ${mse.map((m) => m.toFixed(4)).join(', ')}.`,
    xLabel: 'depth d', yLabel: 'MSE (pixels in [0,1])', xDomain: [1, Math.max(2, mse.length)], highlight: { seriesId: 'digit', x: depth },
    formatY: (v) => v.toFixed(4), width: 300, height: 220,
  });
}

export function lossChart(losses: number[]): SVGSVGElement {
  const four = (v: number) => v.toFixed(4);
  return trainingLossChart(losses, {
    title: 'Training loss', measure: "The objective's value on each training batch", yLabel: 'batch loss', format: four, formatY: four,
    note: 'The first steps of a fresh model train a plain auto-encoder (no codebook yet).',
  });
}

/** side × side × channels pixels (interleaved) as an RgbImage (grey digits copied to all three channels). */
export function toRgb(values: Float32Array, side: number, channels: number, offset = 0): RgbImage {
  const data = new Float32Array(side * side * 3);
  for (let i = 0; i < side * side; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = values[offset + i * channels + (channels === 3 ? c : 0)];
  }
  return { width: side, height: side, data };
}
